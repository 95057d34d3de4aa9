import Foundation

/// Why a client cancelled (§5 rule 1), as the desk counts it.
public enum CancellationReason: String, Sendable, Hashable, Codable, CaseIterable {
    case price
    /// The client hired a partner system (SIEG, Fiscosoft…): which one is recorded too.
    case partnerSystem = "partner_system"
    case businessClosed = "business_closed"
    case dissatisfaction
    case other

    /// The reason in the desk's words (Portuguese), for the ticket's technical analysis.
    public var words: String {
        switch self {
        case .price: "preço"
        case .partnerSystem: "contratou sistema parceiro"
        case .businessClosed: "empresa encerrou as atividades"
        case .dissatisfaction: "insatisfação"
        case .other: "outro"
        }
    }
}

/// A cancellation's contact with the client and its real reason (§5 rule 1).
public struct CancellationRecord: Sendable, Hashable, Codable {
    /// When the contact with the client was recorded, by whom, and how it went.
    public var contactAt: Date?
    public var contactBy: String?
    public var contactSummary: String?
    /// The real reason, set when the cancellation is closed.
    public var reason: CancellationReason?
    /// The partner system hired (with `partner_system`).
    public var partnerSystem: String?
    /// The reason in the technician's words.
    public var reasonText: String?
    public var closedAt: Date?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case reason
        case contactAt = "contact_at"
        case contactBy = "contact_by"
        case contactSummary = "contact_summary"
        case partnerSystem = "partner_system"
        case reasonText = "reason_text"
        case closedAt = "closed_at"
    }

    /// The block to paste into the ticket's technical-analysis field.
    public func ticketBlock(case id: String, client: Client, owner: String, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        func day(_ date: Date?) -> String {
            guard let date else { return "-" }
            let parts = calendar.dateComponents([.day, .month, .year, .hour, .minute], from: date)
            return String(
                format: "%02d/%02d/%04d %02d:%02d", parts.day ?? 0, parts.month ?? 0, parts.year ?? 0, parts.hour ?? 0,
                parts.minute ?? 0)
        }
        var reasonLine = reason?.words ?? "-"
        if let partnerSystem, reason == .partnerSystem { reasonLine += " (\(partnerSystem))" }
        return [
            "ANÁLISE TÉCNICA — CANCELAMENTO \(id)",
            "Cliente: \(client.name)" + (client.ticket.map { " — chamado \($0)" } ?? ""),
            "Contato com o cliente: \(day(contactAt)) por \(contactBy ?? "-")",
            "Como foi o contato: \(contactSummary ?? "-")",
            "Motivo real: \(reasonLine)",
            "Detalhes: \(reasonText ?? "-")",
            "Responsável: \(owner)",
        ].joined(separator: "\n")
    }
}
