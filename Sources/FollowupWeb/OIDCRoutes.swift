import AsyncHTTPClient
import FollowupConfig
import FollowupEngine
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The two routes of signing in through the identity provider (§6.9):
///
/// - `POST /sign-in/oidc` (the sign-in page's form, CSRF-checked like the password form)
///   starts a sign-in and sends the browser to the provider, with a cookie that binds the
///   sign-in's `state` to this browser;
/// - `GET /sign-in/oidc/callback` takes the provider's answer, only in the browser that
///   started the sign-in, and starts a session exactly as a local sign-in does (method `oidc`).
///
/// A refusal shows the sign-in page with what went wrong (never a token).
extension WebRoutes {
    /// The cookie that carries a started sign-in's `state` until the provider answers.
    static let oidcCookie = "followupd_oidc"

    func registerOIDC(on router: Router<WebContext>) {
        router.post("/sign-in/oidc") { request, context in try await startOIDC(request, context: context) }
        router.get("/sign-in/oidc/callback") { request, _ in try await finishOIDC(request) }
    }

    /// The sign-in for the configuration in force, or nil when `web.oidc` is not set.
    func oidcSignIn() -> OIDCSignIn? {
        let configuration = self.configuration
        guard let web = configuration.web, let settings = web.oidc else { return nil }
        let clock = parts.clock
        return OIDCSignIn(
            settings: settings, redirectURI: web.baseURL + "/sign-in/oidc/callback", store: parts.accounts,
            configuration: configuration, provider: oidcProviders.provider(for: settings.issuer, now: { clock.now() }),
            now: { clock.now() })
    }

    func startOIDC(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        guard WebSessions.same(form["csrf"], request.cookies[WebSessions.formCookie]?.value) else {
            return try await signInPage(request, message: pages.wording["csrf"], login: "", status: .forbidden)
        }
        guard let signIn = oidcSignIn() else {
            return pages.message(pages.wording["notFound"], heading: pages.wording["notFoundTitle"], status: .notFound)
        }
        do {
            let authorization = try await signIn.start(returnTo: WebSessions.safeNext(form["next"]))
            var response = WebSessions.redirect(to: authorization.url.absoluteString)
            response.setCookie(
                sessions.cookie(Self.oidcCookie, authorization.state, maxAge: Int(OIDCSignIn.pendingLifetime)))
            return response
        } catch let error as OIDCError {
            return try await oidcRefusal(request, error)
        }
    }

    func finishOIDC(_ request: Request) async throws -> Response {
        guard let signIn = oidcSignIn() else {
            return pages.message(pages.wording["notFound"], heading: pages.wording["notFoundTitle"], status: .notFound)
        }
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { parameters[String(name)] = String(value) }
        do {
            // Only the browser that started this sign-in may finish it (no login CSRF).
            guard WebSessions.same(parameters["state"], request.cookies[Self.oidcCookie]?.value) else {
                throw OIDCError(.unknownState, "this browser did not start this sign-in: start again")
            }
            let person = try await signIn.finish(callback: parameters)
            parts.logger.info(
                "signed in",
                metadata: [
                    "followup.event": "signed_in", "followup.login": "\(person.login)", "followup.method": "oidc",
                    "followup.role": "\(person.role)",
                ])
            var response = try await sessions.start(
                login: person.login, person: person.person, role: person.role, method: "oidc",
                redirect: WebSessions.safeNext(person.returnTo))
            response.setCookie(sessions.cookie(Self.oidcCookie, "", maxAge: 0))
            return response
        } catch let error as OIDCError {
            return try await oidcRefusal(request, error)
        }
    }

    /// The sign-in page saying why the provider's sign-in failed; the reason is logged too.
    func oidcRefusal(_ request: Request, _ error: OIDCError) async throws -> Response {
        parts.logger.warning(
            "sign-in through the identity provider refused",
            metadata: [
                "followup.event": "oidc_refused", "followup.code": "\(error.code)", "followup.reason": "\(error)",
            ])
        let status: HTTPTypes.HTTPResponse.Status =
            [.providerUnavailable, .providerInvalid].contains(error.code) ? .badGateway : .forbidden
        var response = try await signInPage(
            request, message: pages.format("oidcFailed", error.message), login: "", status: status)
        response.setCookie(sessions.cookie(Self.oidcCookie, "", maxAge: 0))
        return response
    }
}

/// The identity providers' discovery documents and keys, kept across requests and reloads
/// while the issuer stays the same.
final class OIDCProviders: Sendable {
    private let kept = Mutex<OIDCProvider?>(nil)

    func provider(for issuer: String, now: @escaping @Sendable () -> Date) -> OIDCProvider {
        kept.withLock { kept in
            if let provider = kept, provider.issuer == issuer.trimmingSuffix("/") { return provider }
            let provider = OIDCProvider(issuer: issuer, client: .shared, now: now)
            kept = provider
            return provider
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: Character) -> String {
        var text = self
        while text.last == suffix { text.removeLast() }
        return text
    }
}
