import Foundation

/// A case to open (§6.3 `POST /v1/cases`), as validated input.
public struct NewCase: Sendable, Hashable {
    public var kind: CaseKind
    public var client: Client
    public var partner: PartnerContact?
    public var subject: String
    public var verification: String
    public var owner: String
    public var leader: String?
    public var sensitive: [SensitiveData]
    public var deadline: Date?
    public var escalatedTo: String?
    public var implementationAt: Date?
    /// When the technician sent the first contact (default: now).
    public var sentAt: Date?
    /// The first request's Message-ID, when known: resends thread under it.
    public var messageID: String?
    /// How the first contact went out.
    public var channel: ContactChannel
    /// Whether the daemon mails the first request itself (`open --send`), under a Message-ID
    /// of its own that its resends thread under.
    public var send: Bool
    /// What was done for the client (a hand-off's note for the leader, §5 rule 7).
    public var note: String?

    public init(
        kind: CaseKind = .thirdParty, client: Client, partner: PartnerContact?, subject: String,
        verification: String, owner: String, leader: String? = nil, sensitive: [SensitiveData] = [],
        deadline: Date? = nil, escalatedTo: String? = nil, implementationAt: Date? = nil,
        sentAt: Date? = nil, messageID: String? = nil, channel: ContactChannel = .email, send: Bool = false,
        note: String? = nil
    ) {
        self.send = send
        self.note = note
        self.kind = kind
        self.client = client
        self.partner = partner
        self.subject = subject
        self.verification = verification
        self.owner = owner
        self.leader = leader
        self.sensitive = sensitive
        self.deadline = deadline
        self.escalatedTo = escalatedTo
        self.implementationAt = implementationAt
        self.sentAt = sentAt
        self.messageID = messageID
        self.channel = channel
    }
}

/// A contact sent to the partner by a person (§6.3 `contacts`).
public struct ContactRecord: Sendable, Hashable {
    public var at: Date?
    public var channel: ContactChannel
    public var to: [String]
    public var messageID: String?
    public var note: String?

    public init(
        at: Date? = nil, channel: ContactChannel = .email, to: [String] = [], messageID: String? = nil,
        note: String? = nil
    ) {
        self.at = at
        self.channel = channel
        self.to = to
        self.messageID = messageID
        self.note = note
    }
}

/// Changes to a case's fields (§6.3 `PATCH`); nil leaves a field as it is.
public struct CaseUpdate: Sendable, Hashable {
    public var owner: String?
    public var leader: String??
    /// `.some(nil)` clears the deadline.
    public var deadline: Date??
    public var escalatedTo: String??
    public var implementationAt: Date??
    public var partnerEmails: [String]?

    public init(
        owner: String? = nil, leader: String?? = nil, deadline: Date?? = nil, escalatedTo: String?? = nil,
        implementationAt: Date?? = nil, partnerEmails: [String]? = nil
    ) {
        self.owner = owner
        self.leader = leader
        self.deadline = deadline
        self.escalatedTo = escalatedTo
        self.implementationAt = implementationAt
        self.partnerEmails = partnerEmails
    }
}

/// Something a person does to a case (§3's events that are not the daemon's own).
public enum CaseCommand: Sendable, Hashable {
    case contactSent(ContactRecord)
    case partnerReplied(kind: ReturnKind, at: Date?, note: String?)
    case partnerRefused(at: Date?, note: String?)
    /// A note on the case; an internal one never reaches the client's report.
    case addNote(String, internal: Bool = false)
    case close(resolution: String)
    case reopen(reason: String)
    case setFlag(CaseFlag, on: Bool)
    case update(CaseUpdate)
    /// The contact with the client about a cancellation, and how it went (§5 rule 1).
    case clientContact(summary: String)
    /// Closes a cancellation with its real reason (§5 rule 1): needs the client contact first.
    case closeCancellation(reason: CancellationReason, partnerSystem: String?, text: String)
    /// A reply read from the inbound Maildir (§4.5): a return of `kind`, and the owner is told.
    case mailReceived(kind: ReturnKind, at: Date?, text: String?, from: String, excerpt: String?)
    /// A bounce of a mail to the partner (§4.5): the attempt to `address` failed.
    case bounced(address: String, messageID: String?, diagnostic: String?)
    /// Our own mail to the partner never left (the outbox gave up on it): its attempt failed.
    case mailNotSent(messageID: String, to: [String], error: String)
    /// Corrects the kind of the latest partner return (`followupctl reply --reclassify`).
    case reclassify(seq: Int, kind: ReturnKind)
    /// Someone acknowledged a notification about the case (§4.1): who and when go on the timeline.
    case acknowledge(notification: String, event: NotificationEvent)

    /// The §3 event name, as errors and logs show it.
    public var eventName: String {
        switch self {
        case .contactSent: "contact_sent"
        case .partnerReplied: "partner_replied"
        case .partnerRefused: "partner_refused"
        case .addNote: "note_added"
        case .close: "closed"
        case .reopen: "reopened"
        case .setFlag(_, let on): on ? "flag_set" : "flag_cleared"
        case .update: "updated"
        case .acknowledge: "acknowledged"
        case .clientContact: "client_contact_recorded"
        case .mailReceived: "partner_replied"
        case .bounced, .mailNotSent: "resend_failed"
        case .reclassify: "updated"
        case .closeCancellation: "closed"
        }
    }
}

/// The new case value, the timeline entries to append and the actions to carry out.
public struct Transition: Sendable, Hashable {
    public var `case`: Case
    public var entries: [TimelineEntry]
    public var actions: [CaseAction]

    public init(case: Case, entries: [TimelineEntry] = [], actions: [CaseAction] = []) {
        self.case = `case`
        self.entries = entries
        self.actions = actions
    }
}

/// Everything outside the case that a transition depends on: the time, who acts, the
/// policy and the calendar. Passing it in keeps the machine free of I/O and clocks.
public struct CaseEnvironment: Sendable {
    /// The current instant.
    public var now: Date
    /// Who acts: a login name, or ``CaseEnvironment/daemon``.
    public var by: String
    /// The policy for ordinary cases.
    public var policy: CasePolicy
    /// Durations replacing the policy's for priority cases.
    public var priority: PriorityOverrides
    /// The calendar of the case's partner (or the global one).
    public var calendar: WorkCalendar
    /// The host part of Message-IDs.
    public var mailHost: String
    /// Makes a new unique id for notifications and reports.
    public var makeID: @Sendable () -> String

    /// The name the daemon records for its own entries.
    public static let daemon = "followupd"

    public init(
        now: Date, by: String, policy: CasePolicy = .standard, priority: PriorityOverrides = .init(),
        calendar: WorkCalendar = WorkCalendar(.default), mailHost: String = "localhost",
        makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.now = now
        self.by = by
        self.policy = policy
        self.priority = priority
        self.calendar = calendar
        self.mailHost = mailHost
        self.makeID = makeID
    }

    /// The policy that applies to `subject`: with the priority overrides when it is priority.
    public func policy(for subject: Case) -> CasePolicy {
        subject.isPriority ? priority.applied(to: policy) : policy
    }
}

extension CaseCommand {
    /// Whether the command brings news that puts off closing a case left with the client
    /// (`policy.close_returned_after`): anything but an automatic reply, a bounce or a mail
    /// that could not be sent.
    var isNews: Bool {
        switch self {
        case .partnerReplied(kind: .auto, _, _), .mailReceived(kind: .auto, _, _, _, _), .bounced, .mailNotSent:
            false
        default:
            true
        }
    }
}
