import Foundation

/// JSON as the daemon wrote it, kept verbatim: keys in their order, numbers as their text,
/// strings with their escapes. `--json` output re-indents it without changing a value.
indirect enum JSONText: Sendable, Hashable {
    case object([(key: String, value: JSONText)])
    case array([JSONText])
    /// A string, as its source text between the quotes (escapes kept).
    case string(raw: String)
    /// A number, `true`, `false` or `null`, as its source text.
    case literal(String)

    /// Why text is not JSON.
    struct Malformed: Error, Sendable, Hashable, CustomStringConvertible {
        var description: String
    }

    /// Parses a whole JSON document.
    init(parsing data: Data) throws(Malformed) {
        var reader = Reader(bytes: Array(data))
        reader.skipSpace()
        self = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.index == reader.bytes.count else {
            throw Malformed(description: "text after the JSON value at byte \(reader.index)")
        }
    }

    /// The member `key` of an object.
    subscript(key: String) -> JSONText? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The object with member `key` set to `value` (in its place, or added at the end).
    func setting(_ key: String, to value: JSONText) -> JSONText {
        guard case .object(var members) = self else { return self }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append((key, value))
        }
        return .object(members)
    }

    /// Two-space indented text, one member or element per line, ending without a newline.
    func pretty(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .object(let members):
            if members.isEmpty { return "{}" }
            let lines = members.map { "\(inner)\"\($0.key)\": \($0.value.pretty(indent: inner))" }
            return "{\n" + lines.joined(separator: ",\n") + "\n\(indent)}"
        case .array(let elements):
            if elements.isEmpty { return "[]" }
            let lines = elements.map { inner + $0.pretty(indent: inner) }
            return "[\n" + lines.joined(separator: ",\n") + "\n\(indent)]"
        case .string(let raw): return "\"\(raw)\""
        case .literal(let text): return text
        }
    }

    /// The value on one line, with no spaces between tokens (a JSON line).
    func compact() -> String {
        switch self {
        case .object(let members):
            return "{" + members.map { "\"\($0.key)\":\($0.value.compact())" }.joined(separator: ",") + "}"
        case .array(let elements): return "[" + elements.map { $0.compact() }.joined(separator: ",") + "]"
        case .string(let raw): return "\"\(raw)\""
        case .literal(let text): return text
        }
    }

    static func == (lhs: JSONText, rhs: JSONText) -> Bool { lhs.pretty() == rhs.pretty() }
    func hash(into hasher: inout Hasher) { hasher.combine(pretty()) }

    /// A recursive-descent reader over UTF-8 bytes.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func value(depth: Int) throws(Malformed) -> JSONText {
            guard depth < 512 else { throw Malformed(description: "JSON nested too deep") }
            guard index < bytes.count else { throw Malformed(description: "the JSON text ends early") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(raw: try string())
            default: return .literal(try literal())
            }
        }

        mutating func object(depth: Int) throws(Malformed) -> JSONText {
            index += 1
            var members: [(key: String, value: JSONText)] = []
            skipSpace()
            if peek(UInt8(ascii: "}")) { return .object(members) }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw unexpected("a key") }
                let key = try string()
                skipSpace()
                guard peek(UInt8(ascii: ":")) else { throw unexpected("\":\"") }
                skipSpace()
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                if peek(UInt8(ascii: ",")) { continue }
                if peek(UInt8(ascii: "}")) { return .object(members) }
                throw unexpected("\",\" or \"}\"")
            }
        }

        mutating func array(depth: Int) throws(Malformed) -> JSONText {
            index += 1
            var elements: [JSONText] = []
            skipSpace()
            if peek(UInt8(ascii: "]")) { return .array(elements) }
            while true {
                skipSpace()
                elements.append(try value(depth: depth + 1))
                skipSpace()
                if peek(UInt8(ascii: ",")) { continue }
                if peek(UInt8(ascii: "]")) { return .array(elements) }
                throw unexpected("\",\" or \"]\"")
            }
        }

        /// The raw text between the quotes; the index moves past the closing quote.
        mutating func string() throws(Malformed) -> String {
            index += 1
            let start = index
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""):
                    defer { index += 1 }
                    return String(decoding: bytes[start..<index], as: UTF8.self)
                case 0..<0x20: throw unexpected("a string character")
                default: index += 1
                }
            }
            throw Malformed(description: "a string is not closed")
        }

        mutating func literal() throws(Malformed) -> String {
            let start = index
            while index < bytes.count, "+-.0123456789eEtruefalsn".utf8.contains(bytes[index]) { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            guard text == "true" || text == "false" || text == "null" || Double(text) != nil else {
                index = start
                throw unexpected("a value")
            }
            return text
        }

        mutating func peek(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        func unexpected(_ wanted: String) -> Malformed {
            Malformed(description: "expected \(wanted) at byte \(index) of the JSON text")
        }
    }
}
