import FollowupCore
import FollowupStorage
import Foundation
import Logging

/// A database, a configuration and the real daemon for one benchmark.
struct BenchRig {
    let directory: URL
    let binary: String
    let store: SQLiteCaseStore

    init(directory path: String, binary: String) throws {
        directory = URL(fileURLWithPath: path)
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.binary = binary
        store = try SQLiteCaseStore(
            path: directory.appendingPathComponent("followupd.sqlite").path,
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let yaml = """
            storage: { path: followupd.sqlite }
            control: { socket: control.sock }
            mail: { from: "Suporte <suporte@desk.example>", maildir: outbox }
            owners: [{ name: joana, email: joana@desk.example }]
            log: { target: stderr, level: info }
            """
        try yaml.write(to: directory.appendingPathComponent("followupd.yaml"), atomically: true, encoding: .utf8)
    }

    /// Opens `count` cases sent at `sentAt`, 5,000 per transaction.
    func seed(_ count: Int, sentAt: Date) async throws {
        try await Self.seed(store, count, sentAt: sentAt)
    }

    /// Opens `count` cases sent at `sentAt` in `store`, 5,000 per transaction.
    static func seed(_ store: any CaseStore, _ count: Int, sentAt: Date) async throws {
        let env = CaseEnvironment(now: Date(), by: "joana", mailHost: "desk.example")
        var opened = 0
        while opened < count {
            let size = min(5_000, count - opened)
            let makes: [@Sendable (CaseID) throws -> StoredChange] = (0..<size).map { offset in
                let n = opened + offset + 1
                let request = NewCase(
                    client: Client(name: "Cliente \(n)", ticket: "SSC-\(n)"),
                    partner: PartnerContact(name: "SIEG", emails: ["suporte@sieg.example"]),
                    subject: "Assunto \(n)", verification: "Verificar a integração \(n)", owner: "joana", sentAt: sentAt
                )
                return { id in
                    let transition = try CaseMachine.open(request, id: id, in: env)
                    return StoredChange(case: transition.case, entries: transition.entries)
                }
            }
            for result in try await store.openCases(makes) { _ = try result.get() }
            opened += size
        }
    }

    func start() throws -> RunningDaemon {
        try RunningDaemon(binary: binary, config: directory.appendingPathComponent("followupd.yaml").path)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// The daemon as a child process; its standard error goes to a file read for the ready line.
final class RunningDaemon {
    let process = Process()
    let log: String
    let started: Date

    init(binary: String, config: String, environment: [String: String] = [:]) throws {
        log = config + ".\(UUID().uuidString.prefix(6)).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--config", config]
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        started = Date()
        try process.run()
    }

    /// Seconds from exec until the daemon logged that it is ready (read every 2 ms).
    func waitForReady() async throws -> Double {
        while process.isRunning {
            if let text = try? String(contentsOfFile: log, encoding: .utf8), text.contains("followupd ready") {
                return Date().timeIntervalSince(started)
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        throw BenchError(message: "followupd exited before it was ready:\n\(text)")
    }

    /// A memory figure from /proc/PID/status, in kB.
    func memory(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
        }
        return 0
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

struct BenchError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
