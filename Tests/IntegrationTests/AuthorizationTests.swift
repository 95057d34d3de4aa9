import FollowupControl
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Authorization from the peer's credentials, with real users and groups (§6.3): the set-up
/// creates them (it needs root, as CI runs) and runs curl as each through `setpriv`.
@Suite(.serialized) struct AuthorizationTests {
    static let readers = "futest-readers"
    static let technicians = "futest-technicians"
    static let leaders = "futest-leaders"
    static let admins = "futest-admins"
    /// A user of each role, by role.
    static let users: [(Role, String)] = [
        (.none, "futest-nobody"), (.reader, "futest-reader"), (.technician, "futest-tech"),
        (.leader, "futest-leader"), (.admin, "futest-admin"),
    ]

    static func ensureUsers() throws {
        for group in [readers, technicians, leaders, admins] where getgrnam(group) == nil {
            try run("/usr/sbin/groupadd", [group])
        }
        let users = [
            ("futest-reader", readers), ("futest-admin", admins), ("futest-nobody", nil),
            ("futest-tech", technicians), ("futest-leader", leaders),
        ]
        for (user, group) in users where getpwnam(user) == nil {
            var arguments = ["-M", "-s", "/usr/sbin/nologin", user]
            if let group { arguments = ["-G", group] + arguments }
            try run("/usr/sbin/useradd", arguments)
        }
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// curl as `user` (with the user's groups), returning the HTTP status and body.
    static func curl(as user: String, _ socket: String, _ method: String, _ path: String, body: String? = nil) throws
        -> (Int, String)
    {
        var arguments = [
            "-u", user, "--", "/usr/bin/curl", "-s", "-w", "\n%{http_code}", "--unix-socket", socket, "-X", method,
        ]
        if let body { arguments += ["-H", "Content-Type: application/json", "-d", body] }
        arguments.append("http://localhost\(path)")
        let (_, output) = try run("/usr/sbin/runuser", arguments)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test(.enabled(if: getuid() == 0, "creating users needs root (CI runs as root)"))
    func readersReadAdminsChangeOthersAreRefused() async throws {
        try Self.ensureUsers()
        let workspace = try Workspace()
        defer { workspace.remove() }
        chmod(workspace.directory.path, 0o755)
        try workspace.writeConfiguration(
            resendAfter: "1h", reportAfter: "3h",
            extra: """
                control:
                  socket: control.sock
                  mode: "0666"
                  readers: [\(Self.readers)]
                  admins: [\(Self.admins)]
                """.replacingOccurrences(
                    of: "control:\n  socket: control.sock\n", with: "control:\n  socket: control.sock\n"))
        // The extra block replaces the default control section: rewrite the file without the first one.
        let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
            .replacingOccurrences(of: "control:\n  socket: control.sock\npolicy:", with: "policy:")
        try text.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let daemon = try workspace.startDaemon()
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        let up = try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 }
        #expect(up, "\(daemon.stderr)")

        let body =
            #"{"client":{"name":"C"},"partner":{"name":"P","emails":["p@p.example"]},"subject":"s","verification":"v"}"#
        let (adminStatus, adminBody) = try Self.curl(as: "futest-admin", socket, "POST", "/v1/cases", body: body)
        #expect(adminStatus == 201, "\(adminBody)")
        #expect(adminBody.contains("\"owner\":\"futest-admin\""), "the peer's login name is recorded")

        let (readStatus, _) = try Self.curl(as: "futest-reader", socket, "GET", "/v1/cases/FU-1")
        #expect(readStatus == 200)
        let (writeStatus, writeBody) = try Self.curl(
            as: "futest-reader", socket, "POST", "/v1/cases/FU-1/notes", body: #"{"note":"x"}"#)
        #expect(writeStatus == 403)
        #expect(writeBody.contains("futest-reader is a reader: this needs the technician role"), "\(writeBody)")

        let (strangerStatus, _) = try Self.curl(as: "futest-nobody", socket, "GET", "/v1/status")
        #expect(strangerStatus == 403)
        #expect(daemon.terminate() == 0)
        #expect(daemon.stderr.contains("followup.peer_uid="), "state-changing requests are logged with the peer's uid")
    }

    /// Starts a daemon whose control section gives each role to its test group, with a
    /// technician and a leader known as people by their logins.
    static func startWithRoles(_ workspace: Workspace) async throws -> (DaemonProcess, String) {
        chmod(workspace.directory.path, 0o755)
        try """
        storage:
          path: followupd.sqlite
        control:
          socket: control.sock
          mode: "0666"
          readers: [\(readers)]
          technicians: [\(technicians)]
          leaders: [\(leaders)]
          admins: [\(admins)]
        policy:
          resend_after: 1h
          report_after: 3h
          owner_reminder_after: 0
        mail:
          from: "Suporte <suporte@desk.example>"
          maildir: outbox
        leaders:
          - { name: Líder Teste, email: lider@desk.example, login: futest-leader }
        owners:
          - { name: Téc Teste, email: tec@desk.example, leader: Líder Teste, login: futest-tech }
        log:
          target: stderr
          level: info
        """.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let daemon = try workspace.startDaemon()
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        let up = try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 }
        try #require(up, "\(daemon.stderr)")
        return (daemon, socket)
    }

    /// What a reader may see of the desk, to show that refused requests changed nothing.
    static func snapshot(_ socket: String) throws -> [String] {
        try ["/v1/cases/FU-1?events=true", "/v1/cases", "/v1/notices", "/v1/notifications", "/v1/inbox"].map {
            try curl(as: "futest-reader", socket, "GET", $0).1
        }
    }

    /// Every route for every role: 403 exactly below the route's role (from the request's head,
    /// the body never read), and nothing changed by a refusal.
    @Test(.enabled(if: getuid() == 0, "creating users needs root (CI runs as root)"))
    func everyRouteAnswersEachRoleAsThePermissionTableSays() async throws {
        try Self.ensureUsers()
        let workspace = try Workspace()
        defer { workspace.remove() }
        let (daemon, socket) = try await Self.startWithRoles(workspace)
        let open =
            #"{"client":{"name":"C"},"partner":{"name":"P","emails":["p@p.example"]},"subject":"s","verification":"v"}"#
        let (opened, openedBody) = try Self.curl(as: "futest-tech", socket, "POST", "/v1/cases", body: open)
        #expect(opened == 201, "\(openedBody)")
        #expect(openedBody.contains(#""owner":"Téc Teste""#), "the technician is known as the person: \(openedBody)")
        #expect(
            try Self.curl(as: "futest-leader", socket, "POST", "/v1/notices", body: #"{"title":"t","text":"x"}"#).0
                == 201)

        func path(_ template: String) -> String {
            template.replacingOccurrences(of: "/v1/cases/{id}", with: "/v1/cases/FU-1")
                .replacingOccurrences(of: "{id}", with: "nonexistent")
        }
        let before = try Self.snapshot(socket)
        var refused = 0
        for (route, needed) in ControlAPI.permissions {
            let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
            for (role, user) in Self.users where role < needed {
                let (status, body) = try Self.curl(
                    as: user, socket, parts[0], path(parts[1]), body: parts[0] == "GET" ? nil : "{}")
                #expect(status == 403, "\(user) (\(role)) on \(route), which needs \(needed): \(status) \(body)")
                refused += 1
            }
        }
        #expect(refused > 60)
        #expect(try Self.snapshot(socket) == before, "no refused request changed anything")
        for (route, needed) in ControlAPI.permissions where route.hasPrefix("GET ") {
            for (role, user) in Self.users where role >= needed {
                let (status, body) = try Self.curl(as: user, socket, "GET", path(String(route.dropFirst(4))))
                #expect(status != 403, "\(user) (\(role)) on \(route): \(body)")
            }
        }
        // A write each role above the line may make: the role's own, recorded as its person.
        let (noted, notedBody) = try Self.curl(
            as: "futest-tech", socket, "POST", "/v1/cases/FU-1/notes", body: #"{"note":"liguei"}"#)
        #expect(noted == 200, "\(notedBody)")
        let (_, shown) = try Self.curl(as: "futest-reader", socket, "GET", "/v1/cases/FU-1?events=true")
        #expect(shown.contains(#""by":"Téc Teste""#), "the note is the person's: \(shown)")

        // What a body asks beyond its route's role.
        let (techPriority, techPriorityBody) = try Self.curl(
            as: "futest-tech", socket, "POST", "/v1/cases/FU-1/flags", body: #"{"flag":"priority"}"#)
        #expect(techPriority == 403 && techPriorityBody.contains("the priority flag needs the leader role"))
        #expect(
            try Self.curl(as: "futest-tech", socket, "POST", "/v1/cases/FU-1/flags", body: #"{"flag":"urgent"}"#).0
                == 200)
        #expect(
            try Self.curl(as: "futest-leader", socket, "POST", "/v1/cases/FU-1/flags", body: #"{"flag":"priority"}"#)
                .0 == 200)
        #expect(
            try Self.curl(as: "futest-tech", socket, "PATCH", "/v1/cases/FU-1", body: #"{"owner":"Outro"}"#).0 == 403)
        #expect(
            try Self.curl(
                as: "futest-tech", socket, "PATCH", "/v1/cases/FU-1", body: #"{"deadline":"2030-01-02T10:00:00Z"}"#
            ).0 == 200)
        #expect(
            try Self.curl(as: "futest-leader", socket, "PATCH", "/v1/cases/FU-1", body: #"{"owner":"Téc Teste"}"#).0
                == 200)
        #expect(daemon.terminate() == 0)
    }
}
