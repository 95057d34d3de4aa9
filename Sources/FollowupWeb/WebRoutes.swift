import FollowupConfig
import FollowupControl
import FollowupCore
import FollowupDelivery
import FollowupEngine
import FollowupStorage
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// The web application's routes: sign-in and out, "my account", acknowledgement links, the
/// control API for signed-in people, health and the style sheet.
struct WebRoutes: Sendable {
    let parts: WebServer.Parts
    let sessions: WebSessions
    let accounts: LocalAccounts
    let throttle = SignInThrottle()
    let oidcProviders = OIDCProviders()
    let ack: AckPages
    let pageCache: PageCache
    let board: BoardPage

    init(parts: WebServer.Parts) throws {
        self.parts = parts
        let rulebooks = parts.rulebooks
        let settings: @Sendable () -> WebSettings = {
            rulebooks.current.configuration.web ?? WebSettings(listen: .init(host: "127.0.0.1", port: 8080))
        }
        sessions = WebSessions(store: parts.accounts, clock: parts.clock, settings: settings)
        accounts = LocalAccounts(
            store: parts.accounts, clock: parts.clock, logger: parts.logger.with("followup.component", "web"))
        let pageCache = try PageCache(rulebooks: rulebooks)
        self.pageCache = pageCache
        board = BoardPage(api: parts.api, clock: parts.clock)
        let links = parts.ackLinks
        ack = AckPages(
            desk: parts.desk, store: parts.store, clock: parts.clock, links: links, pages: { pageCache.current })
    }

    var pages: WebPages { pageCache.current }
    var configuration: Configuration { parts.rulebooks.current.configuration }

    func register(on router: Router<WebContext>) {
        router.get("/healthz") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        router.get("/static/desk.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(bytes: WebPages.styleSheet)))
        }
        router.get("/") { request, _ in
            guard let session = try await sessions.current(request) else {
                return WebSessions.redirect(to: "/sign-in?next=%2F")
            }
            do {
                return try await board.render(request, session: session, pages: pages)
            } catch let refusal as BoardRefusal {
                return pages.message(
                    refusal.message, heading: pages.wording["forbiddenTitle"],
                    status: .init(code: refusal.status), session: SessionView(session, wording: pages.wording))
            }
        }
        router.get("/sign-in") { request, _ in try await signInPage(request, message: nil, login: "") }
        router.post("/sign-in") { request, context in try await signIn(request, context: context) }
        registerOIDC(on: router)
        router.post("/sign-out") { request, context in
            guard let session = try await sessions.current(request) else { return WebSessions.redirect(to: "/sign-in") }
            let form = try await FormFields.read(request, context: context)
            guard WebSessions.same(form["csrf"], session.csrf) else { return csrfRefusal() }
            return try await sessions.end(session)
        }
        router.get("/account") { request, _ in
            guard let session = try await sessions.current(request) else {
                return WebSessions.redirect(to: "/sign-in?next=%2Faccount")
            }
            return accountPage(session)
        }
        router.get("/a/{token}") { _, context in try await ack.show(context.parameters.get("token") ?? "") }
        router.post("/a/{token}") { _, context in try await ack.acknowledge(context.parameters.get("token") ?? "") }
        for method in [HTTPTypes.HTTPRequest.Method.get, .post, .patch] {
            router.on("/v1/**", method: method) { request, context in try await api(request, context: context) }
        }
    }

    // MARK: Sign-in

    func signInPage(_ request: Request, message: String?, login: String, status: HTTPTypes.HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let next = WebSessions.safeNext(request.uri.queryParameters["next"].map(String.init))
        let csrf = WebSessions.randomToken()
        let web = configuration.web
        var values: [String: Any] = [
            "csrf": csrf, "next": next, "login": login, "local": web?.localAccounts ?? true,
            "nextQuery": next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2F",
        ]
        if web?.oidc != nil { values["oidc"] = true }
        if let message { values["message"] = message }
        var response = pages.page("sign-in", title: pages.wording["signInTitle"], values: values, status: status)
        response.setCookie(sessions.cookie(WebSessions.formCookie, csrf, maxAge: 3600))
        if let issuer = web?.oidc?.issuer, let origin = Self.origin(of: issuer),
            let policy = response.headers[.contentSecurityPolicy]
        {
            // The company sign-in form's answer sends the browser on to the provider: a
            // browser follows that redirect only when `form-action` allows its origin.
            response.headers[.contentSecurityPolicy] = policy.replacingOccurrences(
                of: "form-action 'self'", with: "form-action 'self' \(origin)")
        }
        return response
    }

    /// `scheme://host[:port]` of `url`, as a CSP source; nil when it has none.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host
        else { return nil }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    func signIn(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        let login = (form["login"] ?? "").trimmingCharacters(in: .whitespaces)
        guard WebSessions.same(form["csrf"], request.cookies[WebSessions.formCookie]?.value) else {
            return try await signInPage(request, message: pages.wording["csrf"], login: login, status: .forbidden)
        }
        guard configuration.web?.localAccounts ?? true else {
            return try await signInPage(request, message: pages.wording["refused"], login: login, status: .forbidden)
        }
        let now = parts.clock.now()
        let address = context.remoteAddress
        guard throttle.allows(address, at: now) else {
            return try await signInPage(
                request, message: pages.wording["throttled"], login: login, status: .tooManyRequests)
        }
        switch try await accounts.signIn(login: login, password: form["password"] ?? "") {
        case .accepted(let account):
            let role = Role.named(account.role) ?? .none
            let person = configuration.person(withLogin: account.login) ?? account.login
            parts.logger.info(
                "signed in",
                metadata: [
                    "followup.event": "signed_in", "followup.login": "\(account.login)", "followup.method": "local",
                ])
            return try await sessions.start(
                login: account.login, person: person, role: role, method: "local",
                redirect: WebSessions.safeNext(form["next"]))
        case .refused:
            throttle.failed(address, at: now)
            return try await signInPage(
                request, message: pages.wording["refused"], login: login, status: .unauthorized)
        case .locked(let until):
            throttle.failed(address, at: now)
            return try await signInPage(
                request, message: pages.format("locked", pages.time(until)), login: login, status: .forbidden)
        }
    }

    func accountPage(_ session: WebSession) -> Response {
        let wording = pages.wording
        return pages.page(
            "account", title: wording["accountTitle"],
            values: [
                "person": session.person, "login": session.login, "roleName": wording.role(session.role),
                "methodName": wording["method." + session.method], "expires": pages.time(session.expiresAt),
                "csrf": session.csrf,
            ], session: SessionView(session, wording: wording))
    }

    func csrfRefusal() -> Response {
        pages.message(
            pages.wording["csrf"], heading: pages.wording["forbiddenTitle"], status: .forbidden,
            link: ("/account", pages.wording["account"]))
    }

    // MARK: The control API for signed-in people

    /// A `/v1/…` request from a session, answered by the control API as that person with the
    /// session's role; a change needs the session's CSRF token in `X-CSRF-Token`.
    func api(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = try await sessions.current(request) else {
            return Self.json(.unauthorized, code: "unauthorized", "sign in first (POST /sign-in)")
        }
        if request.method != .get,
            !WebSessions.same(request.headers[.init("X-CSRF-Token")!], session.csrf)
        {
            return Self.json(.forbidden, code: "forbidden", "a change needs the session's X-CSRF-Token header")
        }
        let peer = session.peer
        var headers = NIOHTTP1.HTTPHeaders()
        for field in request.headers { headers.add(name: field.name.rawName, value: field.value) }
        let head = HTTPRequestHead(
            version: .http1_1, method: NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue),
            uri: request.uri.description, headers: headers)
        if let refusal = parts.api.admit(head, from: peer) { return Self.response(refusal) }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        return Self.response(
            await parts.api.respond(to: FollowupControl.HTTPRequest(head: head, body: body), from: peer))
    }

    static func response(_ answer: FollowupControl.HTTPResponse) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        for header in answer.headers {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        headers[.cacheControl] = "no-store"
        return Response(
            status: .init(code: Int(answer.status.code)), headers: headers, body: .init(byteBuffer: answer.body))
    }

    static func json(_ status: HTTPTypes.HTTPResponse.Status, code: String, _ message: String) -> Response {
        let body = #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// The pages of the configuration in force (language and zone change on reload).
final class PageCache: Sendable {
    let rulebooks: RulebookHolder
    /// The pages, and the language and zone they were made for: the only settings they read,
    /// so each request compares two small values, not the whole configuration.
    private let cached: Mutex<(ReportSettings.Language, TimeZone, WebPages)>

    init(rulebooks: RulebookHolder) throws {
        self.rulebooks = rulebooks
        let configuration = rulebooks.current.configuration
        let (language, zone) = (configuration.reports.locale, configuration.calendar.timeZone)
        cached = Mutex((language, zone, try WebPages(language: language, zone: zone)))
    }

    var current: WebPages {
        let configuration = rulebooks.current.configuration
        let (language, zone) = (configuration.reports.locale, configuration.calendar.timeZone)
        return cached.withLock { cache in
            if cache.0 != language || cache.1 != zone, let pages = try? WebPages(language: language, zone: zone) {
                cache = (language, zone, pages)
            }
            return cache.2
        }
    }
}

extension WebSession {
    /// The caller the control API sees for this session: its person, with the session's role.
    var peer: Peer { Peer.web(login: login, person: person, role: Role.named(role) ?? .none) }
}

extension Role {
    /// The role named `name` (`reader`, `technician`, `leader`, `admin`).
    public static func named(_ name: String) -> Role? {
        allCases.first { "\($0)" == name && $0 != .none }
    }
}

extension Logger {
    func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = .string(value)
        return copy
    }
}
