import FollowupTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The control API fuzzed from its own OpenAPI document by schemathesis (examples, the
/// coverage of every constraint, then random cases) against the real daemon: no answer is a
/// 5xx other than 503, and the daemon is alive and answering afterwards. Bounded in time
/// (`FOLLOWUPD_FUZZ_SECONDS`, 100 by default); `scripts/fuzz-api` runs it longer.
@Suite(.serialized) struct APIFuzzingTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Support/fuzz_api.py").path
    static let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml").path

    static var available: Bool {
        (try? PythonRun.run(["-c", "import schemathesis"]).status) == 0
    }

    @Test(.enabled(if: available, "needs the schemathesis package (scripts/setup installs it)"))
    func theAPIRefusesWhatItCannotTakeAndNeverBreaks() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1h", reportAfter: "3h")
        let daemon = try workspace.startDaemon()
        let ctl = FollowupctlProcess(workspace)
        try #require(try await ctl.waitForDaemon(), "followupd did not answer: \(daemon.stderr)")
        let seconds = ProcessInfo.processInfo.environment["FOLLOWUPD_FUZZ_SECONDS"] ?? "100"
        let fuzz = try await PythonRun.runAsync(
            [Self.script, ctl.socket, Self.schema, seconds], environment: ["FUZZ_SCRATCH": workspace.directory.path])
        let summary = fuzz.output.components(separatedBy: "SUMMARY").last ?? fuzz.output
        #expect(fuzz.status == 0, "schemathesis found answers that are not allowed:\n\(fuzz.output.suffix(6000))")
        #expect(summary.contains("passed"), "\(summary)")
        #expect(daemon.process.isRunning, "the daemon is alive: \(daemon.stderr.suffix(2000))")
        #expect(try ctl("status").status == 0, "and answers")
        #expect(daemon.terminate() == 0, "and stops cleanly")
    }
}

/// `python3` with arguments, its output (standard output and error together) kept in a file.
enum PythonRun {
    struct Outcome {
        var status: Int32
        var output: String
    }

    static func start(_ arguments: [String], environment: [String: String], output: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [PythonProgram.interpreter] + arguments
        process.standardInput = FileHandle.nullDevice
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        try process.run()
        return process
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("py-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = try start(arguments, environment: environment, output: output)
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, output: (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    /// Like ``run(_:environment:)``, waiting without holding a thread of the concurrency pool.
    static func runAsync(_ arguments: [String], environment: [String: String] = [:]) async throws -> Outcome {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("py-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = try start(arguments, environment: environment, output: output)
        while process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        return Outcome(
            status: process.terminationStatus, output: (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }
}
