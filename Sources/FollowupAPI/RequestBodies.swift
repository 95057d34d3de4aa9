import FollowupCore
import Foundation

/// `POST /v1/cases` (§6.3).
public struct OpenCaseBody: Codable, Sendable, Hashable {
    public var kind: CaseKind?
    public var client: Client
    public var partner: PartnerBody?
    public var subject: String?
    public var verification: String?
    /// Defaults to the caller's login name.
    public var owner: String?
    public var sensitive: [SensitiveData]?
    public var deadline: Date?
    public var escalatedTo: String?
    public var implementationAt: Date?
    /// When the technician sent the first request (default: now). Exclusive with `send`.
    public var sentAt: Date?
    /// Ask the daemon to mail the first request itself.
    public var send: Bool?
    /// The first request's Message-ID, when known.
    public var messageID: String?

    public struct PartnerBody: Codable, Sendable, Hashable {
        public var name: String
        public var emails: [String]?

        public init(name: String, emails: [String]? = nil) {
            self.name = name
            self.emails = emails
        }
    }

    public init(
        kind: CaseKind? = nil, client: Client, partner: PartnerBody?, subject: String?, verification: String?,
        owner: String? = nil, sensitive: [SensitiveData]? = nil, deadline: Date? = nil, escalatedTo: String? = nil,
        implementationAt: Date? = nil, sentAt: Date? = nil, send: Bool? = nil, messageID: String? = nil
    ) {
        self.kind = kind
        self.client = client
        self.partner = partner
        self.subject = subject
        self.verification = verification
        self.owner = owner
        self.sensitive = sensitive
        self.deadline = deadline
        self.escalatedTo = escalatedTo
        self.implementationAt = implementationAt
        self.sentAt = sentAt
        self.send = send
        self.messageID = messageID
    }

    enum CodingKeys: String, CodingKey {
        case kind, client, partner, subject, verification, owner, sensitive, deadline, send
        case escalatedTo = "escalated_to"
        case implementationAt = "implementation_at"
        case sentAt = "sent_at"
        case messageID = "message_id"
    }
}

/// `POST /v1/cases/{id}/contacts`: a contact sent to the partner.
public struct ContactBody: Codable, Sendable, Hashable {
    public var at: Date?
    public var channel: ContactChannel?
    public var to: [String]?
    public var messageID: String?
    public var note: String?

    public init(
        at: Date? = nil, channel: ContactChannel? = nil, to: [String]? = nil, messageID: String? = nil,
        note: String? = nil
    ) {
        self.at = at
        self.channel = channel
        self.to = to
        self.messageID = messageID
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case at, channel, to, note
        case messageID = "message_id"
    }
}

/// `POST /v1/cases/{id}/returns`: the partner returned.
public struct ReturnBody: Codable, Sendable, Hashable {
    public var kind: ReturnKind?
    public var at: Date?
    public var note: String?
    /// The seq of a return to reclassify as `kind` instead of recording a new one (§4.5).
    public var reclassify: Int?

    public init(kind: ReturnKind? = nil, at: Date? = nil, note: String? = nil, reclassify: Int? = nil) {
        self.kind = kind
        self.at = at
        self.note = note
        self.reclassify = reclassify
    }
}

/// `POST /v1/cases/{id}/refusal`: the partner refused to deal with us.
public struct RefusalBody: Codable, Sendable, Hashable {
    public var at: Date?
    public var note: String

    public init(at: Date? = nil, note: String) {
        self.at = at
        self.note = note
    }
}

/// `POST /v1/cases/{id}/notes`.
public struct NoteBody: Codable, Sendable, Hashable {
    public var note: String
    /// True keeps the note for the desk: never in the client's report (absent: false).
    public var `internal`: Bool?

    public init(note: String, internal isInternal: Bool? = nil) {
        self.note = note
        self.internal = isInternal
    }
}

/// `POST /v1/cases/{id}/close`.
public struct CloseBody: Codable, Sendable, Hashable {
    /// How a third-party or hand-off case ended.
    public var resolution: String?
    /// A cancellation's real reason, the partner system hired, and the reason in words (§5 rule 1).
    public var reason: CancellationReason?
    public var partnerSystem: String?
    public var text: String?

    public init(
        resolution: String? = nil, reason: CancellationReason? = nil, partnerSystem: String? = nil,
        text: String? = nil
    ) {
        self.resolution = resolution
        self.reason = reason
        self.partnerSystem = partnerSystem
        self.text = text
    }

    enum CodingKeys: String, CodingKey {
        case resolution, reason, text
        case partnerSystem = "partner_system"
    }
}

/// `POST /v1/cases/{id}/reopen`.
public struct ReopenBody: Codable, Sendable, Hashable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// `POST /v1/cases/{id}/flags`: set (default) or clear a flag.
public struct FlagBody: Codable, Sendable, Hashable {
    public var flag: CaseFlag
    /// false clears the flag.
    public var set: Bool?

    public init(flag: CaseFlag, set: Bool? = nil) {
        self.flag = flag
        self.set = set
    }
}

/// `PATCH /v1/cases/{id}`: fields absent stay as they are; `null` clears a clearable one.
public struct PatchBody: Sendable, Hashable {
    public var owner: String?
    public var deadline: Date??
    public var escalatedTo: String??
    public var implementationAt: Date??
    public var partnerEmails: [String]?

    public init(
        owner: String? = nil, deadline: Date?? = nil, escalatedTo: String?? = nil, implementationAt: Date?? = nil,
        partnerEmails: [String]? = nil
    ) {
        self.owner = owner
        self.deadline = deadline
        self.escalatedTo = escalatedTo
        self.implementationAt = implementationAt
        self.partnerEmails = partnerEmails
    }
}

extension PatchBody: Codable {
    enum CodingKeys: String, CodingKey {
        case owner, deadline
        case escalatedTo = "escalated_to"
        case implementationAt = "implementation_at"
        case partnerEmails = "partner_emails"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        owner = try container.decodeIfPresent(String.self, forKey: .owner)
        func clearable<T: Decodable>(_ key: CodingKeys) throws -> T?? {
            guard container.contains(key) else { return nil }
            if try container.decodeNil(forKey: key) { return .some(nil) }
            return .some(try container.decode(T.self, forKey: key))
        }
        deadline = try clearable(.deadline)
        escalatedTo = try clearable(.escalatedTo)
        implementationAt = try clearable(.implementationAt)
        partnerEmails = try container.decodeIfPresent([String].self, forKey: .partnerEmails)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(owner, forKey: .owner)
        func clearable<T: Encodable>(_ value: T??, _ key: CodingKeys) throws {
            switch value {
            case .none: break
            case .some(.none): try container.encodeNil(forKey: key)
            case .some(.some(let inner)): try container.encode(inner, forKey: key)
            }
        }
        try clearable(deadline, .deadline)
        try clearable(escalatedTo, .escalatedTo)
        try clearable(implementationAt, .implementationAt)
        try container.encodeIfPresent(partnerEmails, forKey: .partnerEmails)
    }
}

/// `POST /v1/cases/{id}/client-contact`: how the contact with the client went (§5 rule 1).
public struct ClientContactBody: Codable, Sendable, Hashable {
    public var summary: String
    public init(summary: String) { self.summary = summary }
}

/// `POST /v1/escalations` (§5 rule 3).
public struct EscalationBody: Codable, Sendable, Hashable {
    /// The service that is down.
    public var service: String
    public var client: String
    public var note: String

    public init(service: String, client: String, note: String) {
        self.service = service
        self.client = client
        self.note = note
    }
}

/// `POST /v1/handoffs` (§5 rule 7).
public struct HandoffBody: Codable, Sendable, Hashable {
    public var client: Client
    public var partner: OpenCaseBody.PartnerBody
    public var note: String
    public var owner: String?

    public init(client: Client, partner: OpenCaseBody.PartnerBody, note: String, owner: String? = nil) {
        self.client = client
        self.partner = partner
        self.note = note
        self.owner = owner
    }
}

/// `POST /v1/notices` (§5 rule 5).
public struct NoticeBody: Codable, Sendable, Hashable {
    public var title: String
    public var text: String

    public init(title: String, text: String) {
        self.title = title
        self.text = text
    }
}

/// `POST /v1/notices/{id}/ack`: the technician who saw it (default: the caller).
public struct NoticeAckBody: Codable, Sendable, Hashable {
    public var owner: String?
    public init(owner: String? = nil) { self.owner = owner }
}
