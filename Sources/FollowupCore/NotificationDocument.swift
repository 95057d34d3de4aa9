import Foundation

/// What one notification says (§6.6): the webhook body `{"type", "timestamp", "data"}`, and
/// what every other rendering (Teams, Slack, mail) is made from.
///
/// It never carries a case's notes or the text of its returns, so a sensitive case's text
/// cannot leave the database through a notification.
public struct NotificationDocument: Sendable, Hashable, Codable {
    /// The event (§4.1), such as `case.resent` or `digest`.
    public var type: String
    /// When the event happened.
    public var timestamp: Date
    public var data: NotificationData

    public init(type: String, timestamp: Date, data: NotificationData) {
        self.type = type
        self.timestamp = timestamp
        self.data = data
    }
}

/// The `data` of a notification: the case's facts, or a digest's items.
public struct NotificationData: Sendable, Hashable, Codable {
    public var `case`: String?
    public var kind: String?
    public var state: String?
    /// One line in the desk's words (Portuguese).
    public var summary: String
    public var client: String?
    public var ticket: String?
    public var partner: String?
    public var subject: String?
    public var owner: String?
    public var leader: String?
    public var priority: Bool
    public var urgent: Bool
    public var needsAck: Bool
    /// The id to give `followupctl ack` (the event's first notification), when it needs one.
    public var acknowledge: String?
    /// For `notification.unacknowledged`: how many times it was sent again, and the event it repeats.
    public var reminder: Int?
    public var repeats: String?
    public var attempts: Int?
    public var report: String?
    public var reason: String?
    public var deadline: Date?
    public var implementationAt: Date?
    /// For `notification.failed`: the notification that gave up, where it went and why.
    public var failed: FailedDelivery?
    /// For `digest`: the notifications folded into this one, oldest first.
    public var items: [DigestItem]?
    /// For `notice.posted` and `notice.reminder`: the notice's id, title and text.
    public var notice: String?
    public var title: String?
    public var text: String?

    public init(summary: String) {
        self.summary = summary
        priority = false
        urgent = false
        needsAck = false
    }

    /// The facts of `subject` for an event.
    public init(summary: String, about subject: Case, needsAck: Bool, report: ReportReference? = nil) {
        self.init(summary: summary)
        self.case = subject.id.description
        kind = subject.kind.rawValue
        state = subject.state.rawValue
        client = subject.client.name
        ticket = subject.client.ticket
        partner = subject.partner?.name
        self.subject = subject.subject
        owner = subject.owner
        leader = subject.leader
        priority = subject.isPriority
        urgent = subject.flags[.urgent] != nil
        self.needsAck = needsAck
        attempts = subject.attempts.count
        self.report = report?.id
        reason = report?.reason.rawValue
        deadline = subject.deadline
        implementationAt = subject.implementationAt
    }

    enum CodingKeys: String, CodingKey {
        case `case`, kind, state, summary, client, ticket, partner, subject, owner, leader, priority, urgent
        case acknowledge, reminder, repeats, attempts, report, reason, deadline, failed, items, notice, title, text
        case needsAck = "needs_ack"
        case implementationAt = "implementation_at"
    }

    /// One notification folded into a digest.
    public struct DigestItem: Sendable, Hashable, Codable {
        public var id: String
        public var type: String
        public var timestamp: Date
        public var `case`: String?
        public var summary: String

        public init(id: String, type: String, timestamp: Date, case: String?, summary: String) {
            self.id = id
            self.type = type
            self.timestamp = timestamp
            self.case = `case`
            self.summary = summary
        }
    }

    /// A delivery that gave up.
    public struct FailedDelivery: Sendable, Hashable, Codable {
        public var id: String
        public var type: String
        public var channel: String
        public var recipient: String
        public var attempts: Int
        public var error: String

        public init(id: String, type: String, channel: String, recipient: String, attempts: Int, error: String) {
            self.id = id
            self.type = type
            self.channel = channel
            self.recipient = recipient
            self.attempts = attempts
            self.error = error
        }
    }
}

/// What a partner resend (§4.3) is rendered from at delivery.
public struct PartnerMailDocument: Sendable, Hashable, Codable {
    public var `case`: String
    public var attempt: Int
    public var to: [String]
    public var messageID: String
    public var inReplyTo: String?
    public var references: [String]
    public var subject: String
    public var verification: String
    public var owner: String
    public var partner: String
    public var client: String
    public var firstRequestAt: Date?
    public var queuedAt: Date

    public init(_ mail: PartnerMail, _ subject: Case, at now: Date) {
        self.case = subject.id.description
        attempt = mail.attempt
        to = mail.to
        messageID = mail.messageID
        inReplyTo = mail.inReplyTo
        references = mail.references
        self.subject = subject.subject
        verification = subject.verification
        owner = subject.owner
        partner = subject.partner?.name ?? ""
        client = subject.client.name
        firstRequestAt = subject.attempts.first?.at
        queuedAt = now
    }

    /// Whether this is the first request (`open --send`), not a resend in its thread.
    public var isFirstRequest: Bool { attempt == 1 && inReplyTo == nil }

    enum CodingKeys: String, CodingKey {
        case `case`, attempt, to, references, subject, verification, owner, partner, client
        case messageID = "message_id"
        case inReplyTo = "in_reply_to"
        case firstRequestAt = "first_request_at"
        case queuedAt = "queued_at"
    }
}

extension NotificationEvent {
    /// Not a notification: the label of the outbox row carrying the first request (`open --send`).
    public static let requestSent = NotificationEvent(rawValue: "case.request_sent")
    public static let escalationUrgent = NotificationEvent(rawValue: "escalation.urgent")
    public static let handoffCreated = NotificationEvent(rawValue: "handoff.created")
    public static let handoffReminder = NotificationEvent(rawValue: "handoff.reminder")
    public static let cancellationReminder = NotificationEvent(rawValue: "cancellation.reminder")
    public static let noticePosted = NotificationEvent(rawValue: "notice.posted")
    public static let noticeReminder = NotificationEvent(rawValue: "notice.reminder")
    public static let unacknowledged = NotificationEvent(rawValue: "notification.unacknowledged")
    public static let deliveryFailed = NotificationEvent(rawValue: "notification.failed")
    public static let digest = NotificationEvent(rawValue: "digest")
}
