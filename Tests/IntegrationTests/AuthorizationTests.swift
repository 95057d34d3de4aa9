import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Authorization from the peer's credentials, with real users and groups (§6.3): the set-up
/// creates them (it needs root, as CI runs) and runs curl as each through `setpriv`.
@Suite(.serialized) struct AuthorizationTests {
    static let readers = "futest-readers"
    static let admins = "futest-admins"

    static func ensureUsers() throws {
        for group in [readers, admins] where getgrnam(group) == nil {
            try run("/usr/sbin/groupadd", [group])
        }
        let users = [("futest-reader", readers), ("futest-admin", admins), ("futest-nobody", nil)]
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
        #expect(writeBody.contains("may only read"))

        let (strangerStatus, _) = try Self.curl(as: "futest-nobody", socket, "GET", "/v1/status")
        #expect(strangerStatus == 403)
        #expect(daemon.terminate() == 0)
        #expect(daemon.stderr.contains("followup.peer_uid="), "state-changing requests are logged with the peer's uid")
    }
}
