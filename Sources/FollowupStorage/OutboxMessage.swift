import FollowupCore
import Foundation

/// One notification for one event to one recipient channel (§4.1), queued durably.
///
/// Its id is the idempotency key everywhere: the `webhook-id`, part of the Message-ID, the
/// Maildir file name, and what one acknowledges.
public struct OutboxMessage: Sendable, Hashable, Codable {
    /// Delivery state.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case pending, delivered, failed, digested
    }

    /// Where it goes.
    public enum Channel: String, Sendable, Hashable, Codable {
        /// A configured webhook; `recipient` is its name.
        case webhook
        /// Mail to the desk (owner, leaders); `recipient` is the address.
        case mail
        /// Ordinary correspondence to the partner (resends); `recipient` lists the addresses.
        case partnerMail = "partner_mail"
        /// Ordinary correspondence to the client; `recipient` is the address.
        case clientMail = "client_mail"
        /// The attempts report written as files (§4.4 `reports.dir`); `recipient` is the folder.
        case reportFile = "report_file"
    }

    public var id: String
    public var caseID: CaseID?
    public var event: NotificationEvent
    public var channel: Channel
    public var recipient: String
    public var needsAck: Bool
    public var state: State
    public var createdAt: Date
    /// When the next delivery attempt is due.
    public var nextAttemptAt: Date
    public var attempts: Int
    /// The event's document (the `data` of §6.6), rendered per channel at delivery.
    public var payload: Data
    /// For a notification needing acknowledgement: the id that acknowledges it (the event's
    /// first notification), shared by every channel of the event and its reminders.
    public var ackGroup: String?
    /// Urgent notifications are never folded into a digest.
    public var urgent: Bool
    /// Made by a catch-up pass (stages overdue after downtime): folded per channel into a digest.
    public var catchUp: Bool
    /// Who acknowledged the event, and when.
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    /// When it was delivered.
    public var deliveredAt: Date?
    /// Why the last attempt did not go through.
    public var lastError: String?
    /// The digest it was folded into.
    public var digestID: String?
    /// For the event's first notification needing acknowledgement: when, unacknowledged, it is
    /// sent again to all leaders; nil once acknowledged or after the last reminder.
    public var ackDueAt: Date?
    /// How many times it was sent again unacknowledged.
    public var reminders: Int

    public init(
        id: String, caseID: CaseID?, event: NotificationEvent, channel: Channel, recipient: String,
        needsAck: Bool, state: State = .pending, createdAt: Date, nextAttemptAt: Date, attempts: Int = 0,
        payload: Data, ackGroup: String? = nil, urgent: Bool = false, catchUp: Bool = false, ackDueAt: Date? = nil,
        reminders: Int = 0
    ) {
        self.ackDueAt = ackDueAt
        self.reminders = reminders
        self.ackGroup = ackGroup
        self.urgent = urgent
        self.catchUp = catchUp
        self.id = id
        self.caseID = caseID
        self.event = event
        self.channel = channel
        self.recipient = recipient
        self.needsAck = needsAck
        self.state = state
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.attempts = attempts
        self.payload = payload
    }
}

/// One delivery attempt of a notification, as recorded (§4.1).
public struct DeliveryAttempt: Sendable, Hashable, Codable {
    /// Its number among the notification's attempts, from 1.
    public var number: Int
    public var at: Date
    /// `delivered`, `retry` or `failed`.
    public var result: String
    public var httpStatus: Int?
    public var exitStatus: Int?
    public var error: String?

    public init(
        number: Int, at: Date, result: String, httpStatus: Int? = nil, exitStatus: Int? = nil, error: String? = nil
    ) {
        self.number = number
        self.at = at
        self.result = result
        self.httpStatus = httpStatus
        self.exitStatus = exitStatus
        self.error = error
    }
}

/// What one delivery attempt did to its notification, recorded with the attempt.
public struct DeliveryRecord: Sendable {
    /// The notification.
    public var id: String
    /// The attempt (its `number` is filled in by storage).
    public var attempt: DeliveryAttempt
    /// Where the notification goes next.
    public var next: Next
    /// Rows queued in the same transaction (a `notification.failed` to ops on giving up).
    public var also: [OutboxMessage]

    /// The notification's state after the attempt.
    public enum Next: Sendable, Hashable {
        case delivered
        /// Tried again at this instant.
        case retry(at: Date)
        case failed
    }

    public init(id: String, attempt: DeliveryAttempt, next: Next, also: [OutboxMessage] = []) {
        self.id = id
        self.attempt = attempt
        self.next = next
        self.also = also
    }
}

/// An attempts report as stored: the database is its source of truth (§4.4).
public struct StoredReport: Sendable, Hashable {
    public var id: String
    public var caseID: CaseID
    public var reason: ReportReason
    public var generatedAt: Date
    /// The report's structured document (JSON); renderings are made from it.
    public var document: Data

    public init(id: String, caseID: CaseID, reason: ReportReason, generatedAt: Date, document: Data) {
        self.id = id
        self.caseID = caseID
        self.reason = reason
        self.generatedAt = generatedAt
        self.document = document
    }
}
