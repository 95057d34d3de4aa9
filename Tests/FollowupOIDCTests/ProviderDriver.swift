import AsyncHTTPClient
import FollowupConfig
import FollowupStorage
import FollowupTestSupport
import FollowupWeb
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Drives the test provider (`Tests/Support/oidc_provider.py`, pyop) as a browser would,
/// without one: registers a client, opens the authorization address, posts the login form, and
/// reads the callback address the provider redirects to.
struct ProviderDriver {
    /// Redirects are not followed: the provider's answer to the login is the callback address.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    let provider: OIDCTestProvider

    init() throws { provider = try OIDCTestProvider.require() }

    var issuer: String { provider.issuer }

    /// A new client at the provider (pyop's dynamic registration): its id and secret (nil for
    /// a public client, `none`).
    func register(redirectURI: String, authMethod: String = "client_secret_basic") async throws -> (
        id: String, secret: String?
    ) {
        var request = HTTPClientRequest(url: issuer + "/registration")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let body: [String: Any] = [
            "redirect_uris": [redirectURI], "response_types": ["code"], "token_endpoint_auth_method": authMethod,
        ]
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let (status, text, _) = try await send(request)
        guard status == 201, let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let id = object["client_id"] as? String
        else { throw DriverError("registration failed: HTTP \(status) \(text)") }
        return (id, object["client_secret"] as? String)
    }

    /// Signs `user` in at the provider from the authorization address `start` gave, and
    /// returns the parameters of the callback the provider sends the browser to. `tamper`
    /// (JSON) tells the provider how to spoil the ID token (see the program's comment).
    func logIn(at authorization: URL, user: String, password: String, tamper: String? = nil) async throws
        -> [String: String]
    {
        let (status, page, _) = try await send(HTTPClientRequest(url: authorization.absoluteString))
        guard status == 200, let request = Self.hiddenValue("request", in: page) else {
            throw DriverError("the provider did not show its login form: HTTP \(status) \(page)")
        }
        var fields = [("request", request), ("username", user), ("password", password)]
        if let tamper { fields.append(("tamper", tamper)) }
        var post = HTTPClientRequest(url: issuer + "/login")
        post.method = .POST
        post.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        post.body = .bytes(ByteBuffer(string: Self.form(fields)))
        let (loginStatus, text, location) = try await send(post)
        guard loginStatus == 302, let location, let components = URLComponents(string: location) else {
            throw DriverError("the provider did not redirect after the login: HTTP \(loginStatus) \(text)")
        }
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] { parameters[item.name] = item.value ?? "" }
        return parameters
    }

    /// Makes the provider sign with a new key (the old ones stay published).
    func rotateKeys() async throws {
        var request = HTTPClientRequest(url: issuer + "/test/rotate")
        request.method = .POST
        let (status, text, _) = try await send(request)
        guard status == 204 else { throw DriverError("rotation failed: HTTP \(status) \(text)") }
    }

    func send(_ request: HTTPClientRequest) async throws -> (status: UInt, body: String, location: String?) {
        let response = try await Self.client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (response.status.code, String(buffer: body), response.headers.first(name: "Location"))
    }

    /// The `value` of the hidden input `name` of an HTML page (the provider's login form).
    static func hiddenValue(_ name: String, in page: String) -> String? {
        guard let field = page.range(of: "name=\"\(name)\" value=\""),
            let end = page[field.upperBound...].firstIndex(of: "\"")
        else { return nil }
        return String(page[field.upperBound..<end]).replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    static func form(_ fields: [(String, String)]) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return fields.map {
            ($0.0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") + "="
                + ($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }.joined(separator: "&")
    }
}

struct DriverError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The desk the tests sign in to: its people, a SQLite store in a scratch folder, and a sign-in
/// with a client registered at the test provider.
struct SignInDesk {
    static let callback = "http://127.0.0.1:9/sign-in/oidc/callback"

    /// Joana is an owner (login `joana`), Carla a leader known by her e-mail only.
    static let configuration = Configuration(
        leaders: [Leader(name: "Carla Souza", email: "carla@desk.example")],
        owners: [Owner(name: "Joana Lima", email: "joana@desk.example", login: "joana")])

    let driver: ProviderDriver
    let store: SQLiteCaseStore
    let signIn: OIDCSignIn

    /// A desk whose `web.oidc` is `settings` with the issuer and a newly registered client.
    init(
        folder: URL, authMethod: String = "client_secret_basic", loginClaim: String = "preferred_username",
        rolesClaim: String? = nil, roles: [String: [String]] = [:], provider: OIDCProvider? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) async throws {
        driver = try ProviderDriver()
        let client = try await driver.register(redirectURI: Self.callback, authMethod: authMethod)
        let settings = OIDCSettings(
            issuer: driver.issuer, clientID: client.id, clientSecret: client.secret, loginClaim: loginClaim,
            rolesClaim: rolesClaim, roles: roles)
        store = try SQLiteCaseStore(
            path: folder.appendingPathComponent("db.sqlite").path,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        // No refresh limit unless the test brings its provider: another test may rotate the
        // provider's keys at any moment.
        signIn = OIDCSignIn(
            settings: settings, redirectURI: Self.callback, store: store, configuration: Self.configuration,
            provider: provider ?? OIDCProvider(issuer: driver.issuer, minimumRefresh: .zero), now: now)
    }

    /// The callback parameters after `user` logged in at the provider (password: user + "-secret").
    func callback(_ user: String, tamper: String? = nil, returnTo: String = "/") async throws -> [String: String] {
        let authorization = try await signIn.start(returnTo: returnTo)
        return try await driver.logIn(at: authorization.url, user: user, password: user + "-secret", tamper: tamper)
    }

    /// The whole sign-in of `user`, through the provider.
    func signIn(_ user: String, tamper: String? = nil, returnTo: String = "/") async throws -> SignedInPerson {
        try await signIn.finish(callback: try await callback(user, tamper: tamper, returnTo: returnTo))
    }
}
