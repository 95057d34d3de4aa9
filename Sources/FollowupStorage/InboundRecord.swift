import FollowupCore
import Foundation

/// One message read from the inbound Maildir (§4.5), as the inbox keeps it.
///
/// Its id is the message's key: a digest of its whole Message-ID (``MessageIDKey/inboxKey(_:)``),
/// or of its bytes when it has none. The id is unique, so a message read again after a crash is
/// recognised and recorded once.
public struct InboundRecord: Sendable, Hashable, Codable {
    /// Where the message stands.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Recorded on its case (a return, an automatic reply, a failed attempt).
        case recorded
        /// Matched no case (or one that could not take it): waits for a person to assign or dismiss it.
        case unmatched
        /// Set aside by a person.
        case dismissed
    }

    /// What the message was taken for.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case reply
        case automatic
        case bounce
        /// Our own contact, written by one of the desk's people from their own mailbox with the
        /// capture address in Bcc (`inbound.capture_address`).
        case capture
    }

    public var id: String
    public var receivedAt: Date
    public var from: String
    public var subject: String
    public var messageID: String?
    public var kind: Kind
    public var state: State
    public var caseID: CaseID?
    /// Why it is unmatched, or what was recorded.
    public var reason: String
    /// The reply's own text, shortened; nil on a sensitive case (it stays in the Maildir and
    /// in `followupctl inbox show`, read from the file).
    public var excerpt: String?
    /// The file's name in the Maildir (`cur/` once read).
    public var file: String
    /// Who assigned or dismissed it, and when.
    public var handledBy: String?
    public var handledAt: Date?

    public init(
        id: String, receivedAt: Date, from: String, subject: String, messageID: String?, kind: Kind, state: State,
        caseID: CaseID?, reason: String, excerpt: String?, file: String
    ) {
        self.id = id
        self.receivedAt = receivedAt
        self.from = from
        self.subject = subject
        self.messageID = messageID
        self.kind = kind
        self.state = state
        self.caseID = caseID
        self.reason = reason
        self.excerpt = excerpt
        self.file = file
    }

    enum CodingKeys: String, CodingKey {
        case id, from, subject, kind, state, reason, excerpt, file
        case receivedAt = "received_at"
        case messageID = "message_id"
        case caseID = "case"
        case handledBy = "handled_by"
        case handledAt = "handled_at"
    }
}
