import Foundation

/// An important notice from a leader that every technician must acknowledge (§5 rule 5).
public struct Notice: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    public var text: String
    public var postedBy: String
    public var postedAt: Date
    /// Each technician it went to, with the id that acknowledges it for them.
    public var recipients: [Recipient]

    /// One technician of a notice.
    public struct Recipient: Sendable, Hashable, Codable {
        /// The technician's name (an `owners` entry).
        public var owner: String
        /// The notification id that acknowledges the notice for this technician; nil when the
        /// technician has no channel (no e-mail, no webhook): the notice waits in `notice show`.
        public var acknowledge: String?
        /// When the technician acknowledged it, and who recorded that.
        public var acknowledgedAt: Date?
        public var acknowledgedBy: String?

        public init(owner: String, acknowledge: String?) {
            self.owner = owner
            self.acknowledge = acknowledge
        }

        enum CodingKeys: String, CodingKey {
            case owner, acknowledge
            case acknowledgedAt = "acknowledged_at"
            case acknowledgedBy = "acknowledged_by"
        }
    }

    /// The technicians who have not acknowledged it yet.
    public var missing: [String] { recipients.filter { $0.acknowledgedAt == nil }.map(\.owner) }

    public init(id: String, title: String, text: String, postedBy: String, postedAt: Date, recipients: [Recipient]) {
        self.id = id
        self.title = title
        self.text = text
        self.postedBy = postedBy
        self.postedAt = postedAt
        self.recipients = recipients
    }

    enum CodingKeys: String, CodingKey {
        case id, title, text, recipients
        case postedBy = "posted_by"
        case postedAt = "posted_at"
    }
}
