/// Why a sign-in through the identity provider failed.
///
/// The message says what is wrong in words an administrator can act on ("the ID token is for
/// another audience"), and never carries a token, a code, a secret or the provider's raw answer:
/// it may be logged and shown on the sign-in page.
public struct OIDCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; extensible, compared by value.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The provider's discovery document, keys or token endpoint could not be read.
        public static let providerUnavailable = Code(rawValue: "provider_unavailable")
        /// The provider answered something that is not OpenID Connect (bad JSON, wrong issuer).
        public static let providerInvalid = Code(rawValue: "provider_invalid")
        /// The provider refused the request (an OAuth `error` in the callback or token answer).
        public static let providerRefused = Code(rawValue: "provider_refused")
        /// The callback's `state` is unknown, used already, or expired.
        public static let unknownState = Code(rawValue: "unknown_state")
        /// The ID token is not a well-formed signed JWT.
        public static let malformedToken = Code(rawValue: "malformed_token")
        /// The ID token's algorithm is not one this client accepts (`none`, HMAC…).
        public static let unsupportedAlgorithm = Code(rawValue: "unsupported_algorithm")
        /// The ID token names a key the provider does not publish.
        public static let unknownKey = Code(rawValue: "unknown_key")
        /// The ID token's signature does not verify with the provider's key.
        public static let badSignature = Code(rawValue: "bad_signature")
        /// The ID token's `iss` is not the configured issuer.
        public static let wrongIssuer = Code(rawValue: "wrong_issuer")
        /// The ID token's `aud` (or `azp`) is not this client.
        public static let wrongAudience = Code(rawValue: "wrong_audience")
        /// The ID token has expired.
        public static let expired = Code(rawValue: "expired")
        /// The ID token's `iat` is in the future or far in the past.
        public static let badIssueTime = Code(rawValue: "bad_issue_time")
        /// The ID token's `nonce` is not the one this sign-in sent.
        public static let wrongNonce = Code(rawValue: "wrong_nonce")
        /// The ID token lacks a claim this client needs (`sub`, the login claim).
        public static let missingClaim = Code(rawValue: "missing_claim")
        /// The person is neither one of the desk's people nor in a group that has a role.
        public static let noRole = Code(rawValue: "no_role")
    }

    /// The kind of failure.
    public var code: Code
    /// A sentence an administrator can act on; never a token or a secret.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
