import FollowupCore
import Foundation

/// Erasing a client's personal data where storage keeps it (LGPD, §6.10).
///
/// One small protocol beside ``CaseStore``: both engines carry it out in one transaction.
public protocol CaseErasure: Sendable {
    /// Saves `change` (the erased case and its tombstone entry) and, in the same transaction,
    /// scrubs the case's earlier timeline texts, removes its stored reports, empties the
    /// payloads of its notifications (and of any other notification, such as a digest, that
    /// holds one of `patterns`), blanks its inbound mail records and forgets remembered answers
    /// holding one of `patterns`. Freed bytes may stay on disk until ``compact()``.
    ///
    /// - Returns: the notification ids whose payloads were emptied (their spool files go too)
    ///   and the file names of the case's inbound mail copies.
    func erase(_ change: StoredChange, previousState: CaseState, patterns: [String]) async throws -> ErasedRecords

    /// What ``erase(_:previousState:patterns:)`` would reach for case `id` with `patterns`,
    /// changing nothing (`followupctl erase --dry-run`): the same queries, read only.
    func erasable(_ id: CaseID, patterns: [String]) async throws -> ErasedRecords

    /// Wipes what erasures freed from the storage's files (SQLite: `VACUUM` and a WAL
    /// checkpoint; PostgreSQL: `VACUUM FULL` of the tables erasures touch). Once after a batch
    /// of erasures: it rewrites whole files.
    func compact() async throws

    /// One page of what `retention.closed_cases` erases: closed cases not yet erased whose
    /// last change is at or before `cutoff`, by that time then id, after `after` (the last
    /// of the previous page), at most `limit`. Read through an index of closed cases by their
    /// last change (`cases_closed`): a pass costs what is due, not every closed case.
    func closedCases(changedBefore cutoff: Date, after: ClosedCaseKey?, limit: Int) async throws -> [ClosedCaseKey]

    /// Forgets the inbox records on no case (unmatched or dismissed) received at or before
    /// `cutoff` — who wrote, the subject, an excerpt — as retention removes their mail copies
    /// (`retention.inbound_mail`); returns how many. Records on a case go with their case.
    func forgetInbound(receivedBefore cutoff: Date) async throws -> Int
}

/// Where a closed case stands in retention's order: its last change (for a closed case, its
/// closing unless something was recorded on it since), then its id.
public struct ClosedCaseKey: Sendable, Hashable {
    public var changedAt: Date
    public var id: CaseID

    public init(changedAt: Date, id: CaseID) {
        self.changedAt = changedAt
        self.id = id
    }
}

/// What an erasure found outside the case row, for the files beside the database.
public struct ErasedRecords: Sendable, Hashable {
    /// The notifications whose payloads go (sorted ids).
    public var notifications: [String]
    /// The file names of the case's inbound mail copies, as its inbox records name them.
    public var inboundFiles: [String]

    public init(notifications: [String] = [], inboundFiles: [String] = []) {
        self.notifications = notifications
        self.inboundFiles = inboundFiles
    }
}

extension ErasedRecords {
    /// A timeline entry without its texts (the tombstone keeps its own).
    static func scrubbed(_ entry: TimelineEntry) -> TimelineEntry {
        guard entry.kind != .erased else { return entry }
        var entry = entry
        entry.note = entry.note.map { _ in CaseMachine.erasedText }
        entry.oldValue = entry.oldValue.map { _ in CaseMachine.erasedText }
        entry.newValue = entry.newValue.map { _ in CaseMachine.erasedText }
        return entry
    }

    /// An inbound record without its sender, subject and text.
    static func scrubbed(_ record: InboundRecord) -> InboundRecord {
        var record = record
        record.from = CaseMachine.erasedText
        record.subject = CaseMachine.erasedText
        record.excerpt = nil
        return record
    }

    /// Refuses an erasure prepared from a case that changed since (its tombstone's seq would
    /// collide with the newer entry): the caller reads the case again.
    static func checkUnchanged(_ stored: Case?, by change: StoredChange) throws {
        guard let stored else { throw FollowupError(.notFound, "\(change.case.id) does not exist") }
        let expected = change.case.lastSeq - change.entries.count
        guard stored.lastSeq == expected else {
            throw FollowupError(.conflict, "\(change.case.id) changed while it was being erased: erase it again")
        }
    }

    /// What an emptied notification payload holds.
    static let emptyPayload = Data("{}".utf8)
}
