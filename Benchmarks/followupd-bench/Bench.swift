import ArgumentParser
import FollowupCore
import FollowupStorage
import Foundation
import Logging

/// Benchmarks of SPEC §8 run against the real `followupd` binary on a real SQLite file.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followupd-bench",
        abstract: "Measures followupd against the targets of SPEC §8.",
        subcommands: [
            Storm.self, ClusterStorm.self, Startup.self, Opens.self, StatusLoad.self, ExportMemory.self,
            RetentionScan.self,
        ])
}

/// `storm`: N cases whose resend falls due at one instant; time until all are committed.
struct Storm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "N resends due at one instant: time until every event and outbox row is committed, and peak memory.")

    @Option(help: "How many cases.") var cases = 100_000
    @Option(help: "The followupd binary (build it with -c release).") var binary = ".build/release/followupd"
    @Option(help: "A folder for the database and configuration (created, then removed).") var dir =
        "/tmp/followupd-bench-storm"

    func run() async throws {
        let rig = try BenchRig(directory: dir, binary: binary)
        defer { rig.remove() }
        // Every resend falls due at `instant`, a little after the daemon is up.
        let seedStart = Date()
        let instant = Date().addingTimeInterval(Double(cases) / 15_000 + 10)
        try await rig.seed(cases, sentAt: instant.addingTimeInterval(-24 * 3600))
        print("seeded \(cases) cases in \(String(format: "%.1f", Date().timeIntervalSince(seedStart))) s")
        let daemon = try rig.start()
        _ = try await daemon.waitForReady()
        guard Date() < instant else {
            print("seeding outran the chosen instant; run again with more lead time")
            throw ExitCode(1)
        }
        try await Task.sleep(for: .seconds(instant.timeIntervalSinceNow))
        var done = 0
        while done < cases {
            try await Task.sleep(for: .milliseconds(20))
            done = try await rig.store.counts().stages[.resend] ?? 0
        }
        let elapsed = Date().timeIntervalSince(instant)
        let peak = daemon.memory("VmHWM")
        let counts = try await rig.store.counts()
        daemon.stop()
        print(
            """
            storm: \(cases) resends due at one instant, all committed in \(String(format: "%.2f", elapsed)) s \
            (\(Int(Double(cases) / elapsed)) stages/s; target < 20 s for 100,000)
            outbox rows pending: \(counts.outbox[.pending] ?? 0)
            followupd peak resident memory: \(peak / 1024) MB
            """)
    }
}

/// `startup`: N open cases; time from exec to ready, and resident memory once idle.
struct Startup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "N open cases held: start-up time to ready and resident memory.")

    @Option(help: "How many open cases.") var cases = 1_000_000
    @Option(help: "The followupd binary (build it with -c release).") var binary = ".build/release/followupd"
    @Option(help: "A folder for the database and configuration (created, then removed).") var dir =
        "/tmp/followupd-bench-startup"

    func run() async throws {
        let rig = try BenchRig(directory: dir, binary: binary)
        defer { rig.remove() }
        let seedStart = Date()
        try await rig.seed(cases, sentAt: Date())
        print("seeded \(cases) cases in \(String(format: "%.1f", Date().timeIntervalSince(seedStart))) s")
        var startups: [Double] = []
        var resident: [Int] = []
        for _ in 1...3 {
            let daemon = try rig.start()
            startups.append(try await daemon.waitForReady())
            try await Task.sleep(for: .seconds(3))
            resident.append(daemon.memory("VmRSS"))
            daemon.stop()
        }
        let median = startups.sorted()[1]
        print(
            """
            startup: \(cases) open cases; start-up to ready \(startups.map { String(format: "%.3f", $0) }.joined(separator: ", ")) s \
            (median \(String(format: "%.3f", median)) s; target < 2 s)
            followupd resident memory when idle: \(resident.map { "\($0 / 1024) MB" }.joined(separator: ", ")) (target < 150 MB)
            """)
    }
}
