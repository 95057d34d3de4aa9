import FollowupTestSupport
import Foundation

/// The real webhook endpoint of `Tests/Support/webhook_receiver.py` (Python's standard HTTP
/// server verifying each signature with the `standardwebhooks` package), run as a child process.
final class WebhookReceiver {
    let process = Process()
    let directory: URL
    let port: Int
    let secret: String?

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Support/webhook_receiver.py").path
    }

    var logPath: String { directory.appendingPathComponent("received.jsonl").path }
    var scriptPath: String { directory.appendingPathComponent("answers.txt").path }
    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// Starts a receiver answering `answers` in order (then 200), on `port` (0: any free one).
    init(in directory: URL, secret: String?, answers: [String] = [], port: Int = 0) throws {
        self.directory = directory
        self.secret = secret
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let portFile = directory.appendingPathComponent("port-\(UUID().uuidString.prefix(6))").path
        let scriptPath = directory.appendingPathComponent("answers.txt").path
        let logPath = directory.appendingPathComponent("received.jsonl").path
        try answers.map { $0 + "\n" }.joined().write(toFile: scriptPath, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = [
            PythonProgram.interpreter, Self.script, "--port-file", portFile, "--log", logPath, "--script", scriptPath,
            "--port", "\(port)",
        ]
        if let secret { arguments += ["--secret", secret] }
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError =
            FileHandle(
                forWritingAtPath: directory.appendingPathComponent("receiver.log").path) ?? FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var found: Int?
        while Date() < deadline, found == nil, process.isRunning {
            found = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap {
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            if found == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        guard let found else {
            process.terminate()
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: portFile])
        }
        self.port = found
    }

    /// Appends answers to the script (consumed in order before the default 200).
    func answer(_ lines: [String]) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: scriptPath))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    /// Every request received, in arrival order.
    func requests() -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The webhook-ids answered with a 2xx, in arrival order.
    func delivered() -> [String] {
        requests().compactMap { request in
            guard let status = request["status"] as? Int, (200..<300).contains(status) else { return nil }
            return request["webhook_id"] as? String
        }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
