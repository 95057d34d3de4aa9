import Foundation

/// A header value of the form `value; name=value; …` (RFC 2045 §5.1), as in `Content-Type` and
/// `Content-Disposition`, with RFC 2231 extended and continued parameters.
///
/// Tolerant: comments are dropped, quoted strings may be unterminated, a value may contain
/// spaces when it is not quoted, parameter names are case-insensitive, encoded words inside a
/// quoted value (as Outlook writes file names) are decoded, and the first of repeated names wins.
struct HeaderParameters {
    /// The value before the first `;`, trimmed, in lower case.
    var value: String
    /// Parameters by lower-case name, values decoded.
    var parameters: [String: String]

    /// A parameter section: `index` in `name*index`, and whether it is `*`-extended.
    private struct Section {
        var index: Int
        var extended: Bool
        var text: String
    }

    /// `text` (an unfolded, undecoded header value) read as value and parameters.
    init(_ text: String) {
        let scalars = Array(Self.withoutComments(text).unicodeScalars)
        var index = 0
        var head = String.UnicodeScalarView()
        while index < scalars.count, scalars[index] != ";" {
            head.append(scalars[index])
            index += 1
        }
        value = String(head).trimmingCharacters(in: .whitespaces).lowercased()
        var sections: [String: [Section]] = [:]
        var order: [String] = []
        while index < scalars.count {
            index += 1
            var name = String.UnicodeScalarView()
            while index < scalars.count, scalars[index] != "=", scalars[index] != ";" {
                name.append(scalars[index])
                index += 1
            }
            guard index < scalars.count, scalars[index] == "=" else { continue }
            index += 1
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
            var raw = String.UnicodeScalarView()
            let quoted = index < scalars.count && scalars[index] == "\""
            if quoted {
                index += 1
                while index < scalars.count, scalars[index] != "\"" {
                    if scalars[index] == "\\", index + 1 < scalars.count { index += 1 }
                    raw.append(scalars[index])
                    index += 1
                }
                while index < scalars.count, scalars[index] != ";" { index += 1 }
            } else {
                while index < scalars.count, scalars[index] != ";" {
                    raw.append(scalars[index])
                    index += 1
                }
            }
            let key = String(name).trimmingCharacters(in: .whitespaces).lowercased()
            let text = quoted ? String(raw) : String(raw).trimmingCharacters(in: .whitespaces)
            guard let (base, section) = Self.section(key, text) else {
                continue
            }
            if sections[base] == nil { order.append(base) }
            sections[base, default: []].append(section)
        }
        var parameters: [String: String] = [:]
        for name in order {
            parameters[name] = Self.joined(sections[name] ?? [])
        }
        self.parameters = parameters
    }

    /// The base name and section of a parameter name such as `filename*1*`.
    private static func section(_ key: String, _ text: String) -> (String, Section)? {
        guard !key.isEmpty else { return nil }
        guard let star = key.firstIndex(of: "*") else { return (key, Section(index: 0, extended: false, text: text)) }
        let base = String(key[..<star])
        var rest = key[key.index(after: star)...]
        let extended = rest.hasSuffix("*") || rest.isEmpty
        if rest.hasSuffix("*") { rest = rest.dropLast() }
        let index = rest.isEmpty ? 0 : Int(rest) ?? -1
        guard !base.isEmpty, index >= 0, index < 1000 else { return nil }
        return (base, Section(index: index, extended: extended, text: text))
    }

    /// Sections of one parameter in order, decoded: percent escapes in the charset of the first
    /// extended section; encoded words in plain values.
    private static func joined(_ sections: [Section]) -> String {
        var seen: Set<Int> = []
        let ordered = sections.filter { seen.insert($0.index).inserted }.sorted { $0.index < $1.index }
        guard ordered.contains(where: \.extended) else {
            return EncodedWords.decode(ordered.map(\.text).joined())
        }
        var charset: String?
        var bytes: [UInt8] = []
        for (position, section) in ordered.enumerated() {
            guard section.extended else {
                bytes += Array(section.text.utf8)
                continue
            }
            var text = Substring(section.text)
            if position == 0 {
                let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                if parts.count == 3 {
                    charset = String(parts[0])
                    text = parts[2]
                }
            }
            bytes += percentDecoded(text)
        }
        return Charset.decode(bytes, charset: charset)
    }

    /// `%XX` escapes replaced by their byte; other characters as their UTF-8.
    private static func percentDecoded(_ text: Substring) -> [UInt8] {
        let utf8 = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
                let high = TransferEncoding.hexValue(utf8[index + 1]),
                let low = TransferEncoding.hexValue(utf8[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(utf8[index])
                index += 1
            }
        }
        return out
    }

    /// `text` without RFC 5322 comments (nested parentheses outside quoted strings).
    static func withoutComments(_ text: String) -> String {
        guard text.contains("(") else { return text }
        var out = String.UnicodeScalarView()
        var depth = 0
        var quoted = false
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                escaped = false
                if depth == 0 { out.append(scalar) }
                continue
            }
            switch scalar {
            case "\\" where quoted || depth > 0:
                escaped = true
                if depth == 0 { out.append(scalar) }
            case "\"" where depth == 0:
                quoted.toggle()
                out.append(scalar)
            case "(" where !quoted:
                depth += 1
            case ")" where !quoted && depth > 0:
                depth -= 1
            default:
                if depth == 0 { out.append(scalar) }
            }
        }
        return String(out)
    }
}
