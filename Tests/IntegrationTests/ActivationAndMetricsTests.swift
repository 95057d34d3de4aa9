import CSpawn
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The same HTTP stack on a socket passed by systemd, and the loopback metrics listener.
@Suite(.serialized) struct ActivationAndMetricsTests {
    static let activator = "/usr/bin/systemd-socket-activate"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: activator), "needs systemd-socket-activate"))
    func adoptsASocketPassedBySystemd() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1h", reportAfter: "3h")
        let socket = workspace.directory.appendingPathComponent("activated.sock").path
        let log = workspace.directory.appendingPathComponent("activated.log")
        // Spawned without Foundation's Process: systemd-socket-activate closes the descriptors
        // it inherits, which Foundation takes for the child's exit (and then blocks in wait4).
        let pid = try Self.spawn(
            [
                Self.activator, "-l", socket, "--fdname=control", DaemonProcess.binary.path, "--config",
                workspace.configPath,
            ],
            stderr: log.path)
        defer {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        // The socket exists before the daemon runs; the first request starts it and is answered.
        let up = try await eventually(timeout: 30) { FileManager.default.fileExists(atPath: socket) }
        #expect(up)
        let answer = try await eventually(timeout: 30) {
            (try? RawClient.request(socket, "GET", "/v1/status").status) == 200
        }
        #expect(answer, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        let created = try RawClient.request(
            socket, "POST", "/v1/cases",
            body: #"{"client":{"name":"C"},"partner":{"name":"P"},"subject":"s","verification":"v"}"#)
        #expect(created.status == 201)
        // The configured socket path was not bound: the passed one is used instead.
        #expect(
            !FileManager.default.fileExists(atPath: workspace.directory.appendingPathComponent("control.sock").path))
    }

    /// A listening socket held across a restart, as systemd holds followupd.socket: a request
    /// sent while no daemon runs waits in the backlog and the next daemon answers it.
    @Test func requestsSentDuringARestartAreAnswered() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1h", reportAfter: "3h")
        let path = workspace.directory.appendingPathComponent("held.sock").path
        let listener = try Self.listen(at: path)
        defer { close(listener) }
        func start() throws -> pid_t {
            // LISTEN_PID must be the daemon's own pid: the shell's, kept by exec.
            let command =
                "LISTEN_PID=$$ LISTEN_FDS=1 LISTEN_FDNAMES=control exec '\(DaemonProcess.binary.path)' --config '\(workspace.configPath)'"
            return try Self.spawn(
                ["/bin/sh", "-c", command], stderr: workspace.directory.appendingPathComponent("held.log").path,
                passing: listener)
        }
        let first = try start()
        let up = try await eventually { (try? RawClient.request(path, "GET", "/v1/status").status) == 200 }
        #expect(up)
        kill(first, SIGTERM)
        var status: Int32 = 0
        waitpid(first, &status, 0)
        // No daemon now: this request is queued by the kernel on the held socket.
        let pending = try RawClient(path: path)
        pending.send("GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let second = try start()
        defer {
            kill(second, SIGTERM)
            waitpid(second, &status, 0)
        }
        #expect(RawClient.parse(pending.readAll()).status == 200, "answered by the restarted daemon")
    }

    static func listen(at path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try UnixAddress.with(path) { bind(fd, $0, $1) }
        guard Glibc.listen(fd, 64) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return fd
    }

    @Test func metricsOnTheSocketAndOnLoopbackTCP() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let port = Int.random(in: 20_000...40_000)
        try workspace.writeConfiguration(
            resendAfter: "1h", reportAfter: "3h", extra: "metrics:\n  listen: 127.0.0.1:\(port)")
        let daemon = try workspace.startDaemon()
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        _ = try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 }
        _ = try RawClient.request(
            socket, "POST", "/v1/cases",
            body: #"{"client":{"name":"C"},"partner":{"name":"P"},"subject":"s","verification":"v"}"#)
        let scraped = try RawClient.request(socket, "GET", "/metrics")
        #expect(scraped.status == 200)
        #expect(scraped.body.contains("followupd_cases{state=\"awaiting_partner\"} 1"))
        #expect(scraped.body.contains("followupd_request_duration_seconds"))
        let tcp = try await eventually {
            (try? Self.httpGet(port: port, path: "/metrics").contains("followupd_cases")) == true
        }
        #expect(tcp, "\(daemon.stderr)")
        #expect(try Self.httpGet(port: port, path: "/v1/status").contains("403"), "only /metrics over TCP")
        #expect(daemon.terminate() == 0)
    }

    /// posix_spawn with standard error to a file (and `descriptor` as fd 3); the caller reaps
    /// the child with waitpid.
    static func spawn(_ arguments: [String], stderr: String, passing descriptor: Int32? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let descriptor { posix_spawn_file_actions_adddup2(&actions, descriptor, 3) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Nothing else of the test process (other tests' connections) goes to the daemon.
        followup_spawn_file_actions_addclosefrom(&actions, descriptor == nil ? 3 : 4)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        return pid
    }

    static func httpGet(port: Int, path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-i", "http://127.0.0.1:\(port)\(path)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
