import AsyncHTTPClient
import Crypto
import FollowupConfig
import FollowupStorage
import Foundation
import NIOCore
import NIOHTTP1

/// Signing in through the company's identity provider (§6.9): the authorization code flow with
/// PKCE (S256), `state` and `nonce` kept in the database for ten minutes, the code exchanged at
/// the token endpoint, the ID token checked (``OIDCIDToken``) and its person found
/// (``OIDCPerson``).
///
/// Two calls, one per leg of the browser's trip: ``start(returnTo:)`` gives the address to
/// send the browser to; ``finish(callback:)`` takes what the provider sent it back with.
/// Failures of the sign-in are ``OIDCError``s, whose messages never hold a token or a secret;
/// storage failures come through as they are.
public struct OIDCSignIn: Sendable {
    /// How long a started sign-in waits for the provider's answer.
    public static let pendingLifetime: TimeInterval = 600
    /// The scopes asked for.
    public static let scopes = "openid profile email"

    public let settings: OIDCSettings
    /// This client's callback (`<public_url>/sign-in/oidc/callback`), registered at the provider.
    public let redirectURI: String
    /// The provider's discovery document and keys, kept between sign-ins.
    public let provider: OIDCProvider
    let store: any AccountStore
    let configuration: Configuration
    let client: HTTPClient
    let now: @Sendable () -> Date

    /// A sign-in for `settings` (the configuration's `web.oidc`), whose people and roles come
    /// from `configuration`; `provider` may be kept across reloads when the issuer is the same.
    public init(
        settings: OIDCSettings, redirectURI: String, store: any AccountStore, configuration: Configuration,
        provider: OIDCProvider? = nil, client: HTTPClient = .shared, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.settings = settings
        self.redirectURI = redirectURI
        self.store = store
        self.configuration = configuration
        self.client = client
        self.now = now
        self.provider = provider ?? OIDCProvider(issuer: settings.issuer, client: client, now: now)
    }

    /// Where to send the browser to sign in, and the `state` that its answer will carry (the
    /// web listener binds it to the browser with a cookie, so that nobody can have another
    /// person's browser finish a sign-in they started).
    public struct Authorization: Sendable, Hashable {
        public var url: URL
        public var state: String
    }

    /// Starts a sign-in: remembers a new `state`, `nonce` and PKCE verifier, and returns the
    /// provider's authorization address to redirect the browser to. `returnTo` is kept when it
    /// is a path of this site, else the start page.
    public func start(returnTo: String) async throws -> Authorization {
        let metadata = try await provider.discovery()
        let pending = PendingSignIn(
            state: Self.randomToken(), nonce: Self.randomToken(), verifier: Self.randomToken(),
            returnTo: Self.localPath(returnTo), expiresAt: now().addingTimeInterval(Self.pendingLifetime))
        try await store.addPendingSignIn(pending)
        guard var components = URLComponents(url: metadata.authorizationEndpoint, resolvingAgainstBaseURL: false)
        else { throw OIDCError(.providerInvalid, "the provider's authorization endpoint is not an address") }
        components.queryItems =
            (components.queryItems ?? []) + [
                URLQueryItem(name: "response_type", value: "code"),
                URLQueryItem(name: "client_id", value: settings.clientID),
                URLQueryItem(name: "redirect_uri", value: redirectURI),
                URLQueryItem(name: "scope", value: Self.scopes),
                URLQueryItem(name: "state", value: pending.state),
                URLQueryItem(name: "nonce", value: pending.nonce),
                URLQueryItem(name: "code_challenge", value: Self.challenge(of: pending.verifier)),
                URLQueryItem(name: "code_challenge_method", value: "S256"),
            ]
        // `+` in a query reads as a space to most servers: URLComponents leaves it alone.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.url else {
            throw OIDCError(.providerInvalid, "the provider's authorization endpoint is not an address")
        }
        return Authorization(url: url, state: pending.state)
    }

    /// Finishes a sign-in from the callback's query parameters: an `error` from the provider is
    /// refused (the pending sign-in is dropped), an `iss` must be the issuer (RFC 9207), and
    /// `code` and `state` go to ``finish(code:state:)``.
    public func finish(callback parameters: [String: String]) async throws -> SignedInPerson {
        if let error = parameters["error"] {
            if let state = parameters["state"] { _ = try await store.takePendingSignIn(state) }
            let code = Self.errorCode(error) ?? "no reason given"
            throw OIDCError(.providerRefused, "the provider refused the sign-in (\(code))")
        }
        if let issuer = parameters["iss"], issuer != provider.issuer, issuer != provider.issuer + "/" {
            throw OIDCError(.wrongIssuer, "the answer comes from another issuer, not from \(provider.issuer)")
        }
        guard let code = parameters["code"], let state = parameters["state"] else {
            throw OIDCError(.unknownState, "the provider's answer has no code or no state")
        }
        return try await finish(code: code, state: state)
    }

    /// Finishes a sign-in: takes the pending sign-in of `state` (once), exchanges `code` for
    /// tokens, verifies the ID token, and finds the person and role.
    public func finish(code: String, state: String) async throws -> SignedInPerson {
        guard let pending = try await store.takePendingSignIn(state) else {
            throw OIDCError(.unknownState, "this sign-in is unknown or was used already: start again")
        }
        guard pending.expiresAt > now() else {
            throw OIDCError(
                .unknownState, "this sign-in was started more than \(Int(Self.pendingLifetime / 60)) minutes ago")
        }
        let idToken = try await exchange(code: code, verifier: pending.verifier)
        let claims = try await OIDCIDToken.verify(
            idToken, provider: provider, clientID: settings.clientID, nonce: pending.nonce, at: now())
        var person = try OIDCPerson.identify(claims, settings: settings, configuration: configuration)
        person.returnTo = pending.returnTo
        return person
    }

    /// The ID token the token endpoint gives for `code`. A client with a secret authenticates
    /// with `client_secret_basic` when the discovery document offers it (or offers nothing),
    /// else `client_secret_post`; when a provider offering both refuses the first (401, the
    /// client is registered for the other), the second is tried once (the code is not spent
    /// by a failed client authentication). A client without a secret sends only its id (PKCE
    /// protects it).
    func exchange(code: String, verifier: String) async throws(OIDCError) -> String {
        let metadata = try await provider.discovery()
        let offered = metadata.tokenEndpointAuthMethods
        var methods = ["none"]
        if settings.clientSecret != nil {
            methods = ["client_secret_basic", "client_secret_post"].filter(offered.contains)
            if methods.isEmpty { methods = ["client_secret_basic"] }
        }
        for (index, method) in methods.enumerated() {
            let (status, object) = try await tokenRequest(
                metadata.tokenEndpoint, code: code, verifier: verifier, method: method)
            if status == .unauthorized, index + 1 < methods.count { continue }
            guard status == .ok else {
                // Only an OAuth error code (`invalid_grant`): a description may quote the request.
                let error = (object?["error"] as? String).flatMap(Self.errorCode).map { " (\($0))" } ?? ""
                throw OIDCError(
                    .providerRefused, "the provider's token endpoint refused the code: HTTP \(status.code)\(error)")
            }
            guard let idToken = object?["id_token"] as? String else {
                throw OIDCError(.providerInvalid, "the provider's token answer has no ID token")
            }
            return idToken
        }
        throw OIDCError(.providerInvalid, "the provider offers no way for this client to authenticate")
    }

    /// One authorization-code request to the token endpoint, authenticated by `method`: its
    /// status and JSON answer.
    private func tokenRequest(_ endpoint: URL, code: String, verifier: String, method: String)
        async throws(OIDCError) -> (HTTPResponseStatus, [String: Any]?)
    {
        var form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
            ("code_verifier", verifier),
        ]
        var request = HTTPClientRequest(url: endpoint.absoluteString)
        request.method = .POST
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        switch (method, settings.clientSecret) {
        case ("client_secret_basic", let secret?):
            // RFC 6749 §2.3.1: id and secret form-encoded before Base64.
            let pair = Self.formEncoded(settings.clientID) + ":" + Self.formEncoded(secret)
            request.headers.add(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())
        case ("client_secret_post", let secret?):
            form += [("client_id", settings.clientID), ("client_secret", secret)]
        default:
            form.append(("client_id", settings.clientID))
        }
        let body = form.map { Self.formEncoded($0.0) + "=" + Self.formEncoded($0.1) }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(15))
            let answer = try await response.body.collect(upTo: 1 << 20)
            let object = (try? JSONSerialization.jsonObject(with: Data(answer.readableBytesView))) as? [String: Any]
            return (response.status, object)
        } catch {
            throw OIDCError(.providerUnavailable, "the provider's token endpoint could not be reached: \(error)")
        }
    }

    /// An OAuth error code (RFC 6749 §5.2: `invalid_grant`, `access_denied`…), or nil for
    /// anything else, which is not repeated (it may quote a code or a verifier).
    static func errorCode(_ text: String) -> String? {
        guard !text.isEmpty, text.count <= 64, text.allSatisfy({ ("a"..."z").contains($0) || $0 == "_" }) else {
            return nil
        }
        return text
    }

    /// 32 random bytes, Base64url without padding (43 characters: a valid PKCE verifier too).
    static func randomToken() -> String {
        base64URL(Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }))
    }

    /// The S256 code challenge of a PKCE verifier (RFC 7636 §4.2).
    static func challenge(of verifier: String) -> String {
        base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// `application/x-www-form-urlencoded` of one name or value.
    static func formEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `path` when it is a path of this site (`/…`, not `//host` nor `/\host`), else `/`: the
    /// return address cannot send a signed-in person elsewhere.
    static func localPath(_ path: String) -> String {
        guard path.hasPrefix("/"), !path.hasPrefix("//"), !path.hasPrefix("/\\"),
            !path.contains(where: { $0.isNewline || $0 == "\0" })
        else { return "/" }
        return path
    }
}
