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

/// `POST /v1/inbox/{id}/open`: what completes or replaces what the message says, to open a
/// case from it (every field optional; the client and the partner are needed when the message
/// does not name them).
public struct InboxOpenBody: Codable, Sendable, Hashable {
    public var client: String?
    public var ticket: String?
    public var partner: String?
    public var partnerEmails: [String]?
    public var subject: String?
    public var verification: String?
    public var owner: String?

    public init(
        client: String? = nil, ticket: String? = nil, partner: String? = nil, partnerEmails: [String]? = nil,
        subject: String? = nil, verification: String? = nil, owner: String? = nil
    ) {
        self.client = client
        self.ticket = ticket
        self.partner = partner
        self.partnerEmails = partnerEmails
        self.subject = subject
        self.verification = verification
        self.owner = owner
    }

    enum CodingKeys: String, CodingKey {
        case client, ticket, partner, subject, verification, owner
        case partnerEmails = "partner_emails"
    }
}

/// `POST /v1/inbox/{id}/assign`.
public struct AssignBody: Codable, Sendable, Hashable {
    public var `case`: String
    public init(case: String) { self.case = `case` }
}
