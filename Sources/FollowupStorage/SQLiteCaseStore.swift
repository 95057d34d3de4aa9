import FollowupCore
import Foundation
import GRDB
import Logging

/// The embedded engine (§7): one SQLite file in WAL mode with `synchronous=FULL`.
///
/// Writes are serialised by SQLite; every method commits before it returns.
public final class SQLiteCaseStore: CaseStore {
    let pool: DatabasePool
    let logger: Logger
    /// The file's path.
    public let path: String

    /// Opens (creating when missing) the database at `path` and applies pending migrations.
    ///
    /// - Throws: ``FollowupError`` with `storageUnavailable` when the file cannot be opened.
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
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
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

    public func openCase(_ make: @escaping @Sendable (CaseID) throws -> StoredChange) async throws -> Case {
        try await write { db in
            let next = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM cases") ?? 1
            let change = try make(CaseID(next))
            var writer = ChangeWriter(db: db)
            try writer.insert(change)
            try writer.flushCounters()
            return change.case
        }
    }

    public func openCases(_ makes: [@Sendable (CaseID) throws -> StoredChange]) async throws -> [Result<Case, any Error>] {
        try await write { db in
            var next = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM cases") ?? 1
            var writer = ChangeWriter(db: db)
            var results: [Result<Case, any Error>] = []
            results.reserveCapacity(makes.count)
            for make in makes {
                do {
                    var opened: Case?
                    try db.inSavepoint {
                        let change = try make(CaseID(next))
                        try writer.insert(change)
                        opened = change.case
                        return .commit
                    }
                    next += 1
                    writer.keepPending()
                    results.append(.success(opened!))
                } catch {
                    writer.discardPending()
                    results.append(.failure(Self.mapped(error)))
                }
            }
            try writer.flushCounters()
            return results
        }
    }

    public func updateCase(_ id: CaseID, _ change: @escaping @Sendable (Case) throws -> StoredChange) async throws -> Case {
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
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT doc FROM cases WHERE next_due_at <= ? ORDER BY next_due_at LIMIT ?",
                arguments: [now.timeIntervalSince1970, limit])
            for row in rows {
                let current = try writer.decoder.decode(Case.self, from: row["doc"] as Data)
                batch.examined += 1
                guard let stage = current.nextStage, stage.dueAt <= now else {
                    // The stored deadline was stale: correct it.
                    try writer.save(StoredChange(case: current), previousState: current.state)
                    continue
                }
                guard var change = fire(current, stage) else {
                    try writer.save(StoredChange(case: current), previousState: current.state)
                    continue
                }
                if try writer.claim(stage, of: current.id, at: now) {
                    batch.fired[stage.kind, default: 0] += 1
                    writer.countStage(stage.kind)
                } else {
                    // Done before: keep the advanced timers, repeat nothing.
                    batch.duplicates += 1
                    change.entries = []
                    change.outbox = []
                    change.reports = []
                }
                try writer.save(change, previousState: current.state)
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
