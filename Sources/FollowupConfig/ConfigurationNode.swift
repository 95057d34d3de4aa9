import FollowupCore
import Foundation
import Yams

/// A YAML node and the dotted key path that leads to it (`policy.resend_after`,
/// `leaders[1].webhooks[0]`), read with typed accessors whose errors name that path.
///
/// Scalars are read from their text as written, not from Yams' resolved type, so `0660` stays
/// octal, `2026-12-24` stays a date string, and `No` is a name rather than `false`.
struct ConfigurationNode {
    /// The node as Yams composed it (aliases already replaced by what they point to).
    let node: Node
    /// Where the node sits in the file, for error messages.
    let path: String

    /// Whether the node is YAML's null: an empty value, `~` or `null`, unquoted.
    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// What the node is, for "expected …, found …" messages.
    var found: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar): return isNull ? "nothing" : "\"\(scalar.string)\""
        }
    }

    /// An error about this node.
    func error(_ message: String) -> ConfigurationError {
        ConfigurationError(key: path.isEmpty ? ConfigurationError.file : path, message: message)
    }

    /// The "expected `type`, found …" error.
    func typeError(_ expected: String) -> ConfigurationError {
        error("expected \(expected), found \(found)")
    }

    // MARK: Containers

    /// The node as a mapping whose keys must all be in `known` (any key when `known` is nil).
    ///
    /// - Throws: when the node is not a mapping, a key is not a plain scalar, or a key is unknown
    ///   (the error names the full path of the unknown key and lists the known ones).
    func mapping(known: [String]?) throws(ConfigurationError) -> ConfigurationMapping {
        guard case .mapping(let mapping) = node else { throw typeError("a mapping") }
        var entries: [(key: String, value: ConfigurationNode)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw error("keys must be plain names, found \(ConfigurationNode(node: keyNode, path: path).found)")
            }
            let key = scalar.string
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            if let known, !known.contains(key) {
                var message = "unknown key; known keys here: \(known.sorted().joined(separator: ", "))"
                if let guess = Self.closest(to: key, among: known) { message += "; did you mean \(guess)?" }
                throw ConfigurationError(key: childPath, message: message)
            }
            entries.append((key, ConfigurationNode(node: valueNode, path: childPath)))
        }
        return ConfigurationMapping(path: path, entries: entries)
    }

    /// The node's items, each with its index in the path (`leaders[0]`).
    func sequence() throws(ConfigurationError) -> [ConfigurationNode] {
        guard case .sequence(let sequence) = node else { throw typeError("a list") }
        return sequence.enumerated().map { ConfigurationNode(node: $1, path: "\(path)[\($0)]") }
    }

    // MARK: Scalars

    /// The scalar's text as written.
    func text(expected: String = "a text value") throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node, !isNull else { throw typeError(expected) }
        return scalar.string
    }

    /// The scalar's text, trimmed; refused when empty.
    func nonEmptyText(expected: String = "a text value") throws(ConfigurationError) -> String {
        let value = try text(expected: expected).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw error("must not be empty") }
        return value
    }

    /// A whole number written in decimal.
    func int() throws(ConfigurationError) -> Int {
        let value = try text(expected: "a whole number").trimmingCharacters(in: .whitespaces)
        guard let number = Int(value) else { throw typeError("a whole number") }
        return number
    }

    /// `true` or `false`.
    func bool() throws(ConfigurationError) -> Bool {
        switch try text(expected: "true or false") {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw typeError("true or false")
        }
    }

    /// A duration of §6.2 (`24h`, `90m`, `3s`, `2d`, `0`).
    func duration() throws(ConfigurationError) -> WorkDuration {
        let value = try text(expected: "a duration such as 24h")
        do {
            return try WorkDuration(parsing: value)
        } catch {
            throw self.error(error.description)
        }
    }

    /// A wall-clock duration that must be greater than zero (`d` counts 24 h).
    func positiveWallDuration() throws(ConfigurationError) -> Duration {
        let value = try duration()
        guard !value.isZero else { throw error("must be greater than 0") }
        return .seconds(value.nominalSeconds)
    }

    /// One of `cases`, by raw value.
    func oneOf<Value: RawRepresentable>(_ cases: [Value]) throws(ConfigurationError) -> Value
    where Value.RawValue == String {
        let names = cases.map(\.rawValue)
        let value = try text(expected: "one of \(names.joined(separator: ", "))")
        guard let match = cases.first(where: { $0.rawValue == value }) else {
            throw error("\"\(value)\" is not one of: \(names.joined(separator: ", "))")
        }
        return match
    }

    /// A list of non-empty texts.
    func textList() throws(ConfigurationError) -> [String] {
        guard case .sequence = node else { throw typeError("a list of text values") }
        var values: [String] = []
        for item in try sequence() { values.append(try item.nonEmptyText()) }
        return values
    }

    // MARK: Suggestions

    /// The known key nearest to a misspelt one (at most two edits away), if any.
    static func closest(to key: String, among known: [String]) -> String? {
        let candidates = known.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= 2 }
        return candidates.min { $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs)
        let b = Array(rhs)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// A mapping's entries, with their paths, in file order.
struct ConfigurationMapping {
    /// The mapping's own path.
    let path: String
    /// Key and value of each entry.
    let entries: [(key: String, value: ConfigurationNode)]

    /// The value of `key`, or `nil` when the key is absent or its value is null.
    subscript(key: String) -> ConfigurationNode? {
        guard let entry = entries.first(where: { $0.key == key }), !entry.value.isNull else { return nil }
        return entry.value
    }

    /// The path a key of this mapping has (also for absent keys, to report them missing).
    func path(of key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The value of a key that must be present.
    func required(_ key: String) throws(ConfigurationError) -> ConfigurationNode {
        guard let value = self[key] else { throw ConfigurationError(key: path(of: key), message: "required") }
        return value
    }
}
