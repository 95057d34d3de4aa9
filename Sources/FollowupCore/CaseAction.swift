import Foundation

/// What the state machine asks the outside world to do; the engine carries these out.
public enum CaseAction: Sendable, Hashable {
    /// Write a notification to the outbox for each channel of the audience.
    case notify(NotificationIntent)
    /// Mail the evaluation request again to the partner, in the original thread (§4.3).
    case mailPartner(PartnerMail)
    /// Issue the attempts report (§4.4) under this id, stored with the case.
    case issueReport(id: String, reason: ReportReason)
}

/// One event to tell people about (§4.1).
public struct NotificationIntent: Sendable, Hashable {
    /// The event's webhook type, such as `case.resent`.
    public var event: NotificationEvent
    /// Who receives it.
    public var audience: Set<Audience>
    /// Whether someone must acknowledge it.
    public var needsAck: Bool
    /// A one-line summary (in the desk's words) for the message.
    public var summary: String

    public init(event: NotificationEvent, audience: Set<Audience>, needsAck: Bool = false, summary: String) {
        self.event = event
        self.audience = audience
        self.needsAck = needsAck
        self.summary = summary
    }

    /// Recipients of a notification, resolved to channels by the engine.
    public enum Audience: String, Sendable, Hashable, Codable {
        /// The case's owner.
        case owner
        /// The case's leader when one is set, else all leaders.
        case leaders
        /// Every leader.
        case allLeaders = "all_leaders"
        /// The client, by mail, when the address is known.
        case client
        /// Leaders with `ops: true`.
        case ops
    }
}

/// The types of notification (§4.1), as webhook `type` strings.
public struct NotificationEvent: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let resent = NotificationEvent(rawValue: "case.resent")
    public static let partnerReplied = NotificationEvent(rawValue: "case.partner_replied")
    public static let resendFailed = NotificationEvent(rawValue: "case.resend_failed")
    public static let manualResendRequested = NotificationEvent(rawValue: "case.manual_resend_requested")
    public static let reportGenerated = NotificationEvent(rawValue: "case.report_generated")
    public static let partnerRefused = NotificationEvent(rawValue: "case.partner_refused")
    public static let ownerReminder = NotificationEvent(rawValue: "case.owner_reminder")
    public static let clientReminder = NotificationEvent(rawValue: "case.client_reminder")
    public static let deadlineApproaching = NotificationEvent(rawValue: "case.deadline_approaching")
    public static let priorityRequested = NotificationEvent(rawValue: "case.priority_requested")
}

/// A resend to the partner (§4.3).
public struct PartnerMail: Sendable, Hashable {
    /// The outbox id of the mail (its Message-ID carries it).
    public var notificationID: String
    /// The attempt this mail is.
    public var attempt: Int
    /// The partner's addresses.
    public var to: [String]
    /// The mail's own Message-ID.
    public var messageID: String
    /// The thread it continues: the first request's Message-ID, and every earlier one.
    public var inReplyTo: String?
    public var references: [String]
}
