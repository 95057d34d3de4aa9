import Crypto
import Foundation

/// Signs webhook requests per the Standard Webhooks specification (§6.6).
///
/// The signed content is `<webhook-id>.<webhook-timestamp>.<body>` (the body's exact bytes),
/// the signature `base64(HMAC-SHA256(key, content))`, sent as `webhook-signature: v1,<sig>`
/// with `webhook-id` and `webhook-timestamp` (whole seconds since the epoch). The key is the
/// base64-decoded part of the secret after `whsec_`.
///
/// Its description never shows the key.
public struct WebhookSigner: Sendable, CustomStringConvertible {
    private let key: SymmetricKey

    /// The prefix of Standard Webhooks secrets.
    public static let secretPrefix = "whsec_"

    /// A signer for `secret`: `whsec_<base64>`, or the base64 alone; surrounding white space and
    /// missing `=` padding are accepted.
    ///
    /// - Throws: ``DeliveryError/Code/invalidSecret`` when the text is not base64 or decodes to
    ///   no bytes; the error's message never contains the secret.
    public init(secret: String) throws {
        var text = Substring(secret.trimmingCharacters(in: .whitespacesAndNewlines))
        if text.hasPrefix(Self.secretPrefix) { text = text.dropFirst(Self.secretPrefix.count) }
        let padded = String(text) + String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        guard let bytes = Data(base64Encoded: padded) else {
            throw DeliveryError(
                .invalidSecret,
                "the webhook secret is not \(Self.secretPrefix) followed by base64 (the secret itself is not shown)")
        }
        guard !bytes.isEmpty else {
            throw DeliveryError(.invalidSecret, "the webhook secret is empty: give \(Self.secretPrefix)<base64>")
        }
        key = SymmetricKey(data: bytes)
    }

    /// The signature of one request: `v1,<base64>`.
    public func signature(id: String, timestamp: Int64, body: Data) -> String {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three Standard Webhooks headers for a request sent at `date` (its whole seconds).
    public func headers(id: String, at date: Date, body: Data) -> [(name: String, value: String)] {
        let seconds = Self.timestamp(date)
        return [
            ("webhook-id", id),
            ("webhook-timestamp", String(seconds)),
            ("webhook-signature", signature(id: id, timestamp: seconds, body: body)),
        ]
    }

    /// `date` as the whole seconds of `webhook-timestamp` (rounded down).
    public static func timestamp(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// Says only that this is a signer: the key stays hidden.
    public var description: String { "WebhookSigner(<key hidden>)" }
}
