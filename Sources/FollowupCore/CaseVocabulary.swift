import Foundation

/// What a case is about (§2).
public enum CaseKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Something to verify with a partner company (the default).
    case thirdParty = "third_party"
    /// A client asked to cancel (§5 rule 1).
    case cancellation
    /// Support given on a partner's product; the partner must be told (§5 rule 7).
    case handoff
}

/// Where a case stands (§3).
public enum CaseState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Our contact is out; the partner owes a return.
    case awaitingPartner = "awaiting_partner"
    /// The partner returned with information; the technician owes the next step.
    case awaitingUs = "awaiting_us"
    /// The report was issued; we wait for the client's new route to the partner.
    case returnedToClient = "returned_to_client"
    /// Resolved, withdrawn or cancelled; kept for history.
    case closed

    /// Whether the case is still being worked on.
    public var isOpen: Bool { self != .closed }
}

/// What a partner's return brings.
public enum ReturnKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Information: ends the cycle.
    case info
    /// "We are looking into it": no more resends this cycle, the report deadline stays.
    case ack
    /// An auto-reply or out-of-office: logged, changes nothing.
    case auto
}

/// How a contact reached the partner.
public enum ContactChannel: String, Sendable, Hashable, Codable, CaseIterable {
    case email, phone, portal, other
}

/// Marks on a case that change the work order or its durations (§5 rules 4 and 8).
public enum CaseFlag: String, Sendable, Hashable, Codable, CaseIterable {
    /// Classified urgent: may be taken ahead of older work.
    case urgent
    /// The client got in touch: may be taken ahead of older work.
    case clientContacted = "client_contacted"
    /// A priority e-mail arrived: may be taken ahead of older work.
    case priorityEmail = "priority_email"
    /// A leader marked the case as priority: `policy.priority` durations apply.
    case priority

    /// Reads `client-contacted` as well as `client_contacted`.
    public init?(parsing text: String) {
        self.init(rawValue: text.replacingOccurrences(of: "-", with: "_"))
    }
}

/// Sensitive data requested from the client for a case (§5 rule 2).
public enum SensitiveData: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case password, certificate, other

    public static func < (lhs: SensitiveData, rhs: SensitiveData) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Why an attempts report was issued.
public enum ReportReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// Nothing came back from the partner.
    case noReply = "no_reply"
    /// Only acknowledgements came back.
    case noInformation = "no_information"
    /// The partner itself asked the client to contact it directly.
    case partnerRefused = "partner_refused"
}

/// The desk's customer.
public struct Client: Sendable, Hashable, Codable {
    public var name: String
    public var email: String?
    /// The ticket reference, such as an SSC number.
    public var ticket: String?

    public init(name: String, email: String? = nil, ticket: String? = nil) {
        self.name = name
        self.email = email
        self.ticket = ticket
    }
}

/// The third party as a case knows it.
public struct PartnerContact: Sendable, Hashable, Codable {
    public var name: String
    public var emails: [String]

    public init(name: String, emails: [String] = []) {
        self.name = name
        self.emails = emails
    }
}
