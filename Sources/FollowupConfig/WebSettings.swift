import FollowupCore
import Foundation

/// The web application (`web`, §6.9): where it listens, the address people reach it at, how
/// long a sign-in lasts, and how people sign in (local accounts, OpenID Connect).
public struct WebSettings: Sendable, Hashable {
    /// The TCP address to bind (`127.0.0.1:8080`; behind the company's TLS reverse proxy in production).
    public var listen: MetricsSettings
    /// The address people reach the desk at (`https://followup.example.com`), without a final
    /// slash: the base of links in mail and Teams cards; nil: `http://` + ``listen``.
    public var publicURL: String?
    /// How long a session lasts from sign-in.
    public var sessionTTL: Duration
    /// Whether accounts kept in the database (`followupctl user add`) may sign in.
    public var localAccounts: Bool
    /// The company's identity provider; nil: local accounts only.
    public var oidc: OIDCSettings?
    /// How long a one-click acknowledgement link stays valid.
    public var ackLinksTTL: Duration

    public init(
        listen: MetricsSettings, publicURL: String? = nil, sessionTTL: Duration = .seconds(12 * 3600),
        localAccounts: Bool = true, oidc: OIDCSettings? = nil, ackLinksTTL: Duration = .seconds(7 * 86_400)
    ) {
        self.listen = listen
        self.publicURL = publicURL
        self.sessionTTL = sessionTTL
        self.localAccounts = localAccounts
        self.oidc = oidc
        self.ackLinksTTL = ackLinksTTL
    }

    /// The base of the links the daemon writes: ``publicURL``, else the listener's own address.
    public var baseURL: String { publicURL ?? "http://\(listen)" }

    /// Whether cookies must be `Secure`: the public address is https.
    public var isSecure: Bool { baseURL.lowercased().hasPrefix("https://") }
}

/// Signing in through the company's identity provider (`web.oidc`): authorization code flow
/// with PKCE, the ID token checked against the provider's published keys.
public struct OIDCSettings: Sendable, Hashable, CustomStringConvertible {
    /// The issuer (`iss`), whose `/.well-known/openid-configuration` describes the provider.
    public var issuer: String
    /// This application's client id at the provider (the ID token's audience).
    public var clientID: String
    /// The client secret (from `client_secret_file`); nil for a public client (PKCE only).
    public var clientSecret: String?
    /// The ID token claim that names the person: matched to a person's login or e-mail.
    public var loginClaim: String
    /// The claim listing the person's groups; nil: roles come from `owners`/`leaders`.
    public var rolesClaim: String?
    /// The provider's groups that give each role (`technician`, `leader`, `admin`, `reader`).
    public var roles: [String: [String]]

    public init(
        issuer: String, clientID: String, clientSecret: String? = nil, loginClaim: String = "preferred_username",
        rolesClaim: String? = nil, roles: [String: [String]] = [:]
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.loginClaim = loginClaim
        self.rolesClaim = rolesClaim
        self.roles = roles
    }

    /// The settings without the client secret (for logs and error messages).
    public var description: String {
        "OIDCSettings(issuer: \(issuer), clientID: \(clientID), clientSecret: \(clientSecret == nil ? "none" : "(hidden)"))"
    }

    /// The role names `roles` may use.
    public static let roleNames = ["reader", "technician", "leader", "admin"]
}

extension ConfigurationReader {
    /// `web`: `listen` (required), `public_url`, `session_ttl`, `local_accounts`, `oidc`, `ack_links_ttl`.
    func web(_ node: ConfigurationNode) throws(ConfigurationError) -> WebSettings {
        let map = try node.mapping(known: [
            "listen", "public_url", "session_ttl", "local_accounts", "oidc", "ack_links_ttl",
        ])
        let listen = try address(try map.required("listen"), example: "127.0.0.1:8080", loopbackOnly: false)
        var web = WebSettings(listen: listen)
        if let node = map["public_url"] {
            var url = try node.nonEmptyText(expected: "the desk's address, like https://followup.example.com")
            while url.hasSuffix("/") { url.removeLast() }
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                scheme == "https" || scheme == "http", components.host?.isEmpty == false, components.query == nil
            else {
                throw node.error("\"\(url)\" is not an http or https address, like https://followup.example.com")
            }
            web.publicURL = url
        }
        if let node = map["session_ttl"] { web.sessionTTL = try node.positiveWallDuration() }
        if let node = map["ack_links_ttl"] { web.ackLinksTTL = try node.positiveWallDuration() }
        if let node = map["local_accounts"] { web.localAccounts = try node.bool() }
        if let node = map["oidc"] { web.oidc = try oidc(node) }
        return web
    }

    /// `web.oidc`: the provider, this client, and how people and roles are found.
    func oidc(_ node: ConfigurationNode) throws(ConfigurationError) -> OIDCSettings {
        let map = try node.mapping(known: [
            "issuer", "client_id", "client_secret_file", "login_claim", "roles_claim", "roles",
        ])
        let issuerNode = try map.required("issuer")
        var issuer = try issuerNode.nonEmptyText(expected: "the provider's issuer address")
        while issuer.hasSuffix("/") { issuer.removeLast() }
        guard let components = URLComponents(string: issuer), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", components.host?.isEmpty == false
        else {
            throw issuerNode.error("\"\(issuer)\" is not an issuer address, like https://login.example.com/realms/desk")
        }
        var settings = OIDCSettings(
            issuer: issuer, clientID: try map.required("client_id").nonEmptyText(expected: "the client id"))
        if let node = map["client_secret_file"] {
            let path = files.resolveSecret(try node.nonEmptyText())
            let secret = try readSecretFile(path, at: node)
            guard !secret.isEmpty else { throw node.error("\(path) is empty: put the client secret in it") }
            settings.clientSecret = secret
        }
        if let node = map["login_claim"] { settings.loginClaim = try node.nonEmptyText() }
        if let node = map["roles_claim"] { settings.rolesClaim = try node.nonEmptyText() }
        if let node = map["roles"] {
            let roles = try node.mapping(known: OIDCSettings.roleNames)
            for name in OIDCSettings.roleNames {
                if let list = roles[name] { settings.roles[name] = try list.textList() }
            }
        }
        return settings
    }
}
