import FollowupCore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The shared engine (§7): one PostgreSQL database for several `followupd` nodes.
///
/// Same tables and meaning as ``SQLiteCaseStore``. What sharing adds: case ids come from a
/// sequence; ``fireDueStages(now:limit:_:)`` and ``claimNotifications(now:limit:leaseUntil:)``
/// claim rows with `FOR UPDATE SKIP LOCKED`, so two nodes never take the same case or
/// notification; each node has a ``nodeID``, recorded on the notifications it leases, and
/// ``releaseClaims(now:)`` gives back only its own; a commit that may move a deadline earlier
/// or queues notifications wakes the other nodes (``wakeUps()``); nodes beat in `nodes`
/// (``heartbeat(now:)``, ``liveNodes(since:)``).
///
/// The store owns a `PostgresClient` (a pool of connections) that works only while ``run()``
/// runs; until then queries wait. ``withRunning(_:)`` migrates, then runs the store around
/// everything that uses it (what the daemon does: it queries the store before its
/// `ServiceGroup` starts, and its services write until they have stopped). The store is also
/// a `Service`: in a group, list it first so that it stops last, and call ``migrate()`` first.
///
/// Errors are ``FollowupError``: `storageUnavailable` when the server cannot be reached (the
/// pool keeps trying for a minute before it gives up on a request); no message ever holds the
/// password, and ``description`` is the URL without it.
public final class PostgresCaseStore: CaseStore, Service, CustomStringConvertible {
    /// The `LISTEN`/`NOTIFY` channel of wake-ups; the payload is the waking node's id.
    static let wakeChannel = "followupd_wake"
    /// How often a transaction that lost a deadlock or serialization race is run again.
    static let attempts = 4

    let client: PostgresClient
    let location: PostgresLocation
    let connectionConfiguration: PostgresConnection.Configuration
    let logger: Logger
    let bell = WakeUpBell()
    /// When this node's first heartbeat was recorded.
    let started = Mutex<Date?>(nil)
    /// This node's id: unique among the nodes sharing the database, and kept across restarts
    /// of the same node (the host name by default) so that ``releaseClaims(now:)`` after a crash
    /// finds the claims it left.
    public let nodeID: String
    /// Connections handed out so far: a wait is cut only when the pool hands out none.
    let handedOut = ConnectionProgress()
    /// The host this node runs on, as shown by ``liveNodes(since:)``.
    public let host: String

    /// The URL without its password.
    public var description: String { location.description }

    /// A store for the database at `url`; nothing is connected until ``run()`` and ``migrate()``.
    ///
    /// - Parameters:
    ///   - url: A `postgres://` URL (see `storage.url`); a password in it is used only when
    ///     `password` is nil, and never shown.
    ///   - password: The password read from `storage.password_file` (or a credential), if any.
    ///   - nodeID: This node's id (see ``nodeID``).
    ///   - maximumConnections: The pool's size (one more is held for wake-ups).
    /// - Throws: ``FollowupError`` with `invalidConfiguration` when the URL cannot be read.
    public init(
        url: String, password: String?, nodeID: String = PostgresCaseStore.defaultNodeID,
        host: String = ProcessInfo.processInfo.hostName, maximumConnections: Int = 16, logger: Logger
    ) throws(FollowupError) {
        location = try PostgresLocation(url: url)
        let password = password ?? location.passwordInURL
        var configuration = try location.clientConfiguration(password: password)
        configuration.options.maximumConnections = max(2, maximumConnections + 1)
        connectionConfiguration = try location.connectionConfiguration(password: password)
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.nodeID = nodeID
        self.host = host
        self.logger = logger
    }

    /// The host name: stable across restarts, unique while one daemon runs per host.
    public static var defaultNodeID: String { ProcessInfo.processInfo.hostName }

    /// Reads a password file (`storage.password_file`, already resolved against
    /// `$CREDENTIALS_DIRECTORY` by the configuration): its text without surrounding white space,
    /// as the configuration reads every secret file.
    ///
    /// - Throws: ``FollowupError`` with `invalidConfiguration`, naming the file, not its content.
    public static func password(fromFile path: String) throws(FollowupError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw FollowupError(.invalidConfiguration, "storage.password_file: cannot read \(path)", underlying: error)
        }
    }

    // MARK: Running

    /// Runs the connection pool and the wake-up listener until cancelled or, in a
    /// `ServiceGroup`, until graceful shutdown. Queries wait while it does not run.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            group.addTask { await cancelWhenGracefulShutdown { await self.listenForWakeUps() } }
        }
        bell.finish()
    }

    /// Migrates, then runs the store (``run()``) around `body`, and stops it when `body` returns.
    public func withRunning<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await migrate()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// Opens the database at `url`, migrates it, and runs it around `body`.
    public static func withStore<T: Sendable>(
        url: String, password: String? = nil, nodeID: String = PostgresCaseStore.defaultNodeID, logger: Logger,
        _ body: (PostgresCaseStore) async throws -> T
    ) async throws -> T {
        let store = try PostgresCaseStore(url: url, password: password, nodeID: nodeID, logger: logger)
        return try await store.withRunning { try await body(store) }
    }

    // MARK: Transactions

    /// Runs `body` in one transaction with a change writer, then applies the counters and
    /// queues the wake-up; a transaction that lost a deadlock or serialization race runs again
    /// (`body` must be safe to repeat: it only reads and writes through the writer).
    func transaction<T: Sendable>(_ body: @escaping @Sendable (inout PostgresChangeWriter) async throws -> T)
        async throws -> T
    {
        var attempt = 1
        let client = self.client
        let logger = self.logger
        let nodeID = self.nodeID
        while true {
            do {
                return try await withConnectionWait { acquired in
                    try await client.withTransaction(logger: logger) { connection in
                        try acquired()
                        var writer = PostgresChangeWriter(connection: connection, logger: logger, nodeID: nodeID)
                        let result = try await body(&writer)
                        try await writer.finish()
                        return result
                    }
                }
            } catch {
                if attempt < Self.attempts, Self.isRaceLost(error) {
                    attempt += 1
                    continue
                }
                throw mapped(error)
            }
        }
    }

    /// Runs `body` on a pooled connection, outside any transaction.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = self.client
        do {
            return try await withConnectionWait { acquired in
                try await client.withConnection { connection in
                    try acquired()
                    return try await body(connection)
                }
            }
        } catch {
            throw mapped(error)
        }
    }

    /// How long the pool may hand out no connection at all before a waiting operation fails
    /// as storage unavailable (a 503 to a client, a retry with backoff for the workers).
    static let connectionWait: Duration = .seconds(5)

    /// Runs `work`, which calls `acquired()` first thing once it holds a connection. While
    /// PostgreSQL is unreachable the pool waits for it as long as it takes, so without a limit
    /// a request would hang rather than be answered: when a whole ``connectionWait`` passes in
    /// which the pool handed out no connection to anyone, the work is cancelled and this
    /// throws `storageUnavailable`. A queue that moves is never cut: on a busy machine, or
    /// with more callers than connections, an operation may wait longer than that behind
    /// others and still runs. The outcome is decided once, atomically: work that got its
    /// connection runs to its end (it may be committing), work that did not never starts.
    func withConnectionWait<T: Sendable>(
        _ work: @escaping @Sendable (_ acquired: @escaping @Sendable () throws -> Void) async throws -> T
    ) async throws -> T {
        let decision = ConnectionWait()
        let progress = handedOut
        let location = description
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await work {
                    guard decision.claim(.acquired) else { throw CancellationError() }
                    progress.add()
                }
            }
            group.addTask {
                var seen = progress.count
                while true {
                    try? await Task.sleep(for: Self.connectionWait)
                    if Task.isCancelled { return nil }
                    let now = progress.count
                    if now == seen { return nil }
                    seen = now
                }
            }
            while let finished = try await group.next() {
                if let value = finished {
                    group.cancelAll()
                    return value
                }
                if decision.claim(.timedOut) {
                    group.cancelAll()
                    throw FollowupError(
                        .storageUnavailable,
                        "no connection to PostgreSQL (\(location)) within \(Self.connectionWait): try again")
                }
            }
            throw CancellationError()
        }
    }

    /// Rows of one query on a pooled connection.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await read { connection in try await connection.query(query, logger: self.logger).collect() }
    }

    // MARK: Writing

    public func reserveCaseID() async throws -> CaseID {
        let rows = try await rows("SELECT nextval('case_ids')")
        do {
            return CaseID(try rows[0].decode(Int64.self))
        } catch {
            throw mapped(error)
        }
    }

    /// All the cases in one statement per table when none fails (the usual case); otherwise
    /// again one by one, each in a savepoint of its own, so that one failure does not undo the
    /// others.
    public func insertCases(_ cases: [PreparedCase]) async throws -> [Result<Case, any Error>] {
        try await transaction { writer in
            try await writer.run("SAVEPOINT all_cases")
            do {
                try await writer.insert(cases.map { ($0.change, $0.encoded) })
                try await writer.run("RELEASE SAVEPOINT all_cases")
                return cases.map { .success($0.change.case) }
            } catch {
                try await writer.run("ROLLBACK TO SAVEPOINT all_cases")
                writer.discardPending()
            }
            var results: [Result<Case, any Error>] = []
            results.reserveCapacity(cases.count)
            for prepared in cases {
                try await writer.run("SAVEPOINT one_case")
                do {
                    try await writer.insert([(prepared.change, prepared.encoded)])
                    try await writer.run("RELEASE SAVEPOINT one_case")
                    writer.keepPending()
                    results.append(.success(prepared.change.case))
                } catch {
                    try await writer.run("ROLLBACK TO SAVEPOINT one_case")
                    writer.discardPending()
                    results.append(.failure(self.mapped(error)))
                }
            }
            return results
        }
    }

    public func updateCase(_ id: CaseID, _ change: @escaping @Sendable (Case) throws -> StoredChange) async throws
        -> Case
    {
        try await transaction { writer in
            // The row lock serialises updates of one case across nodes.
            let rows = try await writer.rows("SELECT doc, next_due_at FROM cases WHERE id = \(id.number) FOR UPDATE")
            guard let row = rows.first else {
                throw FollowupError(.notFound, "\(id) does not exist")
            }
            let (document, due) = try row.decode((Data, Double?).self)
            let current = try DocumentCoding.decoder().decode(Case.self, from: document)
            let result = try change(current)
            try await writer.save([
                .init(
                    change: result, previousState: current.state,
                    previousDue: due.map(Date.init(timeIntervalSince1970:)))
            ])
            return result.case
        }
    }

    /// Claims the due cases with `FOR UPDATE SKIP LOCKED`: a case another node is firing (or
    /// a command is changing) is left to it; the stage keys in `stages_done` make a stage that
    /// was done anyway a duplicate rather than a repetition.
    public func fireDueStages(
        now: Date, limit: Int, _ fire: @escaping @Sendable (Case, Stage) -> StoredChange?
    ) async throws -> FiringBatch {
        try await transaction { writer in
            var batch = FiringBatch()
            let documents = try await writer.rows(
                """
                SELECT doc FROM cases WHERE next_due_at <= \(now.timeIntervalSince1970)
                ORDER BY next_due_at LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
                """
            ).map { try $0.decode(Data.self) }
            let due = try DueCase.prepare(documents, now: now, fire)
            let claimed = try await writer.claim(
                due.compactMap { item in item.stage.map { (item.current.id, $0) } }, at: now)
            var saves: [PostgresChangeWriter.Save] = []
            saves.reserveCapacity(due.count)
            for item in due {
                batch.examined += 1
                var change = item.change
                if let stage = item.stage {
                    if claimed.contains(item.current.id.number) {
                        batch.fired[stage.kind, default: 0] += 1
                        batch.carried.append(CarriedStage(stage, of: change))
                        writer.countStage(stage.kind)
                    } else {
                        // Done before (here before a crash, or by another node): keep the
                        // advanced timers, repeat nothing.
                        batch.duplicates += 1
                        change = item.withoutEffects
                    }
                }
                saves.append(
                    .init(
                        change: change, previousState: item.current.state, previousDue: item.current.nextStage?.dueAt,
                        encoded: item.encoded))
            }
            try await writer.save(saves)
            return batch
        }
    }
}

/// How many connections the pool has handed out.
final class ConnectionProgress: Sendable {
    private let handedOut = Atomic<Int>(0)

    var count: Int { handedOut.load(ordering: .relaxed) }

    func add() { handedOut.wrappingAdd(1, ordering: .relaxed) }
}

/// Who won the race between a pooled connection and the end of the wait: decided once.
final class ConnectionWait: Sendable {
    enum Outcome: Int {
        case acquired = 1
        case timedOut = 2
    }

    private let state = Atomic<Int>(0)

    /// True when `outcome` is the decision (the first to claim wins).
    func claim(_ outcome: Outcome) -> Bool {
        let (exchanged, current) = state.compareExchange(
            expected: 0, desired: outcome.rawValue, ordering: .acquiringAndReleasing)
        return exchanged || current == outcome.rawValue
    }
}
