import FollowupCore
import Foundation

/// `GET /v1/inbox`: messages read from the inbound Maildir (§4.5).
public struct InboxList: Codable, Sendable, Hashable {
    public var messages: [InboxMessageJSON]
    public init(messages: [InboxMessageJSON]) { self.messages = messages }
}

/// One inbox message.
public struct InboxMessageJSON: Codable, Sendable, Hashable {
    public var id: String
    public var receivedAt: Date
    public var from: String
    public var subject: String
    public var kind: String
    public var state: String
    public var `case`: String?
    public var reason: String
    public var excerpt: String?
    public var file: String
    public var handledBy: String?
    public var handledAt: Date?

    public init(
        id: String, receivedAt: Date, from: String, subject: String, kind: String, state: String, case: String?,
        reason: String, excerpt: String?, file: String, handledBy: String?, handledAt: Date?
    ) {
        self.id = id
        self.receivedAt = receivedAt
        self.from = from
        self.subject = subject
        self.kind = kind
        self.state = state
        self.case = `case`
        self.reason = reason
        self.excerpt = excerpt
        self.file = file
        self.handledBy = handledBy
        self.handledAt = handledAt
    }

    enum CodingKeys: String, CodingKey {
        case id, from, subject, kind, state, `case`, reason, excerpt, file
        case receivedAt = "received_at"
        case handledBy = "handled_by"
        case handledAt = "handled_at"
    }
}

/// `POST /v1/inbox/{id}/assign`.
public struct AssignBody: Codable, Sendable, Hashable {
    public var `case`: String
    public init(case: String) { self.case = `case` }
}
