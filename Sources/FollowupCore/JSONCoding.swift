import Foundation

/// The JSON the daemon writes for people and other programs (the control API, notifications,
/// webhook bodies, stored reports): sorted keys, unescaped slashes, RFC 3339 times.
///
/// One definition, so every document reads the same. Storage's own documents use
/// `DocumentCoding` (seconds since 1970, faster and exact).
public enum JSONCoding {
    /// The encoder; `pretty` adds indentation (for people, never for stored bytes).
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

    /// The decoder; times must be RFC 3339 with a zone.
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
