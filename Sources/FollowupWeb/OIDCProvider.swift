import AsyncHTTPClient
import Foundation
import JWTKit
import NIOCore
import NIOHTTP1

/// The identity provider as its discovery document describes it (`<issuer>/.well-known/
/// openid-configuration`), with its published keys (the JWKS).
///
/// Both are fetched on first use and kept. The keys are fetched again when an ID token names
/// a key id that is not among them (the provider rotated its keys), at most once per
/// ``minimumRefresh`` so that tokens naming made-up keys cannot make the daemon hammer the
/// provider; the discovery document is fetched again with them.
public actor OIDCProvider {
    /// The endpoints and capabilities this client uses.
    public struct Metadata: Sendable, Hashable {
        public var issuer: String
        public var authorizationEndpoint: URL
        public var tokenEndpoint: URL
        public var jwksURI: URL
        public var userinfoEndpoint: URL?
        /// `token_endpoint_auth_methods_supported` (default `client_secret_basic`).
        public var tokenEndpointAuthMethods: [String]
        /// `code_challenge_methods_supported`; empty when the provider does not say.
        public var codeChallengeMethods: [String]
    }

    /// One published signing key.
    struct Key: Sendable {
        var jwk: JWK
        var kid: String?
        /// `RSA` or `EC` (others are not used).
        var keyType: String
        /// The key's `alg`, when the provider names one.
        var algorithm: String?
    }

    /// The configured issuer, without a final slash.
    public nonisolated let issuer: String
    /// The shortest time between two fetches of the keys caused by unknown key ids.
    public nonisolated let minimumRefresh: Duration
    private let client: HTTPClient
    private let now: @Sendable () -> Date
    private var metadata: Metadata?
    private var keys: [Key] = []
    private var keysFetchedAt: Date?

    /// A provider read through `client`; `now` is the clock of the refresh limit.
    public init(
        issuer: String, client: HTTPClient = .shared, minimumRefresh: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        var issuer = issuer
        while issuer.hasSuffix("/") { issuer.removeLast() }
        self.issuer = issuer
        self.client = client
        self.minimumRefresh = minimumRefresh
        self.now = now
    }

    /// The discovery document, fetched on first use.
    public func discovery() async throws(OIDCError) -> Metadata {
        if let metadata { return metadata }
        let fetched = try await fetchDiscovery()
        metadata = fetched
        return fetched
    }

    /// The published key that signs a token with header `kid` and `alg`, fetching the keys
    /// again once when it is not among those kept. A token without `kid` is accepted only
    /// when exactly one published key fits its algorithm.
    func key(kid: String?, algorithm: String) async throws(OIDCError) -> Key {
        if keysFetchedAt == nil { try await refreshKeys() }
        if let key = match(kid: kid, algorithm: algorithm) { return key }
        let since = keysFetchedAt.map { now().timeIntervalSince($0) } ?? .infinity
        if since >= Double(minimumRefresh.components.seconds) {
            metadata = try await fetchDiscovery()
            try await refreshKeys()
            if let key = match(kid: kid, algorithm: algorithm) { return key }
        }
        throw OIDCError(
            .unknownKey,
            kid.map { "the ID token is signed with key \"\($0)\", which the provider does not publish" }
                ?? "the ID token names no key, and the provider publishes no single key for \(algorithm)")
    }

    private func match(kid: String?, algorithm: String) -> Key? {
        let keyType = algorithm.hasPrefix("ES") ? "EC" : "RSA"
        let fitting = keys.filter { $0.keyType == keyType && ($0.algorithm == nil || $0.algorithm == algorithm) }
        if let kid { return fitting.first { $0.kid == kid } }
        return fitting.count == 1 ? fitting[0] : nil
    }

    private func refreshKeys() async throws(OIDCError) {
        let uri = try await discovery().jwksURI
        let object = try await fetchJSON(uri, what: "the provider's keys")
        guard let list = object["keys"] as? [[String: Any]] else {
            throw OIDCError(.providerInvalid, "the provider's keys (\(uri.absoluteString)) are not a JWK set")
        }
        keys = list.compactMap { entry in
            guard let keyType = entry["kty"] as? String, keyType == "RSA" || keyType == "EC",
                (entry["use"] as? String ?? "sig") == "sig",
                let data = try? JSONSerialization.data(withJSONObject: entry),
                let jwk = try? JSONDecoder().decode(JWK.self, from: data)
            else { return nil }
            return Key(jwk: jwk, kid: entry["kid"] as? String, keyType: keyType, algorithm: entry["alg"] as? String)
        }
        keysFetchedAt = now()
    }

    private func fetchDiscovery() async throws(OIDCError) -> Metadata {
        guard let address = URL(string: issuer + "/.well-known/openid-configuration") else {
            throw OIDCError(.providerInvalid, "the issuer \(issuer) is not an address")
        }
        let object = try await fetchJSON(address, what: "the provider's discovery document")
        func endpoint(_ name: String) throws(OIDCError) -> URL {
            guard let text = object[name] as? String, let url = URL(string: text), url.scheme != nil else {
                throw OIDCError(.providerInvalid, "the provider's discovery document has no \(name)")
            }
            return url
        }
        // OpenID Connect Discovery §4.3: the document's issuer must be the one asked for.
        let published = (object["issuer"] as? String) ?? ""
        guard published == issuer || published == issuer + "/" else {
            throw OIDCError(
                .providerInvalid,
                "the provider's discovery document names the issuer \"\(published)\", not the configured \(issuer)")
        }
        return Metadata(
            issuer: published, authorizationEndpoint: try endpoint("authorization_endpoint"),
            tokenEndpoint: try endpoint("token_endpoint"), jwksURI: try endpoint("jwks_uri"),
            userinfoEndpoint: try? endpoint("userinfo_endpoint"),
            tokenEndpointAuthMethods: object["token_endpoint_auth_methods_supported"] as? [String]
                ?? ["client_secret_basic"],
            codeChallengeMethods: object["code_challenge_methods_supported"] as? [String] ?? [])
    }

    private func fetchJSON(_ url: URL, what: String) async throws(OIDCError) -> [String: Any] {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "Accept", value: "application/json")
        let body: ByteBuffer
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            guard response.status == .ok else {
                throw OIDCError(
                    .providerUnavailable, "\(what) (\(url.absoluteString)) answered HTTP \(response.status.code)")
            }
            body = try await response.body.collect(upTo: 1 << 20)
        } catch let error as OIDCError {
            throw error
        } catch {
            throw OIDCError(.providerUnavailable, "\(what) (\(url.absoluteString)) could not be read: \(error)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        else {
            throw OIDCError(.providerInvalid, "\(what) (\(url.absoluteString)) is not a JSON object")
        }
        return object
    }
}
