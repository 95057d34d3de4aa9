import Foundation

/// One contact sent to the partner, numbered per case in send order (§2).
public struct Attempt: Sendable, Hashable, Codable {
    /// 1 for the first contact, then in send order.
    public var number: Int
    /// When it was sent.
    public var at: Date
    public var channel: ContactChannel
    /// Who sent it: a technician's login name, or `followupd` for a daemon resend.
    public var by: String
    /// The addresses it went to (empty for a phone call).
    public var to: [String]
    /// The mail's Message-ID, when known.
    public var messageID: String?
    /// Whether delivery failed (a bounce, or the transport refused it).
    public var failed: Bool

    public init(
        number: Int, at: Date, channel: ContactChannel, by: String, to: [String] = [],
        messageID: String? = nil, failed: Bool = false
    ) {
        self.number = number
        self.at = at
        self.channel = channel
        self.by = by
        self.to = to
        self.messageID = messageID
        self.failed = failed
    }

    enum CodingKeys: String, CodingKey {
        case number, at, channel, by, to, failed
        case messageID = "message_id"
    }
}

/// One return from the partner, as the report lists it.
public struct PartnerReturn: Sendable, Hashable, Codable {
    /// The timeline entry that recorded it.
    public var seq: Int
    public var at: Date
    public var kind: ReturnKind

    public init(seq: Int, at: Date, kind: ReturnKind) {
        self.seq = seq
        self.at = at
        self.kind = kind
    }
}

/// A stored reference to an issued attempts report.
public struct ReportReference: Sendable, Hashable, Codable {
    public var id: String
    public var reason: ReportReason
    public var generatedAt: Date
    /// The file written under `reports.dir`, when one was.
    public var path: String?

    public init(id: String, reason: ReportReason, generatedAt: Date, path: String? = nil) {
        self.id = id
        self.reason = reason
        self.generatedAt = generatedAt
        self.path = path
    }

    enum CodingKeys: String, CodingKey {
        case id, reason, path
        case generatedAt = "generated_at"
    }
}
