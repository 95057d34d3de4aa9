import FollowupTestSupport
import Foundation
import Glibc
import Testing

/// `Tests/Support/webhook_receiver.py` run as a real HTTP endpoint on loopback: it verifies
/// signatures with the `standardwebhooks` package, logs each request and answers from a script.
final class WebhookReceiver {
    /// One request as the receiver logged it.
    struct Request: Decodable {
        var webhookID: String?
        var timestamp: String?
        var signature: String?
        var verified: Bool
        var error: String?
        var body: String
        var headers: [String: String]
        var path: String

        enum CodingKeys: String, CodingKey {
            case webhookID = "webhook_id"
            case timestamp, signature, verified, error, body, headers, path
        }
    }

    let folder: URL
    let process: Process
    let port: Int

    /// The receiver's script, its source file's sibling folder `Support`.
    static let program = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Support/webhook_receiver.py")

    /// Starts a receiver answering `script` (one answer per line), verifying with `secret`.
    init(secret: String?, script: [String] = []) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("followup-hook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(script.map { $0 + "\n" }.joined().utf8).write(to: folder.appendingPathComponent("script"))
        let portFile = folder.appendingPathComponent("port")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                PythonProgram.interpreter, Self.program.path, "--port-file", portFile.path, "--log",
                folder.appendingPathComponent("log").path, "--script", folder.appendingPathComponent("script").path,
            ] + (secret.map { ["--secret", $0] } ?? [])
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: Self.touch(folder.appendingPathComponent("stderr")))
        try process.run()
        var found: Int?
        for _ in 0..<500 where found == nil {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let number = Int(text) {
                found = number
            } else if !process.isRunning {
                break
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        guard let found else {
            let said = (try? String(contentsOf: folder.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
            kill(process.processIdentifier, SIGKILL)
            throw ReceiverFailure(message: "the webhook receiver did not start: \(said)")
        }
        port = found
    }

    struct ReceiverFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private static func touch(_ file: URL) -> URL {
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        return file
    }

    /// The endpoint's URL.
    var url: String { "http://127.0.0.1:\(port)/hooks/followup" }

    /// Replaces the answers still to come.
    func answer(_ script: [String]) throws {
        try Data(script.map { $0 + "\n" }.joined().utf8).write(to: folder.appendingPathComponent("script"))
    }

    /// Every request logged so far, in order.
    func requests() throws -> [Request] {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("log")) else { return [] }
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try JSONDecoder().decode(Request.self, from: Data($0))
        }
    }

    /// Stops the receiver (SIGTERM, then SIGKILL after 2 s) and removes its folder; waits
    /// without holding a thread of the concurrency pool.
    func stop() async {
        if process.isRunning { process.terminate() }
        for attempt in 0..<300 where process.isRunning {
            if attempt == 100 { kill(process.processIdentifier, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `body` with a receiver, stopped afterwards whatever happens.
    static func with<T>(
        secret: String?, script: [String] = [], _ body: (WebhookReceiver) async throws -> T
    ) async throws -> T {
        let receiver = try await WebhookReceiver(secret: secret, script: script)
        do {
            let result = try await body(receiver)
            await receiver.stop()
            return result
        } catch {
            await receiver.stop()
            throw error
        }
    }
}
