import FollowupAPI
import FollowupControl
import FollowupDelivery
import FollowupStorage
import FollowupTestSupport
import Foundation
import Logging
import Testing

/// The web listener (§6.9) on the real daemon: local accounts, sessions kept in the
/// database, cookies, CSRF, the lock-out, and the control API's permission table over the web.
@Suite struct WebSignInTests {
    /// A daemon with the web listener on a free loopback port, and a followupctl for it.
    static func withWebDaemon(
        extra: String = "", leaderWebhooks: [String] = [],
        _ body: (Workspace, FollowupctlProcess, Int) async throws -> Void
    ) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let port = try freeLoopbackPort()
        try workspace.writeConfiguration(
            resendAfter: "1h", reportAfter: "3h", extra: "web:\n  listen: 127.0.0.1:\(port)\n" + extra)
        if !leaderWebhooks.isEmpty {
            let yaml = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
                .replacingOccurrences(
                    of: "- { name: Ana, email: ana@desk.example }",
                    with:
                        "- { name: Ana, email: ana@desk.example, webhooks: [\(leaderWebhooks.joined(separator: ", "))] }"
                )
            try yaml.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        }
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let ctl = FollowupctlProcess(workspace)
        let probe = WebClient(port: port, directory: workspace.directory)
        let up = try await eventually { (try? probe.get("/healthz").status) == 200 }
        #expect(up, "the web listener answers /healthz; daemon log: \(daemon.stderr)")
        try await body(workspace, ctl, port)
    }

    /// Adds a local account through `followupctl user add … --password-file`.
    static func addUser(_ ctl: FollowupctlProcess, _ login: String, role: String, password: String) throws {
        let file = ctl.directory.appendingPathComponent("password-\(login)")
        try (password + "\n").write(to: file, atomically: true, encoding: .utf8)
        let added = try ctl("user", "add", login, "--role", role, "--password-file", file.path)
        #expect(added.status == 0, "\(added.stderr)")
    }

    @Test func aTechnicianSignsInSeesTheirAccountAndSignsOut() async throws {
        try await Self.withWebDaemon { workspace, ctl, port in
            try Self.addUser(ctl, "joana", role: "technician", password: "senha-da-joana-1")
            let browser = WebClient(port: port, directory: workspace.directory)
            let wrong = try browser.signIn("joana", "senha-errada-000")
            #expect(wrong.status == 401)
            #expect(wrong.body.contains("Usuário ou senha incorretos."))
            #expect(browser.cookie("followupd_session") == nil)

            let signed = try browser.signIn("joana", "senha-da-joana-1")
            #expect(signed.status == 303, "\(signed.body)")
            let cookie = try #require(
                signed.headers["set-cookie"]?.split(separator: "\n").first { $0.hasPrefix("followupd_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"), "http://127.0.0.1 is not https")
            let account = try browser.get("/account")
            #expect(account.status == 200)
            #expect(account.body.contains(#"<dd id="person">joana</dd>"#), "the owner joana is the person")
            #expect(account.body.contains(#"<dd id="role">técnico</dd>"#))
            #expect(account.body.contains(#"<html lang="pt-BR">"#))
            #expect(account.headers["content-security-policy"]?.contains("default-src 'none'") == true)

            // The database keeps the cookie's hash, never the cookie.
            let token = try #require(browser.cookie("followupd_session"))
            let store = try SQLiteCaseStore(path: workspace.databasePath, logger: Logger(label: "test"))
            let raw = try Self.rawBytes(workspace.databasePath)
            #expect(raw.range(of: Data(token.utf8)) == nil, "the session cookie is not stored")
            #expect(try await store.session(Self.sha256(token), at: Date()) != nil, "its hash is")

            // Sign-out needs the page's CSRF token, ends the session, and the cookie no longer works.
            #expect(try browser.send("POST", "/sign-out", form: [("csrf", "forged")]).status == 403)
            #expect(try browser.get("/account").status == 200, "a forged sign-out changed nothing")
            let out = try browser.send("POST", "/sign-out", form: [("csrf", account.csrf ?? "")])
            #expect(out.status == 303 && out.headers["location"] == "/sign-in")
            #expect(try await store.session(Self.sha256(token), at: Date()) == nil)
            let replay = WebClient(port: port, directory: workspace.directory)
            let replayed = try replay.send("GET", "/account", headers: ["Cookie": "followupd_session=\(token)"])
            #expect(replayed.status == 303, "the old cookie is worth nothing: \(replayed.status)")
        }
    }

    @Test func passwordsAreKeptOnlyAsBcryptAndTenWrongOnesLockTheAccount() async throws {
        try await Self.withWebDaemon { workspace, ctl, port in
            let password = "uma-senha-muito-particular"
            try Self.addUser(ctl, "ana", role: "leader", password: password)
            let raw = try Self.rawBytes(workspace.databasePath)
            #expect(raw.range(of: Data(password.utf8)) == nil, "the password itself is nowhere in the database")
            #expect(raw.range(of: Data("$2b$12$".utf8)) != nil, "its bcrypt hash (cost 12) is")
            #expect(try ctl("user", "list").stdout.contains("ana\tleader"))

            let browser = WebClient(port: port, directory: workspace.directory)
            for attempt in 1...10 {
                let answer = try browser.signIn("ana", "errada-\(attempt)-xxxx")
                #expect(answer.status == (attempt < 10 ? 401 : 403), "attempt \(attempt): \(answer.status)")
            }
            let locked = try browser.signIn("ana", password)
            #expect(locked.status == 403, "the right password is refused while locked")
            #expect(locked.body.contains("bloqueada"))
            #expect(try ctl("user", "list").stdout.contains("locked until"))
            #expect(
                try ctl("user", "passwd", "ana", "--password-file", Self.file(ctl, "nova-senha-da-ana")).status == 0)
            #expect(try browser.signIn("ana", "nova-senha-da-ana").status == 303, "a new password unlocks")
            #expect(try ctl("user", "disable", "ana").status == 0)
            #expect(try browser.get("/account").status == 303, "disabling ends the session")
            #expect(try browser.signIn("ana", "nova-senha-da-ana").status == 401)
        }
    }

    @Test func oneAddressIsSlowedAfterTwentyFailuresWhateverTheLogins() async throws {
        try await Self.withWebDaemon { workspace, ctl, port in
            try Self.addUser(ctl, "joana", role: "technician", password: "senha-da-joana-1")
            let browser = WebClient(port: port, directory: workspace.directory)
            for attempt in 1...20 {
                #expect(try browser.signIn("ninguem-\(attempt)", "qualquer-coisa-1").status == 401)
            }
            let slowed = try browser.signIn("joana", "senha-da-joana-1")
            #expect(slowed.status == 429, "the 21st try from the address waits, even with a right password")
            #expect(slowed.body.contains("Muitas tentativas deste endereço"))
        }
    }

    @Test func aSessionOutlivesARestartOfTheDaemon() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let port = try freeLoopbackPort()
        try workspace.writeConfiguration(
            resendAfter: "1h", reportAfter: "3h", extra: "web:\n  listen: 127.0.0.1:\(port)\n")
        let browser = WebClient(port: port, directory: workspace.directory)
        var daemon = try workspace.startDaemon()
        #expect(try await eventually { (try? browser.get("/healthz").status) == 200 }, "\(daemon.stderr)")
        try Self.addUser(FollowupctlProcess(workspace), "joana", role: "technician", password: "senha-da-joana-1")
        #expect(try browser.signIn("joana", "senha-da-joana-1").status == 303)
        #expect(daemon.terminate() == 0)
        daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        #expect(try await eventually { (try? browser.get("/healthz").status) == 200 }, "\(daemon.stderr)")
        let account = try browser.get("/account")
        #expect(account.status == 200, "the session is the database's, not the process's")
        #expect(account.body.contains(#"<dd id="login">joana</dd>"#))
    }

    @Test func thePagesSpeakTheDesksLanguage() async throws {
        try await Self.withWebDaemon(extra: "reports:\n  locale: en\n") { workspace, _, port in
            let page = try WebClient(port: port, directory: workspace.directory).get("/sign-in")
            #expect(page.body.contains(#"<html lang="en">"#))
            #expect(page.body.contains("<h1>Sign in</h1>"))
        }
    }

    @Test func formsAndChangesNeedTheirCSRFToken() async throws {
        let metricsPort = try freeLoopbackPort()
        try await Self.withWebDaemon(extra: "metrics:\n  listen: 127.0.0.1:\(metricsPort)\n") { workspace, ctl, port in
            try Self.addUser(ctl, "joana", role: "technician", password: "senha-da-joana-1")
            let browser = WebClient(port: port, directory: workspace.directory)
            let noCookie = try browser.send(
                "POST", "/sign-in", form: [("csrf", "x"), ("login", "joana"), ("password", "senha-da-joana-1")])
            #expect(noCookie.status == 403, "a sign-in form not served by us is refused")
            #expect(try browser.signIn("joana", "senha-da-joana-1").status == 303)
            let account = try browser.get("/account")
            let open =
                #"{"client":{"name":"Padaria"},"partner":{"name":"P","emails":["p@p.example"]},"subject":"s","verification":"v"}"#
            let refused = try browser.send("POST", "/v1/cases", json: open)
            #expect(refused.status == 403)
            #expect(try ctl("--json", "list").stdout.contains("FU-1") == false, "nothing opened")
            let opened = try browser.send(
                "POST", "/v1/cases", json: open, headers: ["X-CSRF-Token": account.csrf ?? ""])
            #expect(opened.status == 201, "\(opened.body)")
            #expect(opened.body.contains(#""owner":"joana""#), "recorded as the signed-in person")
            let anonymous = WebClient(port: port, directory: workspace.directory)
            #expect(try anonymous.get("/v1/status").status == 401)
            // The web listener's requests are in the daemon's /metrics.
            let metrics = try WebClient(port: metricsPort, directory: workspace.directory).get("/metrics").body
            #expect(metrics.contains(#"route="web POST /sign-in""#), "\(metrics.prefix(3000))")
            #expect(metrics.contains(#"route="web GET /account",status="200""#))
        }
    }

    @Test func everyRouteOverTheWebAnswersEachRoleAsThePermissionTableSays() async throws {
        try await Self.withWebDaemon { workspace, ctl, port in
            var clients: [(Role, WebClient, String)] = []
            for role in [Role.reader, .technician, .leader, .admin] {
                let login = "web-\(role)"
                try Self.addUser(ctl, login, role: "\(role)", password: "senha-\(role)-123456")
                let client = WebClient(port: port, directory: workspace.directory)
                #expect(try client.signIn(login, "senha-\(role)-123456").status == 303)
                clients.append((role, client, try client.get("/account").csrf ?? ""))
            }
            let open =
                #"{"client":{"name":"C"},"partner":{"name":"P","emails":["p@p.example"]},"subject":"s","verification":"v"}"#
            #expect(
                try clients[1].1.send("POST", "/v1/cases", json: open, headers: ["X-CSRF-Token": clients[1].2]).status
                    == 201)
            func path(_ template: String) -> String {
                template.replacingOccurrences(of: "/v1/cases/{id}", with: "/v1/cases/FU-1")
                    .replacingOccurrences(of: "{id}", with: "nonexistent")
            }
            let before = try ctl("--json", "show", "FU-1").stdout
            var refused = 0
            for (route, needed) in ControlAPI.permissions where route != "GET /metrics" {
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                for (role, client, csrf) in clients where role < needed {
                    let answer = try client.send(
                        parts[0], path(parts[1]), json: parts[0] == "GET" ? nil : "{}", headers: ["X-CSRF-Token": csrf])
                    #expect(
                        answer.status == 403,
                        "\(role) on \(route), which needs \(needed): \(answer.status) \(answer.body)")
                    refused += 1
                }
                if parts[0] == "GET" {
                    for (role, client, _) in clients where role >= needed {
                        let answer = try client.get(path(parts[1]))
                        #expect(answer.status != 403, "\(role) on \(route): \(answer.body)")
                    }
                }
            }
            let expected = ControlAPI.permissions.filter { $0.key != "GET /metrics" }
                .map { entry in clients.filter { $0.0 < entry.value }.count }.reduce(0, +)
            #expect(refused == expected && refused > 40, "every role below each route was refused")
            #expect(try ctl("--json", "show", "FU-1").stdout == before, "no refused request changed anything")
        }
    }

    /// The database file and its WAL, as bytes (what someone who copies the files reads).
    static func rawBytes(_ path: String) throws -> Data {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { data.append(wal) }
        return data
    }

    static func sha256(_ text: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try? process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    static func file(_ ctl: FollowupctlProcess, _ password: String) throws -> String {
        let file = ctl.directory.appendingPathComponent("password-\(UUID().uuidString.prefix(6))")
        try (password + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}
