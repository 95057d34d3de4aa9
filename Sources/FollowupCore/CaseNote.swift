import Foundation

/// A person's free-text note on a case, kept on the case value so the attempts report (§4.4)
/// can say what was said in each attempt and what the partner answered.
///
/// The timeline keeps the same text; this copy exists because a report is made inside the
/// transaction that changes the case, from the case value alone. On a case flagged sensitive
/// the notes stay here (the database) and never reach a report.
public struct CaseNote: Sendable, Hashable, Codable {
    /// What the note is about.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A note on the case itself (`followupctl note`).
        case note
        /// What was said in a contact attempt (`followupctl sent --note`).
        case contact
        /// What the partner said in a return (`followupctl reply --note`, or the reply's mail).
        case partnerReturn = "return"
        /// The partner's refusal, in its own words (`followupctl refused --note`).
        case refusal
    }

    /// The timeline entry that recorded it.
    public var seq: Int
    public var kind: Kind
    public var at: Date
    /// Who recorded it: a login name, or `followupd`.
    public var by: String
    public var text: String
    /// For the desk only: never in the client's report.
    public var isInternal: Bool
    /// The attempt a `contact` note belongs to.
    public var attempt: Int?

    public init(
        seq: Int, kind: Kind, at: Date, by: String, text: String, isInternal: Bool = false, attempt: Int? = nil
    ) {
        self.seq = seq
        self.kind = kind
        self.at = at
        self.by = by
        self.text = text
        self.isInternal = isInternal
        self.attempt = attempt
    }

    enum CodingKeys: String, CodingKey {
        case seq, kind, at, by, text, attempt
        case isInternal = "internal"
    }
}

extension Case {
    /// The notes recorded on the case, oldest first (none for cases recorded before notes were kept).
    public var recordedNotes: [CaseNote] { notes ?? [] }
}
