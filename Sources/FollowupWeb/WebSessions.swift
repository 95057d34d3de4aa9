import Crypto
import FollowupConfig
import FollowupControl
import FollowupEngine
import FollowupStorage
import Foundation
import Hummingbird

/// Sessions of the web application (§6.9): kept in the database (a restart or another node
/// keeps them) under the SHA-256 of their cookie, the cookie `HttpOnly`, `SameSite=Lax`,
/// `Secure` when the desk's address is https; each with its own CSRF token for forms.
struct WebSessions: Sendable {
    let store: any AccountStore
    let clock: any WallClock
    let settings: @Sendable () -> WebSettings

    /// The session cookie's name.
    static let cookie = "followupd_session"
    /// The cookie that carries the sign-in form's CSRF token before there is a session.
    static let formCookie = "followupd_form"

    /// Starts a session for `login` as `person` with `role`; the answer sets its cookie.
    func start(login: String, person: String, role: Role, method: String, redirect: String) async throws -> Response {
        let token = Self.randomToken()
        let now = clock.now()
        let ttl = settings().sessionTTL
        let session = WebSession(
            id: Self.digest(token), login: login, person: person, role: "\(role)", method: method,
            csrf: Self.randomToken(), createdAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(ttl.components.seconds)))
        try await store.addSession(session)
        var response = Self.redirect(to: redirect)
        response.setCookie(cookie(Self.cookie, token, maxAge: Int(ttl.components.seconds)))
        response.setCookie(cookie(Self.formCookie, "", maxAge: 0))
        return response
    }

    /// The session `request` carries, when its cookie names one that has not expired.
    func current(_ request: Request) async throws -> WebSession? {
        guard let token = request.cookies[Self.cookie]?.value, !token.isEmpty, token.count <= 100 else { return nil }
        return try await store.session(Self.digest(token), at: clock.now())
    }

    /// Ends `session`; the answer clears the cookie and goes to the sign-in page.
    func end(_ session: WebSession) async throws -> Response {
        try await store.removeSession(session.id)
        var response = Self.redirect(to: "/sign-in")
        response.setCookie(cookie(Self.cookie, "", maxAge: 0))
        return response
    }

    /// A cookie of this application: `HttpOnly`, `SameSite=Lax`, path `/`, `Secure` behind https.
    func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/", secure: settings().isSecure, httpOnly: true,
            sameSite: .lax)
    }

    /// 32 random bytes, base64url: a session cookie, a CSRF token, a PKCE verifier.
    static func randomToken() -> String {
        randomBytes(32).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// `count` bytes from the system's random generator.
    static func randomBytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The hex SHA-256 of `token`: what the database keeps instead of the cookie.
    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether two tokens are equal, in time that does not depend on where they differ.
    static func same(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b, !a.isEmpty, a.utf8.count == b.utf8.count else { return false }
        return zip(a.utf8, b.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A 303 to `path` (a POST's answer, or a page that needs a sign-in).
    static func redirect(to path: String) -> Response {
        var headers = WebPages.securityHeaders
        headers[.location] = path
        return Response(status: .seeOther, headers: headers)
    }

    /// `next` when it is a path of this site (never another site: no open redirect), else `/`.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count <= 2_000,
            !next.contains(where: { $0.isNewline })
        else { return "/" }
        return next
    }
}

extension WebSession: WebSessionInfo {}
