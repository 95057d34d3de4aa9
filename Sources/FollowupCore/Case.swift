import Foundation

/// One thing to verify with one partner for one client (§2), with everything the rules need.
///
/// The timeline is stored apart (append-only); a case value carries the counters, attempts,
/// returns and armed timers that the state machine reads and writes.
public struct Case: Sendable, Hashable, Codable {
    public var id: CaseID
    public var kind: CaseKind
    public var state: CaseState
    public var client: Client
    /// The third party (absent for cancellations).
    public var partner: PartnerContact?
    public var subject: String
    /// The verification still needed from the partner.
    public var verification: String
    /// The technician responsible.
    public var owner: String
    /// The owner's leader, when the configuration names one.
    public var leader: String?
    /// Flags with when and by whom they were set.
    public var flags: [CaseFlag: FlagMark]
    /// What sensitive data is requested from the client.
    public var sensitive: [SensitiveData]
    /// A client deadline that depends on our solution.
    public var deadline: Date?
    /// The level-2/3 team involved (`N2`, `N3`).
    public var escalatedTo: String?
    /// A scheduled implementation that may be impacted.
    public var implementationAt: Date?
    public var createdAt: Date
    /// The Message-ID of the first request: resends thread under it.
    public var firstMessageID: String?
    public var cycle: Cycle
    public var attempts: [Attempt]
    public var returns: [PartnerReturn]
    public var reports: [ReportReference]
    public var timers: Timers
    /// The seq of the last timeline entry.
    public var lastSeq: Int
    /// Reminder series armed so far (numbers each new series).
    public var reminderSeries: Int
    /// When the case was last changed.
    public var updatedAt: Date
    /// A cancellation's contact with the client and real reason (§5 rule 1).
    public var cancellation: CancellationRecord? = nil
    /// The people's notes that a report may quote (``CaseNote``); `nil` on cases stored before
    /// notes were kept here. Read ``recordedNotes``.
    public var notes: [CaseNote]? = nil

    /// When and by whom a flag was set.
    public struct FlagMark: Sendable, Hashable, Codable {
        public var at: Date
        public var by: String

        public init(at: Date, by: String) {
            self.at = at
            self.by = by
        }
    }

    /// Whether a leader marked the case as priority.
    public var isPriority: Bool { flags[.priority] != nil }

    /// Whether the case is flagged sensitive: notes and returns stay in the database.
    public var isSensitive: Bool { !sensitive.isEmpty }

    /// When the case began: its first contact's send time when that came before the case was
    /// recorded (a request sent days earlier), else when it was recorded. No event on the
    /// case happened before it.
    public var openedAt: Date { min(createdAt, attempts.first?.at ?? createdAt) }

    enum CodingKeys: String, CodingKey {
        case id, kind, state, client, partner, subject, verification, owner, leader, flags, sensitive
        case deadline, cycle, attempts, returns, reports, timers, cancellation, notes
        case escalatedTo = "escalated_to"
        case implementationAt = "implementation_at"
        case createdAt = "created_at"
        case firstMessageID = "first_message_id"
        case lastSeq = "last_seq"
        case reminderSeries = "reminder_series"
        case updatedAt = "updated_at"
    }
}
