import Foundation

/// The attempts report (§4.4) as structured data: what every rendering is made from.
///
/// The document holds everything the desk knows (its own report, §4.4); the client's report is
/// a view of it that leaves out Message-IDs, failure flags, ids, login names and internal notes.
/// On a case flagged sensitive no note is copied into it (notes stay in the database); the
/// report then only says that notes exist and where to read them.
public struct ReportDocument: Sendable, Hashable, Codable {
    public var id: String
    public var caseID: CaseID
    public var reason: ReportReason
    public var generatedAt: Date
    public var client: Client
    public var partner: PartnerContact?
    public var subject: String
    /// The verification still needed from the partner.
    public var verification: String
    public var owner: String
    /// When the first request went out.
    public var firstRequestAt: Date?
    /// Every contact attempt, in send order.
    public var attempts: [Attempt]
    /// Every partner return, with its time and kind.
    public var returns: [PartnerReturn]
    /// Whether the case is flagged sensitive (notes are then only in `followupctl show`).
    public var sensitive: Bool
    /// What the client is asked to do next.
    public var nextStep: NextStep
    /// The people's notes on the case, oldest first: what was said in each attempt, what the
    /// partner answered, the refusal in the partner's words, notes on the case (internal ones
    /// marked). Empty on a sensitive case; `nil` in reports issued before notes were kept.
    public var notes: [CaseNote]?
    /// Who the desk is, as the configuration said when the report was issued; `nil` in reports
    /// issued before it was recorded.
    public var desk: DeskContact?

    /// Who the desk is and how the client reaches the technician: what the client's report
    /// introduces itself with.
    public struct DeskContact: Sendable, Hashable, Codable {
        /// The company the desk belongs to (`desk.company`).
        public var company: String?
        /// The technician's name from `owners`; `nil` when the owner is not configured (a
        /// login name is never shown to a client).
        public var technician: String?
        /// Where the client writes: the technician's address, else the desk's.
        public var email: String?
        /// Where the client calls: the technician's number, else the desk's.
        public var phone: String?

        public init(company: String? = nil, technician: String? = nil, email: String? = nil, phone: String? = nil) {
            self.company = company
            self.technician = technician
            self.email = email
            self.phone = phone
        }
    }

    /// What the client is asked to do next.
    public enum NextStep: String, Sendable, Hashable, Codable {
        /// Give another way to reach the partner, or contact it directly.
        case anotherRouteOrDirectContact = "another_route_or_direct_contact"
        /// The partner asked the client to contact it directly.
        case contactPartnerDirectly = "contact_partner_directly"
    }

    /// The report of `subject` for `reason`, as of its current attempts and returns.
    public init(
        id: String, of subject: Case, reason: ReportReason, generatedAt: Date, desk: DeskContact? = nil
    ) {
        self.id = id
        caseID = subject.id
        self.reason = reason
        self.generatedAt = generatedAt
        client = subject.client
        partner = subject.partner
        self.subject = subject.subject
        verification = subject.verification
        owner = subject.owner
        firstRequestAt = subject.attempts.first?.at
        attempts = subject.attempts
        returns = subject.returns
        sensitive = subject.isSensitive
        nextStep = reason == .partnerRefused ? .contactPartnerDirectly : .anotherRouteOrDirectContact
        notes = subject.isSensitive ? [] : subject.recordedNotes
        self.desk = desk
    }

    /// The notes the client may read: none internal.
    public var clientNotes: [CaseNote] { (notes ?? []).filter { !$0.isInternal } }

    enum CodingKeys: String, CodingKey {
        case id, reason, client, partner, subject, verification, owner, attempts, returns, sensitive, notes, desk
        case caseID = "case"
        case generatedAt = "generated_at"
        case firstRequestAt = "first_request_at"
        case nextStep = "next_step"
    }
}
