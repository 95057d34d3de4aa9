import FollowupCore
import Foundation

/// Everything one accepted command or one carried-out stage writes, committed together.
///
/// Storage writes the case row (with its next deadline), appends the timeline entries,
/// queues the outbox rows and stores the reports in one transaction, and keeps the status
/// counters current in that same transaction.
public struct StoredChange: Sendable {
    public var `case`: Case
    public var entries: [TimelineEntry]
    public var outbox: [OutboxMessage]
    public var reports: [StoredReport]
    /// The answer to remember under the request's `Idempotency-Key`, committed with the change.
    public var answer: StoredAnswer?

    public init(
        case: Case, entries: [TimelineEntry] = [], outbox: [OutboxMessage] = [], reports: [StoredReport] = [],
        answer: StoredAnswer? = nil
    ) {
        self.case = `case`
        self.entries = entries
        self.outbox = outbox
        self.reports = reports
        self.answer = answer
    }
}

/// The first answer to a request that carried an `Idempotency-Key` (§6.3): a retry gets it
/// back instead of acting twice.
public struct StoredAnswer: Sendable, Hashable {
    /// The key, scoped by the caller (peer, method and path) so that keys never collide.
    public var key: String
    /// The HTTP status of the first answer.
    public var status: Int
    /// Its body.
    public var body: Data

    public init(key: String, status: Int, body: Data) {
        self.key = key
        self.status = status
        self.body = body
    }
}

/// A new case ready to insert: its change and its stored documents, encoded by the caller
/// (in parallel, outside the write transaction).
public struct PreparedCase: Sendable {
    public let change: StoredChange
    let encoded: EncodedDocuments

    public init(_ change: StoredChange) throws {
        self.change = change
        encoded = try EncodedDocuments(change, encoder: DocumentCoding.encoder())
    }
}

extension CaseStore {
    /// A case's whole timeline, read page by page.
    public func timeline(of id: CaseID) async throws -> [TimelineEntry] {
        var entries: [TimelineEntry] = []
        while true {
            let page = try await timeline(of: id, after: entries.last?.seq ?? 0, limit: 1000)
            entries += page
            if page.count < 1000 { return entries }
        }
    }

    /// Opens several cases in one transaction: each `make` gets a reserved id; the results
    /// are in order (a refused one leaves its id unused).
    public func openCases(_ makes: [@Sendable (CaseID) throws -> StoredChange]) async throws -> [Result<
        Case, any Error
    >] {
        var prepared: [Result<PreparedCase, any Error>] = []
        for make in makes {
            let id = try await reserveCaseID()
            prepared.append(Result { try PreparedCase(try make(id)) })
        }
        let inserted = try await insertCases(prepared.compactMap { try? $0.get() })
        var results: [Result<Case, any Error>] = []
        var next = inserted.makeIterator()
        for item in prepared {
            switch item {
            case .success: results.append(next.next()!)
            case .failure(let error): results.append(.failure(error))
            }
        }
        return results
    }

    /// Opens one case.
    public func openCase(_ make: @escaping @Sendable (CaseID) throws -> StoredChange) async throws -> Case {
        try await openCases([make])[0].get()
    }
}

/// Filters of `GET /v1/cases` (§6.3); nil means any.
public struct CaseFilter: Sendable, Hashable {
    public var state: CaseState?
    public var kind: CaseKind?
    public var partner: String?
    public var owner: String?
    public var client: String?
    public var ticket: String?
    /// Only cases whose next stage is due before this instant (`overdue`).
    public var dueBefore: Date?
    /// At most this many, oldest id first, after this id.
    public var limit: Int
    public var afterID: CaseID?

    public init(
        state: CaseState? = nil, kind: CaseKind? = nil, partner: String? = nil, owner: String? = nil,
        client: String? = nil, ticket: String? = nil, dueBefore: Date? = nil, limit: Int = 500,
        afterID: CaseID? = nil
    ) {
        self.state = state
        self.kind = kind
        self.partner = partner
        self.owner = owner
        self.client = client
        self.ticket = ticket
        self.dueBefore = dueBefore
        self.limit = limit
        self.afterID = afterID
    }
}

/// Counts kept current in the same transactions as the changes (§7), so status stays fast.
public struct StatusCounts: Sendable, Hashable, Codable {
    /// Cases per state (every state present, zero included).
    public var cases: [CaseState: Int]
    /// Outbox rows per delivery state.
    public var outbox: [OutboxMessage.State: Int]
    /// Stages carried out since the database was created, per kind.
    public var stages: [Stage.Kind: Int]

    public init(
        cases: [CaseState: Int] = [:], outbox: [OutboxMessage.State: Int] = [:], stages: [Stage.Kind: Int] = [:]
    ) {
        self.cases = cases
        self.outbox = outbox
        self.stages = stages
    }
}

/// What one pass over due stages did.
public struct FiringBatch: Sendable, Hashable {
    /// Stages carried out (resends, reports, reminders…), per kind.
    public var fired: [Stage.Kind: Int] = [:]
    /// Stages found already done (their key existed): timers advanced, nothing repeated.
    public var duplicates: Int = 0
    /// Cases examined.
    public var examined: Int = 0
    /// Each stage carried out (not the duplicates), in the order carried out: what the
    /// journal tells of each case outside bulk passes.
    public var carried: [CarriedStage] = []

    public init() {}

    /// Every stage handled in the batch.
    public var total: Int { fired.values.reduce(0, +) }
}

/// One stage a batch carried out, as the journal tells it: the case, the stage and what it
/// recorded; no free text, so nothing of a sensitive case's notes travels with it.
public struct CarriedStage: Sendable, Hashable {
    public var caseID: CaseID
    public var partner: String?
    public var stage: Stage
    /// The first timeline entry the stage recorded (`resent`, `skipped`, `report_generated`…).
    public var outcome: TimelineEntry.Kind?
    /// The attempt a resend made.
    public var attempt: Int?
    /// A report's reason.
    public var reason: ReportReason?

    public init(_ stage: Stage, of change: StoredChange) {
        caseID = change.case.id
        partner = change.case.partner?.name
        self.stage = stage
        let first = change.entries.first
        outcome = first?.kind
        attempt = first?.attempt
        reason = first?.reason
    }
}

/// The one storage interface the engine sees (§7): SQLite embedded, PostgreSQL shared.
///
/// Claiming due work is an explicit operation (`fireDueStages`), never an in-memory lock, so
/// an engine shared by several nodes fits behind the same protocol. Every method that
/// changes something commits before it returns; an error means nothing was written.
/// Errors are ``FollowupError`` (`storageUnavailable` when the engine cannot be reached).
public protocol CaseStore: Sendable {
    /// Reserves the next case id (ids are never reused; one refused later leaves a gap).
    func reserveCaseID() async throws -> CaseID

    /// Inserts cases prepared ahead (ids reserved, documents encoded) in one transaction
    /// (group commit), each in a savepoint of its own so one failure does not undo the
    /// others. The results are in order; all are durable once this returns.
    func insertCases(_ cases: [PreparedCase]) async throws -> [Result<Case, any Error>]

    /// Loads a case, hands it to `change`, and commits the result; `FollowupError.notFound` when absent.
    func updateCase(_ id: CaseID, _ change: @escaping @Sendable (Case) throws -> StoredChange) async throws -> Case

    /// Claims up to `limit` cases whose next stage is due at `now`, in deadline order, and
    /// commits what `fire` makes of each, all in one transaction. A stage whose idempotency
    /// key is already recorded is not repeated: only the case's timers are saved.
    func fireDueStages(
        now: Date, limit: Int, _ fire: @escaping @Sendable (Case, Stage) -> StoredChange?
    ) async throws -> FiringBatch

    /// The answer stored under an idempotency key, or nil.
    func storedAnswer(for key: String) async throws -> StoredAnswer?

    /// Cancellations closed with a reason since `closedSince` (all when nil), grouped by the
    /// database: no case is loaded, whatever their number.
    func cancellationCounts(closedSince: Date?) async throws -> CancellationCounts

    /// An online, checked copy of the whole database at `path` (§6.10); the shared engine
    /// refuses (its backups are PostgreSQL's own: `pg_dump`).
    func backup(to path: String) async throws -> BackupOutcome

    /// Forgets the answers stored before `date` (a retry is expected within minutes, not
    /// days); returns how many were forgotten.
    func forgetAnswers(before date: Date) async throws -> Int

    /// The earliest armed deadline of any case, or nil when nothing is armed.
    func nextDeadline() async throws -> Date?

    /// One case, or nil.
    func findCase(_ id: CaseID) async throws -> Case?

    /// A page of a case's timeline in seq order: at most `limit` entries after `seq`.
    func timeline(of id: CaseID, after seq: Int, limit: Int) async throws -> [TimelineEntry]

    /// Cases matching a filter, by id.
    func cases(matching filter: CaseFilter) async throws -> [Case]

    /// The next stages due before `limit`, earliest first (what the daemon will do next).
    func upcomingStages(before limit: Date, max: Int) async throws -> [(case: Case, stage: Stage)]

    /// The status counters.
    func counts() async throws -> StatusCounts

    /// Outbox rows, newest first, optionally in one state.
    func outbox(state: OutboxMessage.State?, limit: Int) async throws -> [OutboxMessage]

    // MARK: The outbox (§4.1)

    /// Claims up to `limit` pending notifications due at `now`, oldest first, leasing them
    /// until `leaseUntil` (a node that dies mid-delivery leaves them to be claimed again then,
    /// under the same id). Per case and recipient channel only the oldest pending one is
    /// claimed, so a case's notifications arrive in order.
    func claimNotifications(now: Date, limit: Int, leaseUntil: Date) async throws -> [OutboxMessage]

    /// Makes the notifications claimed by this node before it stopped due again at `now`, so
    /// a restart after a crash does not wait for their leases to end. Returns how many. (The
    /// embedded engine has one node: every claim is its own. The shared engine records the
    /// claiming node's id with each lease and releases only its own node's.)
    func releaseClaims(now: Date) async throws -> Int

    /// Records delivery attempts and what follows from each, in one transaction.
    func recordDeliveries(_ records: [DeliveryRecord]) async throws

    /// Folds pending notifications into `digest` (queued in the same transaction): they become
    /// `digested`. Ids no longer pending are left alone; returns the ids folded.
    @discardableResult
    func fold(_ ids: [String], into digest: OutboxMessage) async throws -> [String]

    /// When the earliest pending notification or acknowledgement reminder is due, or nil.
    func nextNotificationDue() async throws -> Date?

    /// One notification, or nil.
    func notification(_ id: String) async throws -> OutboxMessage?

    /// A notification's delivery attempts, oldest first.
    func deliveryAttempts(of id: String) async throws -> [DeliveryAttempt]

    /// Queues a failed notification again, due at `now`, with a fresh count of attempts.
    /// `FollowupError.notFound` when absent, `conflict` when it is not `failed`.
    func requeueNotification(_ id: String, at now: Date) async throws -> OutboxMessage

    /// Acknowledges the event of notification `id` (its whole acknowledgement group) as `by`
    /// at `now`; `onCase` makes the case's timeline entry, committed with it. Acknowledging
    /// again changes nothing and answers the first acknowledgement. `notFound` when absent,
    /// `conflict` when the notification needs no acknowledgement.
    func acknowledge(
        _ id: String, by: String, at now: Date,
        onCase: @escaping @Sendable (Case, OutboxMessage) throws -> StoredChange?
    ) async throws -> OutboxMessage

    /// The events needing acknowledgement whose acknowledgement is overdue at `now` (their
    /// first notification), earliest first.
    func overdueAcknowledgements(now: Date, limit: Int) async throws -> [OutboxMessage]

    /// Sends an unacknowledged event again: queues `reminders` and sets the group's next
    /// reminder time (nil: no more reminders). Nothing happens when the group was
    /// acknowledged meanwhile; returns whether it was queued.
    @discardableResult
    func remind(group: String, with reminders: [OutboxMessage], nextDueAt: Date?) async throws -> Bool

    /// Queues notifications that belong to no case change (an urgent escalation, §5 rule 3).
    func queueNotifications(_ messages: [OutboxMessage]) async throws

    // MARK: The inbox (§4.5)

    /// Records an inbound message once: false when its id was recorded before (nothing is
    /// written). With `onCase`, the case `record.caseID` is changed in the same transaction, so
    /// the message and its effect are committed together or not at all; an error from
    /// `onCase` (a refusal) writes nothing.
    func recordInbound(_ record: InboundRecord, onCase: (@Sendable (Case) throws -> StoredChange)?) async throws
        -> Bool

    /// One inbox message, or nil.
    func inbound(_ id: String) async throws -> InboundRecord?

    /// Inbox messages, newest first, optionally in one state.
    func inbox(state: InboundRecord.State?, limit: Int) async throws -> [InboundRecord]

    /// Saves a handled inbox message (assigned or dismissed) and, with `onCase`, changes its
    /// case in the same transaction. `notFound` when absent.
    func updateInbound(_ record: InboundRecord, onCase: (@Sendable (Case) throws -> StoredChange)?) async throws

    /// The case that one of our Message-IDs (or a first request's, given at opening) belongs to.
    func caseID(forMessageID id: String) async throws -> CaseID?

    // MARK: Notices (§5 rule 5)

    /// Stores a notice with its notifications, in one transaction.
    func postNotice(_ notice: Notice, notifications: [OutboxMessage]) async throws

    /// One notice, or nil.
    func notice(_ id: String) async throws -> Notice?

    /// Records that `owner` saw notice `id` (`by` recorded it, at `now`) and closes the
    /// acknowledgement of that technician's notifications; acknowledging again changes nothing.
    /// `notFound` for an unknown notice, `invalidInput` when `owner` is not one of its technicians.
    func acknowledgeNotice(_ id: String, owner: String, by: String, at now: Date) async throws -> Notice

    /// The latest notices, newest first.
    func notices(limit: Int) async throws -> [Notice]

    /// A stored report by id, or the latest of a case.
    func report(id: String) async throws -> StoredReport?
    func latestReport(of id: CaseID) async throws -> StoredReport?
}
