import AsyncHTTPClient
import FollowupTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Signing in through the provider end to end: the real `followupd` binary with its web
/// listener on loopback, a browser played by an HTTP client with a cookie jar, and pyop.
@Suite("OpenID Connect sign-in through the daemon's web listener")
struct OIDCWebTests {
    @Test("sign-in page → provider → callback → session: my account shows the person and role")
    func signInThroughDaemon() async throws {
        try await withWebDesk { web in
            var browser = Browser()
            let location = try await web.startSignIn(&browser, next: "/account")
            #expect(location.hasPrefix(web.driver.issuer + "/authorize?"))
            let callback = try await web.driver.logIn(
                at: try #require(URL(string: location)), user: "joana", password: "joana-secret")
            let (status, _, headers) = try await browser.get(web.callbackURL(callback), jar: true)
            #expect(status == 303)
            #expect(headers.first(name: "Location") == "/account")
            #expect(browser.cookies["followupd_session"]?.isEmpty == false)
            let (accountStatus, page, _) = try await browser.get(web.base + "/account", jar: true)
            #expect(accountStatus == 200)
            #expect(page.contains("Joana Lima"))
            #expect(page.contains("técnico"))
            #expect(page.contains("conta da empresa"))
            // The callback again (a replay): refused, the session above is unaffected.
            let (replayStatus, replayPage, _) = try await browser.get(web.callbackURL(callback), jar: true)
            #expect(replayStatus == 403)
            #expect(replayPage.contains("Não foi possível entrar com a conta da empresa"))
        }
    }

    @Test("a callback opened in another browser than the one that started the sign-in is refused")
    func callbackInAnotherBrowser() async throws {
        try await withWebDesk { web in
            var victim = Browser()
            var attacker = Browser()
            let location = try await web.startSignIn(&attacker, next: "/account")
            let callback = try await web.driver.logIn(
                at: try #require(URL(string: location)), user: "ops", password: "ops-secret")
            let (status, _, _) = try await victim.get(web.callbackURL(callback), jar: true)
            #expect(status == 403)
            #expect(victim.cookies["followupd_session"] == nil)
        }
    }

    @Test("starting a sign-in without the form's CSRF token is refused")
    func startNeedsCSRF() async throws {
        try await withWebDesk { web in
            var browser = Browser()
            _ = try await browser.get(web.base + "/sign-in", jar: true)
            let (status, _, headers) = try await browser.post(web.base + "/sign-in/oidc", form: "csrf=forged&next=%2F")
            #expect(status == 403)
            #expect(headers.first(name: "Location") == nil)
        }
    }
}

/// A daemon with `web.listen` and `web.oidc` pointing at the test provider, for one test.
struct WebDesk {
    let driver: ProviderDriver
    let base: String

    /// The sign-in page's form, posted: the provider's address the daemon redirects to.
    func startSignIn(_ browser: inout Browser, next: String) async throws -> String {
        let (_, page, pageHeaders) = try await browser.get(base + "/sign-in", jar: true)
        let csrf = try #require(ProviderDriver.hiddenValue("csrf", in: page))
        // A browser follows the form's redirect to the provider only when the page allows it.
        let issuer = try #require(URLComponents(string: driver.issuer))
        let origin = "\(issuer.scheme ?? "")://\(issuer.host ?? "")" + (issuer.port.map { ":\($0)" } ?? "")
        #expect(
            pageHeaders.first(name: "Content-Security-Policy")?.contains("form-action 'self' \(origin);") == true,
            "\(pageHeaders)")
        let (status, _, headers) = try await browser.post(
            base + "/sign-in/oidc", form: ProviderDriver.form([("csrf", csrf), ("next", next)]))
        #expect(status == 303)
        return try #require(headers.first(name: "Location"))
    }

    /// The callback address the provider sent the browser to, with its parameters.
    func callbackURL(_ parameters: [String: String]) -> String {
        var components = URLComponents(string: base + "/sign-in/oidc/callback")!
        components.queryItems = parameters.map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.url!.absoluteString
    }
}

func withWebDesk(_ body: (WebDesk) async throws -> Void) async throws {
    let driver = try ProviderDriver()
    try await withScratchFolder { folder in
        let port = try freeLoopbackPort()
        let base = "http://127.0.0.1:\(port)"
        let client = try await driver.register(redirectURI: base + "/sign-in/oidc/callback")
        let secretFile = folder.appendingPathComponent("oidc.secret").path
        try (client.secret ?? "").write(toFile: secretFile, atomically: true, encoding: .utf8)
        let configuration = """
            storage:
              path: followupd.sqlite
            control:
              socket: control.sock
            mail:
              from: "Suporte <suporte@desk.example>"
              maildir: outbox
            leaders:
              - { name: Carla Souza, email: carla@desk.example }
            owners:
              - { name: Joana Lima, email: joana@desk.example, login: joana }
            log:
              target: stderr
              level: info
            web:
              listen: 127.0.0.1:\(port)
              oidc:
                issuer: \(driver.issuer)
                client_id: \(client.id)
                client_secret_file: \(secretFile)
                roles_claim: groups
                roles: { leader: [desk-leaders], admin: [ops] }
            """
        let configPath = folder.appendingPathComponent("followupd.yaml").path
        try configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("followupd")
        daemon.arguments = ["--config", configPath]
        let log = folder.appendingPathComponent("daemon.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        daemon.standardError = try FileHandle(forWritingTo: log)
        daemon.standardOutput = FileHandle.nullDevice
        try daemon.run()
        defer {
            daemon.terminate()
            daemon.waitUntilExit()
        }
        var browser = Browser()
        var up = false
        for _ in 0..<600 where daemon.isRunning {
            if let answer = try? await browser.get(base + "/healthz", jar: false), answer.0 == 200 {
                up = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let daemonLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try #require(up, "the daemon's web listener did not come up: \(daemonLog.suffix(3000))")
        try await body(WebDesk(driver: driver, base: base))
        let finalLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(!finalLog.contains("eyJ"), "a JWT in the daemon's log")
        #expect(!finalLog.contains(client.secret ?? "-"), "the client secret in the daemon's log")
    }
}

/// A browser's cookie jar around an HTTP client that does not follow redirects.
struct Browser {
    var cookies: [String: String] = [:]

    mutating func get(_ url: String, jar: Bool) async throws -> (UInt, String, HTTPHeaders) {
        try await send(HTTPClientRequest(url: url), jar: jar)
    }

    mutating func post(_ url: String, form: String) async throws -> (UInt, String, HTTPHeaders) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: form))
        return try await send(request, jar: true)
    }

    private mutating func send(_ request: HTTPClientRequest, jar: Bool) async throws -> (UInt, String, HTTPHeaders) {
        var request = request
        if jar, !cookies.isEmpty {
            request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        let response = try await ProviderDriver.client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        if jar {
            for header in response.headers[canonicalForm: "Set-Cookie"] {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
                if header.lowercased().contains("max-age=0") {
                    cookies[name] = nil
                } else {
                    cookies[name] = String(pair[1])
                }
            }
        }
        return (response.status.code, String(buffer: body), response.headers)
    }
}
