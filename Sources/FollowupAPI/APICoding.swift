import FollowupCore
import Foundation

/// The JSON conventions of the control API: RFC 3339 times in UTC, sorted keys, `null` for
/// absent optional values in responses.
public enum APICoding {
    /// The encoder for responses and request bodies.
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    /// The decoder for request bodies and responses; times must be RFC 3339 with a zone.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "\"\(text)\" is not an RFC 3339 time (like 2026-11-29T14:00:00-03:00)")
            }
            return date
        }
        return decoder
    }
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
