import Foundation

/// Address fields (`From`, `To`, `Cc`, `Reply-To`; RFC 5322 §3.4) read tolerantly.
///
/// Groups are flattened, comments dropped (a comment after a bare address serves as its name),
/// routes removed, encoded words decoded in names (also inside quotes, as some clients write
/// them). An unquoted name with a comma (`Silva, João <joao@x>`) is kept whole.
enum AddressList {
    /// The mailboxes of an unfolded, undecoded field value.
    static func parse(_ rawValue: String) -> [InboundMessage.Address] {
        var addresses: [InboundMessage.Address] = []
        var carried: [String] = []
        let entries = split(rawValue)
        for (position, entry) in entries.enumerated() {
            if !entry.contains("<") && !entry.contains("@") && position + 1 < entries.count {
                carried.append(entry)
                continue
            }
            let text = carried.isEmpty ? entry : (carried + [entry]).joined(separator: ", ")
            carried.removeAll()
            if let address = mailbox(text) { addresses.append(address) }
        }
        return addresses
    }

    /// `text` cut at commas and group punctuation outside quotes, comments and angle brackets;
    /// group names are dropped.
    private static func split(_ text: String) -> [String] {
        var entries: [String] = []
        var current = String.UnicodeScalarView()
        var quoted = false
        var escaped = false
        var comment = 0
        var angle = false
        func finish() {
            let entry = String(current).trimmingCharacters(in: .whitespaces)
            if !entry.isEmpty { entries.append(entry) }
            current = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            if escaped {
                escaped = false
                current.append(scalar)
                continue
            }
            switch scalar {
            case "\\" where quoted || comment > 0: escaped = true
            case "\"" where comment == 0: quoted.toggle()
            case "(" where !quoted: comment += 1
            case ")" where !quoted && comment > 0: comment -= 1
            case "<" where !quoted && comment == 0: angle = true
            case ">" where !quoted && comment == 0: angle = false
            case "," where !quoted && comment == 0 && !angle, ";" where !quoted && comment == 0 && !angle:
                finish()
                continue
            case ":" where !quoted && comment == 0 && !angle:
                current = String.UnicodeScalarView()
                continue
            default: break
            }
            current.append(scalar)
        }
        finish()
        return entries
    }

    /// One mailbox from an entry: `name <address>`, `address (name)` or `address`.
    private static func mailbox(_ entry: String) -> InboundMessage.Address? {
        let (outside, commentText) = separated(entry)
        if let open = outside.firstIndex(of: "<") {
            let after = outside[outside.index(after: open)...]
            var address = after.prefix { $0 != ">" }
            if let colon = address.lastIndex(of: ":") { address = address[address.index(after: colon)...] }
            let clean = String(address.filter { !$0.isWhitespace && $0 != "\"" })
            guard !clean.isEmpty else { return nil }
            let name = displayName(String(outside[..<open])) ?? displayName(commentText)
            return InboundMessage.Address(address: clean, name: name)
        }
        let clean = String(outside.filter { !$0.isWhitespace && $0 != "\"" })
        let bare = outside.trimmingCharacters(in: .whitespaces)
        guard !clean.isEmpty, clean.contains("@") || !bare.contains(" ") else { return nil }
        return InboundMessage.Address(address: clean, name: displayName(commentText))
    }

    /// The entry without comments, and the comments' text.
    private static func separated(_ entry: String) -> (String, String) {
        var outside = String.UnicodeScalarView()
        var inside = String.UnicodeScalarView()
        var quoted = false
        var escaped = false
        var depth = 0
        for scalar in entry.unicodeScalars {
            if escaped {
                escaped = false
                if depth > 0 { inside.append(scalar) } else { outside.append(scalar) }
                continue
            }
            switch scalar {
            case "\\" where quoted || depth > 0:
                escaped = true
                if depth == 0 { outside.append(scalar) }
            case "\"" where depth == 0:
                quoted.toggle()
                outside.append(scalar)
            case "(" where !quoted:
                if depth > 0 { inside.append(scalar) }
                depth += 1
            case ")" where !quoted && depth > 0:
                depth -= 1
                if depth > 0 { inside.append(scalar) }
            default:
                if depth > 0 { inside.append(scalar) } else { outside.append(scalar) }
            }
        }
        return (String(outside), String(inside))
    }

    /// A display name without quotes and escapes, encoded words decoded, blanks collapsed; nil when empty.
    static func displayName(_ text: String) -> String? {
        var out = String.UnicodeScalarView()
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                escaped = false
                out.append(scalar)
            } else if scalar == "\\" {
                escaped = true
            } else if scalar != "\"" {
                out.append(scalar)
            }
        }
        let decoded = EncodedWords.decode(String(out))
        let words = decoded.split(whereSeparator: { $0.isWhitespace })
        return words.isEmpty ? nil : words.joined(separator: " ")
    }
}
