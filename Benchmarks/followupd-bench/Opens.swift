import ArgumentParser
import Foundation
import Synchronization

/// `opens`: cases opened through the control socket by concurrent clients, each durably
/// committed before its answer, beside APScheduler 3 on the same workload in the same run.
struct Opens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Opens through the socket (opens/s, p50/p99) and the ratio to APScheduler 3 with its SQLite job store.")

    @Option(help: "How many cases to open.") var cases = 20_000
    @Option(help: "Concurrent clients.") var clients = 32
    @Option(help: "The followupd binary (build it with -c release).") var binary = ".build/release/followupd"
    @Option(help: "A folder for the database and configuration (created, then removed).") var dir =
        "/tmp/followupd-bench-opens"
    @Option(help: "Opens for the APScheduler run (it is slower).") var peerCases = 5_000
    @Flag(help: "Skip the APScheduler run.") var skipPeer = false

    func run() async throws {
        let rig = try BenchRig(directory: dir, binary: binary)
        defer { rig.remove() }
        let daemon = try rig.start()
        _ = try await daemon.waitForReady()
        let socket = rig.directory.appendingPathComponent("control.sock").path
        let perClient = cases / clients
        let latencies = Latencies()
        let failures = Mutex(0)
        let start = Date()
        runThreads(clients) { index in
            guard let client = try? BenchClient(path: socket) else {
                failures.withLock { $0 += perClient }
                return
            }
            var mine: [Double] = []
            mine.reserveCapacity(perClient)
            for n in 0..<perClient {
                let body = """
                    {"client":{"name":"Cliente \(index)-\(n)","ticket":"SSC-\(index)-\(n)"},\
                    "partner":{"name":"SIEG","emails":["suporte@sieg.example"]},\
                    "subject":"Notas não baixadas","verification":"Verificar a integração"}
                    """
                let sent = Date()
                let status = (try? client.request("POST", "/v1/cases", body: body)) ?? 0
                mine.append(Date().timeIntervalSince(sent))
                if status != 201 { failures.withLock { $0 += 1 } }
            }
            latencies.add(mine)
        }
        let elapsed = Date().timeIntervalSince(start)
        daemon.stop()
        let sorted = latencies.sorted
        let rate = Double(sorted.count) / elapsed
        print(
            """
            opens: \(sorted.count) cases by \(clients) clients in \(String(format: "%.2f", elapsed)) s: \
            \(Int(rate)) opens/s, p50 \(String(format: "%.2f", Latencies.percentile(sorted, 0.5) * 1000)) ms, \
            p99 \(String(format: "%.2f", Latencies.percentile(sorted, 0.99) * 1000)) ms, failures \(failures.withLock { $0 }) \
            (target ≥ 5,000/s)
            """)
        guard !skipPeer else { return }
        let peer = try Peer.run(cases: peerCases, clients: clients)
        print(
            """
            APScheduler 3 (SQLAlchemy SQLite job store), same workload: \(Int(peer.rate)) opens/s, \
            p50 \(String(format: "%.2f", peer.p50)) ms, p99 \(String(format: "%.2f", peer.p99)) ms
            ratio followupd / APScheduler: \(String(format: "%.1f", rate / peer.rate))× (goal 50×)
            """)
    }
}

/// APScheduler in a virtualenv of its own, run by the Python script beside this benchmark.
enum Peer {
    struct Figures: Decodable {
        var rate: Double
        var p50: Double
        var p99: Double

        enum CodingKeys: String, CodingKey {
            case rate = "opens_per_second"
            case p50 = "p50_ms"
            case p99 = "p99_ms"
        }
    }

    static func run(cases: Int, clients: Int) throws -> Figures {
        let venv = ".build/apscheduler-venv"
        if !FileManager.default.fileExists(atPath: venv + "/bin/python") {
            try shell("python3", ["-m", "venv", venv])
            try shell(venv + "/bin/pip", ["install", "-q", "apscheduler<4", "sqlalchemy"])
        }
        let output = try shell(
            venv + "/bin/python", ["Benchmarks/apscheduler_opens.py", "--count", "\(cases)", "--clients", "\(clients)"])
        guard let line = output.split(separator: "\n").last else {
            throw BenchError(message: "no output from the peer")
        }
        return try JSONDecoder().decode(Figures.self, from: Data(line.utf8))
    }

    @discardableResult
    static func shell(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError(message: "\(tool) failed") }
        return String(decoding: data, as: UTF8.self)
    }
}

/// `status`: `GET /v1/status` at a steady 1,000 requests per second; latency percentiles.
struct StatusLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "GET /v1/status at 1,000 req/s for a while: p50/p99 latency.")

    @Option(help: "Requests per second.") var rate = 1_000
    @Option(help: "Seconds.") var seconds = 10
    @Option(help: "Open cases to hold while measuring.") var cases = 100_000
    @Option(help: "The followupd binary (build it with -c release).") var binary = ".build/release/followupd"
    @Option(help: "A folder for the database and configuration.") var dir = "/tmp/followupd-bench-status"

    func run() async throws {
        let rig = try BenchRig(directory: dir, binary: binary)
        defer { rig.remove() }
        try await rig.seed(cases, sentAt: Date())
        let daemon = try rig.start()
        _ = try await daemon.waitForReady()
        let socket = rig.directory.appendingPathComponent("control.sock").path
        let threads = 4
        let interval = Double(threads) / Double(rate)
        let latencies = Latencies()
        let total = rate * seconds / threads
        runThreads(threads) { index in
            guard let client = try? BenchClient(path: socket) else { return }
            var mine: [Double] = []
            let begin = Date().addingTimeInterval(Double(index) / Double(rate))
            for n in 0..<total {
                let due = begin.addingTimeInterval(Double(n) * interval)
                let wait = due.timeIntervalSinceNow
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                let sent = Date()
                _ = try? client.request("GET", "/v1/status")
                mine.append(Date().timeIntervalSince(sent))
            }
            latencies.add(mine)
        }
        daemon.stop()
        let sorted = latencies.sorted
        print(
            """
            status: \(sorted.count) GET /v1/status at \(rate)/s with \(cases) open cases: \
            p50 \(String(format: "%.3f", Latencies.percentile(sorted, 0.5) * 1000)) ms, \
            p99 \(String(format: "%.3f", Latencies.percentile(sorted, 0.99) * 1000)) ms (target p99 < 10 ms)
            """)
    }
}
