import FollowupCore
import Foundation

/// A case as the API and `followupctl --json show` give it (§6.5).
public struct CaseJSON: Codable, Sendable, Hashable {
    public var id: String
    public var kind: CaseKind
    public var state: CaseState
    public var client: Client
    public var partner: PartnerContact?
    public var subject: String
    public var verification: String
    public var owner: String
    public var leader: String?
    public var priority: Bool
    public var flags: [FlagJSON]
    public var sensitive: [SensitiveData]
    public var deadline: Date?
    public var escalatedTo: String?
    public var implementationAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var firstMessageID: String?
    public var cycle: Cycle
    public var nextAction: NextAction?
    public var attempts: [Attempt]
    /// The timeline; present when one case is read, absent in listings. A page of it: see
    /// ``eventsNext``.
    public var events: [TimelineEntry]?
    /// When the timeline goes on beyond this page: the `seq` to pass as `events_after`.
    public var eventsNext: Int?
    public var reports: [ReportReference]
    /// A cancellation's client contact and real reason (§5 rule 1).
    public var cancellation: CancellationRecord?

    /// A flag with when and by whom it was set.
    public struct FlagJSON: Codable, Sendable, Hashable {
        public var flag: CaseFlag
        public var at: Date
        public var by: String
    }

    /// What the daemon will do next for the case, and when.
    public struct NextAction: Codable, Sendable, Hashable {
        /// `resend`, `report`, `owner_reminder`, `client_reminder`, `deadline_warning`…
        public var kind: String
        public var dueAt: Date

        enum CodingKeys: String, CodingKey {
            case kind
            case dueAt = "due_at"
        }
    }

    public init(_ subject: Case, events: [TimelineEntry]? = nil, eventsNext: Int? = nil) {
        self.eventsNext = eventsNext
        id = subject.id.description
        kind = subject.kind
        state = subject.state
        client = subject.client
        partner = subject.partner
        self.subject = subject.subject
        verification = subject.verification
        owner = subject.owner
        leader = subject.leader
        priority = subject.isPriority
        flags = subject.flags.map { FlagJSON(flag: $0.key, at: $0.value.at, by: $0.value.by) }
            .sorted { $0.flag.rawValue < $1.flag.rawValue }
        sensitive = subject.sensitive
        deadline = subject.deadline
        escalatedTo = subject.escalatedTo
        implementationAt = subject.implementationAt
        createdAt = subject.createdAt
        updatedAt = subject.updatedAt
        firstMessageID = subject.firstMessageID
        cycle = subject.cycle
        nextAction = subject.nextStage.map { NextAction(kind: $0.kind.actionName, dueAt: $0.dueAt) }
        attempts = subject.attempts
        self.events = events
        reports = subject.reports
        cancellation = subject.cancellation
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, state, client, partner, subject, verification, owner, leader, priority, flags, sensitive
        case deadline, cycle, attempts, events, reports, cancellation
        case escalatedTo = "escalated_to"
        case implementationAt = "implementation_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case firstMessageID = "first_message_id"
        case nextAction = "next_action"
        case eventsNext = "events_next"
    }
}

/// `GET /v1/cases`: a page of cases.
public struct CaseList: Codable, Sendable, Hashable {
    public var cases: [CaseJSON]
    /// The id to pass as `after` for the next page, when there may be one.
    public var next: String?

    public init(cases: [CaseJSON], next: String?) {
        self.cases = cases
        self.next = next
    }
}
