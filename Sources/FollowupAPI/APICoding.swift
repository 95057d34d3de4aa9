import FollowupCore
import Foundation

/// The JSON conventions of the control API: RFC 3339 times in UTC, sorted keys, `null` for
/// absent optional values in responses.
public enum APICoding {
    /// The encoder for responses and request bodies.
    public static func encoder(pretty: Bool = false) -> JSONEncoder { JSONCoding.encoder(pretty: pretty) }

    /// The decoder for request bodies and responses; times must be RFC 3339 with a zone.
    public static func decoder() -> JSONDecoder { JSONCoding.decoder() }
}

/// The body of every error answer: `{"error":{"code":"…","message":"…"}}` (§6.3).
public struct ErrorBody: Codable, Sendable, Hashable {
    public struct Detail: Codable, Sendable, Hashable {
        public var code: String
        public var message: String
        /// The request field at fault, for invalid input.
        public var field: String?
    }

    public var error: Detail

    public init(code: String, message: String, field: String? = nil) {
        error = Detail(code: code, message: message, field: field)
    }
}
