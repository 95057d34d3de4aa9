import Foundation

/// A MIME media type with its parameters, as read from a `Content-Type` field (RFC 2045 §5).
public struct ContentType: Sendable, Hashable, CustomStringConvertible {
    /// The top-level type in lower case (`text`, `multipart`, …).
    public var type: String
    /// The subtype in lower case (`plain`, `alternative`, …).
    public var subtype: String
    /// Parameters by lower-case name (`charset`, `boundary`, `report-type`, …), values decoded
    /// (quoted strings unquoted; RFC 2231 continuations joined and read in their charset).
    public var parameters: [String: String]

    /// A media type; `type` and `subtype` are lowered.
    public init(type: String, subtype: String, parameters: [String: String] = [:]) {
        self.type = type.lowercased()
        self.subtype = subtype.lowercased()
        self.parameters = parameters
    }

    /// `text/plain`, the RFC 2045 default when a part has no usable `Content-Type`.
    public static let textPlain = ContentType(type: "text", subtype: "plain")

    /// `type/subtype`.
    public var mimeType: String { "\(type)/\(subtype)" }

    /// Whether this is a `multipart/*` type.
    public var isMultipart: Bool { type == "multipart" }

    /// The value of the parameter `name` (any case).
    public func parameter(_ name: String) -> String? { parameters[name.lowercased()] }

    /// `type/subtype` followed by the parameters sorted by name.
    public var description: String {
        parameters.keys.sorted().reduce(mimeType) { text, name in
            "\(text); \(name)=\"\(parameters[name] ?? "")\""
        }
    }

    /// The media type of a `Content-Type` value, or nil when it is not `type/subtype` (RFC 2045 then
    /// says to take `text/plain`).
    init?(field rawValue: String) {
        let read = HeaderParameters(rawValue)
        let halves = read.value.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let type = halves[0].trimmingCharacters(in: .whitespaces)
        let subtype = halves[1].trimmingCharacters(in: .whitespaces)
        guard !type.isEmpty, !subtype.isEmpty, !type.contains(" "), !subtype.contains(" ") else { return nil }
        self.init(type: type, subtype: subtype, parameters: read.parameters)
    }
}
