import Crypto
import Foundation

/// One-click acknowledgement links (§6.9): `public_url/a/<token>`, the token naming a
/// notification (any one of its acknowledgement group), the person it was sent to, and when
/// it expires, signed with HMAC-SHA256 under a key kept in the database.
///
/// The token is `base64url(payload) "." base64url(mac)`, the payload `v1\n<notification>\n
/// <person>\n<expiry, Unix seconds>`. Opening the link only shows the page; acknowledging
/// takes the page's POST, so a mail scanner's GET changes nothing.
public struct AckLinks: Sendable {
    /// The signing key (32 random bytes, made once and kept in the database).
    let key: SymmetricKey
    /// The desk's address without a final slash (`web.public_url`).
    public let baseURL: String
    /// How long a link stays valid (`web.ack_links_ttl`).
    public let lifetime: Duration

    public init(key: Data, baseURL: String, lifetime: Duration) {
        self.key = SymmetricKey(data: key)
        self.baseURL = baseURL
        self.lifetime = lifetime
    }

    /// What a valid token names.
    public struct Claim: Sendable, Hashable {
        /// A notification of the acknowledgement group.
        public var notification: String
        /// The person it was sent to: who acknowledges by the link.
        public var person: String
        /// When the link stops working.
        public var expires: Date
    }

    /// Why a token is refused.
    public enum Refusal: Error, Sendable, Hashable {
        /// Not a token of ours, or altered: the signature does not match.
        case forged
        /// Signed by us, but past its expiry.
        case expired(Date)
    }

    /// The link for `person` to acknowledge `notification`, valid from `now` for ``lifetime``.
    public func url(notification: String, person: String, now: Date) -> String {
        baseURL + "/a/" + token(notification: notification, person: person, now: now)
    }

    /// The signed token of ``url(notification:person:now:)``.
    public func token(notification: String, person: String, now: Date) -> String {
        let seconds = Int64(now.timeIntervalSince1970) + lifetime.components.seconds
        let payload = Data("v1\n\(notification)\n\(person)\n\(seconds)".utf8)
        let mac = Data(HMAC<SHA256>.authenticationCode(for: payload, using: key))
        return Self.base64URL(payload) + "." + Self.base64URL(mac)
    }

    /// What `token` names when it is ours, unaltered and not expired at `now`.
    public func verify(_ token: String, now: Date) -> Result<Claim, Refusal> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count <= 2_048, let payload = Self.data(base64URL: parts[0]),
            let mac = Self.data(base64URL: parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key)
        else { return .failure(.forged) }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0] == "v1", let seconds = Int64(fields[3]) else { return .failure(.forged) }
        let expires = Date(timeIntervalSince1970: TimeInterval(seconds))
        guard now < expires else { return .failure(.expired(expires)) }
        return .success(Claim(notification: String(fields[1]), person: String(fields[2]), expires: expires))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: Substring) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return nil
        }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
