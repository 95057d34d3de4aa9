import Foundation

/// The attempts report (§4.4) as structured data: what every rendering is made from.
///
/// On a case flagged sensitive the returns carry no text (notes stay in the database); the
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

    /// What the client is asked to do next.
    public enum NextStep: String, Sendable, Hashable, Codable {
        /// Give another way to reach the partner, or contact it directly.
        case anotherRouteOrDirectContact = "another_route_or_direct_contact"
        /// The partner asked the client to contact it directly.
        case contactPartnerDirectly = "contact_partner_directly"
    }

    /// The report of `subject` for `reason`, as of its current attempts and returns.
    public init(id: String, of subject: Case, reason: ReportReason, generatedAt: Date) {
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
    }

    enum CodingKeys: String, CodingKey {
        case id, reason, client, partner, subject, verification, owner, attempts, returns, sensitive
        case caseID = "case"
        case generatedAt = "generated_at"
        case firstRequestAt = "first_request_at"
        case nextStep = "next_step"
    }
}
