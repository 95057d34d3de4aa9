import ArgumentParser
import FollowupCore
import FollowupStorage
import FollowupTestSupport
import Foundation
import Logging

/// `cluster-storm`: the timer storm of `storm`, on N nodes sharing one PostgreSQL database.
///
/// A throw-away PostgreSQL cluster is started (as the `postgres` user, like the tests); the
/// cases are seeded straight into the database, then N daemons run on it, each with its own
/// node id, and the time from the instant every resend falls due until all are committed is
/// measured from the shared counters.
struct ClusterStorm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster-storm",
        abstract: "N resends due at one instant, carried out by several nodes on one PostgreSQL.")

    @Option(help: "How many cases.") var cases = 100_000
    @Option(help: "How many followupd nodes.") var nodes = 2
    @Option(help: "The followupd binary (build it with -c release).") var binary = ".build/release/followupd"
    @Option(help: "A folder for the nodes' configurations (created, then removed).") var dir =
        "/tmp/followupd-bench-cluster"

    func run() async throws {
        let cluster: PostgresTestCluster
        switch PostgresTestCluster.shared {
        case .ready(let ready): cluster = ready
        case .skipped(let reason), .failed(let reason): throw BenchError(message: "no PostgreSQL: \(reason)")
        }
        let database = try cluster.createDatabase()
        defer { cluster.dropDatabase(database.name) }
        let root = URL(fileURLWithPath: dir)
        try? FileManager.default.removeItem(at: root)
        defer { try? FileManager.default.removeItem(at: root) }
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        try await PostgresCaseStore.withStore(url: database.url, nodeID: "bench", logger: logger) { store in
            let instant = Date().addingTimeInterval(Double(cases) / 1_000 + 20)
            let seedStart = Date()
            try await BenchRig.seed(store, cases, sentAt: instant.addingTimeInterval(-24 * 3600))
            print("seeded \(cases) cases in \(String(format: "%.1f", Date().timeIntervalSince(seedStart))) s")
            var daemons: [RunningDaemon] = []
            for n in 1...nodes {
                let folder = root.appendingPathComponent("node-\(n)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let yaml = """
                    storage: { url: "\(database.url)" }
                    control: { socket: control.sock }
                    mail: { from: "Suporte <suporte@desk.example>", maildir: outbox }
                    owners: [{ name: joana, email: joana@desk.example }]
                    log: { target: stderr, level: info }
                    """
                let config = folder.appendingPathComponent("followupd.yaml")
                try yaml.write(to: config, atomically: true, encoding: .utf8)
                daemons.append(
                    try RunningDaemon(
                        binary: binary, config: config.path, environment: ["FOLLOWUPD_NODE_ID": "node-\(n)"]))
            }
            defer { daemons.forEach { $0.stop() } }
            for daemon in daemons { _ = try await daemon.waitForReady() }
            guard Date() < instant else { throw BenchError(message: "seeding outran the chosen instant") }
            try await Task.sleep(for: .seconds(instant.timeIntervalSinceNow))
            var done = 0
            while done < cases {
                try await Task.sleep(for: .milliseconds(50))
                done = try await store.counts().stages[.resend] ?? 0
            }
            let elapsed = Date().timeIntervalSince(instant)
            let peaks = daemons.map { $0.memory("VmHWM") / 1024 }
            print(
                """
                cluster storm: \(cases) resends due at one instant on \(nodes) nodes sharing PostgreSQL, \
                all committed in \(String(format: "%.2f", elapsed)) s (\(Int(Double(cases) / elapsed)) stages/s)
                followupd peak resident memory per node: \(peaks.map { "\($0) MB" }.joined(separator: ", "))
                """)
        }
    }
}
