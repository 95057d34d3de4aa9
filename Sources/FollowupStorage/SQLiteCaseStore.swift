import FollowupCore
import Foundation
import GRDB
import Logging
import Synchronization

/// The embedded engine (§7): one SQLite file in WAL mode with `synchronous=FULL`.
///
/// Writes are serialised by SQLite; every method commits before it returns.
public final class SQLiteCaseStore: CaseStore {
    let pool: DatabasePool
    let logger: Logger
    /// The file's path.
    public let path: String
    /// The last case id handed out (this process is the file's only writer of new cases).
    let lastID: Mutex<Int64>

    /// Opens (creating when missing) the database at `path` and applies pending migrations
    /// (``migrate(path:configuration:logger:)``: a copy of the file first, then one transaction).
    ///
    /// - Throws: ``FollowupError`` with `storageUnavailable` when the file cannot be opened,
    ///   `migrationFailed` when its schema cannot be brought up to date (the file unchanged).
    public init(path: String, logger: Logger) throws(FollowupError) {
        self.path = path
        self.logger = logger
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw FollowupError(
                .storageUnavailable, "cannot open the database \(path): \(Self.describe(error))", underlying: error)
        }
        // Migrated on a connection of its own before the pool opens: opening a pool writes to
        // the file (GRDB makes and drops a table to create the write-ahead log), and a file
        // whose migration fails must be left byte for byte as it was.
        try Self.migrate(path: path, configuration: configuration, logger: logger)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            let last = try pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM cases") ?? 0
            }
            lastID = Mutex(last)
        } catch {
            throw FollowupError(
                .storageUnavailable, "cannot open the database \(path): \(Self.describe(error))", underlying: error)
        }
    }

    /// Runs `body` in a write transaction, mapping engine errors to ``FollowupError``.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw Self.mapped(error)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.mapped(error)
        }
    }

    static func mapped(_ error: any Error) -> any Error {
        if error is FollowupError || error is CancellationError { return error }
        if let database = error as? DatabaseError {
            switch database.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_READONLY,
                .SQLITE_PROTOCOL, .SQLITE_NOMEM:
                return FollowupError(
                    .storageUnavailable, "storage is unavailable: \(describe(error))", underlying: error)
            default:
                return FollowupError(.internalError, "storage error: \(describe(error))", underlying: error)
            }
        }
        return FollowupError(.internalError, "storage error: \(describe(error))", underlying: error)
    }

    static func describe(_ error: any Error) -> String {
        if let database = error as? DatabaseError { return database.message ?? "\(database.resultCode)" }
        return "\(error)"
    }

    // MARK: Writing

    public func reserveCaseID() async throws -> CaseID {
        CaseID(
            lastID.withLock { last in
                last += 1
                return last
            })
    }

    public func insertCases(_ cases: [PreparedCase]) async throws -> [Result<Case, any Error>] {
        try await write { db in
            var writer = ChangeWriter(db: db)
            var results: [Result<Case, any Error>] = []
            results.reserveCapacity(cases.count)
            for prepared in cases {
                do {
                    try db.inSavepoint {
                        try writer.insert(prepared.change, encoded: prepared.encoded)
                        return .commit
                    }
                    writer.keepPending()
                    results.append(.success(prepared.change.case))
                } catch {
                    writer.discardPending()
                    results.append(.failure(Self.mapped(error)))
                }
            }
            try writer.flushCounters()
            return results
        }
    }

    public func updateCase(_ id: CaseID, _ change: @escaping @Sendable (Case) throws -> StoredChange) async throws
        -> Case
    {
        try await write { db in
            guard let current = try Self.loadCase(id, db) else {
                throw FollowupError(.notFound, "\(id) does not exist")
            }
            let result = try change(current)
            var writer = ChangeWriter(db: db)
            try writer.save(result, previousState: current.state)
            try writer.flushCounters()
            return result.case
        }
    }

    public func fireDueStages(
        now: Date, limit: Int, _ fire: @escaping @Sendable (Case, Stage) -> StoredChange?
    ) async throws -> FiringBatch {
        try await write { db in
            var batch = FiringBatch()
            var writer = ChangeWriter(db: db)
            let documents = try Data.fetchAll(
                db,
                sql: "SELECT doc FROM cases WHERE next_due_at <= ? ORDER BY next_due_at LIMIT ?",
                arguments: [now.timeIntervalSince1970, limit])
            let prepared = try DueCase.prepare(documents, now: now, fire)
            for item in prepared {
                batch.examined += 1
                var change = item.change
                if let stage = item.stage {
                    if try writer.claim(stage, of: item.current.id, at: now) {
                        batch.fired[stage.kind, default: 0] += 1
                        batch.carried.append(CarriedStage(stage, of: change))
                        writer.countStage(stage.kind)
                    } else {
                        // Done before: keep the advanced timers, repeat nothing.
                        batch.duplicates += 1
                        change = item.withoutEffects
                    }
                }
                try writer.save(change, previousState: item.current.state, encoded: item.encoded)
            }
            try writer.flushCounters()
            return batch
        }
    }

    static func loadCase(_ id: CaseID, _ db: Database) throws -> Case? {
        guard let data = try Data.fetchOne(db, sql: "SELECT doc FROM cases WHERE id = ?", arguments: [id.number])
        else { return nil }
        return try DocumentCoding.decoder().decode(Case.self, from: data)
    }
}
