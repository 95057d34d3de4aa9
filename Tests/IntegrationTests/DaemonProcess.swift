import Foundation

/// The real `followupd` binary, run as a child process on a temporary configuration.
final class DaemonProcess {
    let process = Process()
    let stderrFile: URL
    /// When the process was started (a journal query's `--since`).
    let started = Date()

    /// The built `followupd` next to the test bundle (or `$FOLLOWUPD_BIN`).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["FOLLOWUPD_BIN"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "followupd")
    }

    init(arguments: [String], directory: URL, environment: [String: String] = [:]) throws {
        stderrFile = directory.appendingPathComponent("stderr-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = Self.binary
        process.arguments = arguments
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        process.standardOutput = FileHandle.nullDevice
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        try process.run()
    }

    /// Runs the binary to completion and returns its status and standard error.
    static func run(_ arguments: [String], directory: URL) throws -> (status: Int32, stderr: String) {
        let daemon = try DaemonProcess(arguments: arguments, directory: directory)
        daemon.process.waitUntilExit()
        return (daemon.process.terminationStatus, daemon.stderr)
    }

    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    func terminate() -> Int32 {
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        return process.terminationStatus
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A temporary folder with a configuration for the daemon.
struct Workspace {
    let directory: URL
    /// When the workspace was made (tests measure their deadlines from it).
    let created = Date()

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("followupd-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var databasePath: String { directory.appendingPathComponent("followupd.sqlite").path }
    var configPath: String { directory.appendingPathComponent("followupd.yaml").path }

    /// Writes a configuration with short durations (seconds instead of hours).
    func writeConfiguration(resendAfter: String = "2s", reportAfter: String = "6s", extra: String = "") throws {
        let yaml = """
            storage:
              path: followupd.sqlite
            control:
              socket: control.sock
            policy:
              resend_after: \(resendAfter)
              max_resends: 1
              report_after: \(reportAfter)
              owner_reminder_after: 0
            mail:
              from: "Suporte <suporte@desk.example>"
              maildir: outbox
            leaders:
              - { name: Ana, email: ana@desk.example }
            owners:
              - { name: joana, email: joana@desk.example, leader: Ana }
            log:
              target: stderr
              level: info
            \(extra)
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func startDaemon() throws -> DaemonProcess {
        try DaemonProcess(arguments: ["--config", configPath], directory: directory)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Waits (bounded) until `condition` holds; the bound is a safety net, not an assertion on speed.
func eventually(
    timeout: TimeInterval = 60, every interval: Duration = .milliseconds(100), _ condition: () async throws -> Bool
) async throws -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}
