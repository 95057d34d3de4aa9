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

    /// A time a client or a mail supplies, checked against ``TimeBounds`` (SPEC §6.3
    /// "Correction (times)"): from 2000-01-01 to ten years from now.
    static func time(_ value: Date, field: String, now: Date) throws(FollowupError) -> Date {
        guard TimeBounds.accepts(value, now: now) else {
            throw .invalid(
                field,
                "\(Timestamp.format(value)) is outside the times the desk accepts "
                    + "(from 2000-01-01 to ten years from now)")
        }
        return value
    }

    /// An optional time a client supplies: nil stays nil, anything else as ``time(_:field:now:)``.
    static func timeIfGiven(_ value: Date?, field: String, now: Date) throws(FollowupError) -> Date? {
        guard let value else { return nil }
        return try time(value, field: field, now: now)
    }

    /// A time not later than now (plus a small tolerance) and within ``TimeBounds``; nil means now.
    static func pastOrNow(_ value: Date?, field: String, now: Date) throws(FollowupError) -> Date {
        guard let value else { return now }
        guard value.timeIntervalSince(now) <= CaseMachine.futureTolerance else {
            throw .invalid(field, "\(Timestamp.format(value)) is in the future")
        }
        return try time(value, field: field, now: now)
    }

    /// When an event on `subject` happened: not in the future, not before the case was opened
    /// (either with the tolerance for clock skew), within ``TimeBounds``; nil means now.
    static func eventTime(_ value: Date?, field: String, on subject: Case, now: Date) throws(FollowupError) -> Date {
        let at = try pastOrNow(value, field: field, now: now)
        guard subject.openedAt.timeIntervalSince(at) <= CaseMachine.futureTolerance else {
            throw .invalid(
                field,
                "\(Timestamp.format(at)) is before \(subject.id) was opened (\(Timestamp.format(subject.openedAt)))")
        }
        return at
    }

    /// Whether `value` could be when an event on `subject` happened (see ``eventTime(_:field:on:now:)``).
    static func isEventTime(_ value: Date, on subject: Case, now: Date) -> Bool {
        (try? eventTime(value, field: "at", on: subject, now: now)) != nil
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
