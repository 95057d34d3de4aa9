import Foundation
import JWTKit

/// An ID token's claims, as any JSON the provider put in it; checked by ``OIDCIDToken/verify``.
public struct OIDCClaims: JWTPayload, Sendable, Hashable {
    /// Every claim by name.
    public var values: [String: OIDCClaimValue]

    public init(_ values: [String: OIDCClaimValue]) { self.values = values }

    public init(from decoder: any Decoder) throws {
        values = try [String: OIDCClaimValue](from: decoder)
    }

    public func encode(to encoder: any Encoder) throws { try values.encode(to: encoder) }

    /// Nothing here: the claims are checked by ``OIDCIDToken/check(_:issuer:clientID:nonce:at:)``
    /// with the sign-in's clock, after the signature.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}

    public subscript(_ name: String) -> OIDCClaimValue? { values[name] }

    /// A claim as text: a string, or a number written out; nil otherwise.
    public func text(_ name: String) -> String? {
        switch values[name] {
        case .string(let text): text
        case .number(let number):
            number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        default: nil
        }
    }

    /// A claim as a list of texts: a list's strings, or a single string as a list of one.
    public func texts(_ name: String) -> [String] {
        switch values[name] {
        case .string(let text): [text]
        case .array(let list):
            list.compactMap {
                if case .string(let text) = $0 { text } else { nil }
            }
        default: []
        }
    }

    /// A claim as seconds since 1970 (`exp`, `iat`); nil when absent or not a number.
    public func seconds(_ name: String) -> Double? {
        if case .number(let value) = values[name] { value } else { nil }
    }
}

/// One JSON value of a claim.
public indirect enum OIDCClaimValue: Codable, Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([OIDCClaimValue])
    case object([String: OIDCClaimValue])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([OIDCClaimValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: OIDCClaimValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}

/// Checking an ID token (OpenID Connect Core §3.1.3.7): its signature with the provider's
/// published key, then its claims.
public enum OIDCIDToken {
    /// The signature algorithms accepted: RSA (PKCS #1 v1.5 and PSS) and ECDSA. `none` and the
    /// HMAC ones are refused (an HMAC key would be the client secret, which this client never
    /// uses for tokens).
    public static let algorithms: Set<String> = [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
    ]

    /// How far clocks may disagree, for `exp` and `iat`.
    public static let leeway: TimeInterval = 60
    /// How old an ID token may be when it arrives (its `iat`).
    public static let maximumAge: TimeInterval = 600

    /// The verified claims of `token`: signature with the key `provider` publishes, then
    /// ``check(_:issuer:clientID:nonce:at:)``.
    public static func verify(
        _ token: String, provider: OIDCProvider, clientID: String, nonce: String, at now: Date
    ) async throws(OIDCError) -> OIDCClaims {
        let header = try header(of: token)
        guard let algorithm = header["alg"] as? String, algorithms.contains(algorithm) else {
            let named = (header["alg"] as? String).map { "\"\($0)\"" } ?? "no algorithm"
            throw OIDCError(.unsupportedAlgorithm, "the ID token is signed with \(named), which is not accepted")
        }
        let key = try await provider.key(kid: header["kid"] as? String, algorithm: algorithm)
        let claims: OIDCClaims
        do {
            let collection = JWTKeyCollection()
            try await collection.add(jwk: key.jwk)
            claims = try await collection.verify(token, as: OIDCClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw OIDCError(.badSignature, "the ID token's signature does not verify with the provider's key")
        } catch {
            throw OIDCError(.badSignature, "the ID token could not be verified with the provider's key")
        }
        try check(claims, issuer: provider.issuer, clientID: clientID, nonce: nonce, at: now)
        return claims
    }

    /// Checks the claims of a token whose signature is good: `iss` is the issuer, `aud` holds
    /// the client id (and `azp` is the client when there are several audiences), `exp` is
    /// after `now` and `iat` not after it (both with ``leeway``), the token is at most
    /// ``maximumAge`` old, `nonce` is this sign-in's, and `sub` is there.
    public static func check(
        _ claims: OIDCClaims, issuer: String, clientID: String, nonce: String, at now: Date
    ) throws(OIDCError) {
        guard let iss = claims.text("iss"), iss == issuer || iss == issuer + "/" else {
            throw OIDCError(
                .wrongIssuer,
                "the ID token was issued by \(claims.text("iss").map { "\"\($0)\"" } ?? "nobody"), "
                    + "not by the configured issuer \(issuer)")
        }
        let audiences = claims.texts("aud")
        guard audiences.contains(clientID) else {
            throw OIDCError(
                .wrongAudience,
                "the ID token is for another audience (\(audiences.joined(separator: ", "))), "
                    + "not for the client \(clientID)")
        }
        if audiences.count > 1 || claims["azp"] != nil, claims.text("azp") != clientID {
            throw OIDCError(
                .wrongAudience, "the ID token was given to another client (azp), not to \(clientID)")
        }
        guard let expires = claims.seconds("exp") else {
            throw OIDCError(.missingClaim, "the ID token has no expiry (exp)")
        }
        let time = now.timeIntervalSince1970
        guard time < expires + leeway else {
            throw OIDCError(
                .expired, "the ID token expired at \(Date(timeIntervalSince1970: expires).formatted(.iso8601))")
        }
        guard let issued = claims.seconds("iat") else {
            throw OIDCError(.missingClaim, "the ID token has no issue time (iat)")
        }
        guard issued <= time + leeway else {
            throw OIDCError(.badIssueTime, "the ID token was issued in the future: is the provider's clock right?")
        }
        guard issued >= time - maximumAge - leeway else {
            throw OIDCError(.badIssueTime, "the ID token was issued more than \(Int(maximumAge / 60)) minutes ago")
        }
        guard claims.text("nonce") == nonce else {
            throw OIDCError(.wrongNonce, "the ID token does not carry this sign-in's nonce (a replayed token?)")
        }
        guard let subject = claims.text("sub"), !subject.isEmpty else {
            throw OIDCError(.missingClaim, "the ID token names no subject (sub)")
        }
    }

    /// The token's JOSE header.
    static func header(of token: String) throws(OIDCError) -> [String: Any] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = base64URLDecoded(parts[0]),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw OIDCError(.malformedToken, "the provider's ID token is not a signed JWT")
        }
        return object
    }

    static func base64URLDecoded(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
