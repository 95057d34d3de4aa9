import Foundation

/// Input checks shared by the machine's commands; each failure names the field at fault.
enum Validate {
    /// Non-empty text after trimming, at most `limit` characters, valid for storage.
    static func text(_ value: String, field: String, limit: Int = 20_000) throws(FollowupError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalid(field, "must not be empty") }
        guard trimmed.count <= limit else { throw .invalid(field, "is longer than \(limit) characters") }
        guard !trimmed.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw .invalid(field, "must not contain NUL characters")
        }
        return trimmed
    }

    /// A usable mail address (``AddressSyntax``, the mail writer's own grammar) whose domain
    /// has a dot.
    static func address(_ value: String, field: String) throws(FollowupError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let problem = AddressSyntax.problem(trimmed) {
            throw .invalid(field, "\"\(value)\" is not an e-mail address: \(problem)")
        }
        let domain = trimmed[trimmed.index(after: trimmed.lastIndex(of: "@")!)...]
        guard domain.contains(".") else {
            throw .invalid(field, "\"\(value)\" is not an e-mail address: the domain needs a dot (name@domain.com)")
        }
        return trimmed
    }

    static func addresses(_ values: [String], field: String) throws(FollowupError) -> [String] {
        var seen: [String] = []
        for value in values {
            let address = try address(value, field: field)
            if !seen.contains(where: { $0.lowercased() == address.lowercased() }) { seen.append(address) }
        }
        return seen
    }

    static func client(_ client: Client) throws(FollowupError) -> Client {
        Client(
            name: try text(client.name, field: "client.name", limit: 300),
            email: try client.email.map { (value) throws(FollowupError) in try address(value, field: "client.email") },
            ticket: try client.ticket.map { (value) throws(FollowupError) in
                try text(value, field: "client.ticket", limit: 100)
            })
    }

    static func partner(_ partner: PartnerContact) throws(FollowupError) -> PartnerContact {
        PartnerContact(
            name: try text(partner.name, field: "partner.name", limit: 300),
            emails: try addresses(partner.emails, field: "partner.emails"))
    }

    /// A time not later than now (plus a small tolerance); nil means now.
    static func pastOrNow(_ value: Date?, field: String, now: Date) throws(FollowupError) -> Date {
        guard let value else { return now }
        guard value.timeIntervalSince(now) <= CaseMachine.futureTolerance else {
            throw .invalid(field, "\(Timestamp.format(value)) is in the future")
        }
        return value
    }

    /// `N2` or `N3`.
    static func escalation(_ value: String?) throws(FollowupError) -> String? {
        guard let value else { return nil }
        let upper = value.trimmingCharacters(in: .whitespaces).uppercased()
        guard upper == "N2" || upper == "N3" else { throw .invalid("escalated_to", "must be N2 or N3") }
        return upper
    }

    /// A Message-ID, with or without its angle brackets; stored with them.
    static func messageID(_ value: String, field: String) throws(FollowupError) -> String {
        var trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("<") && trimmed.hasSuffix(">") { trimmed = String(trimmed.dropFirst().dropLast()) }
        guard trimmed.contains("@"), trimmed.count <= 500,
            !trimmed.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" })
        else { throw .invalid(field, "\"\(value)\" is not a Message-ID (like <abc@host>)") }
        return "<\(trimmed)>"
    }
}
