import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `export`: `followupctl export` of N cases against the real daemon, with both processes'
/// peak memory, once for a tenth of the cases and once for all: an export that streams keeps
/// both flat however many cases there are (issue 17).
struct ExportMemory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "followupctl export of N cases: time, and the peak memory of followupd and followupctl.")

    @Option(help: "How many cases.") var cases = 100_000
    @Option(help: "The followupd binary (build it with -c release).") var binary = ".build/release/followupd"
    @Option(help: "The followupctl binary.") var ctl = ".build/release/followupctl"
    @Option(help: "A folder for the database and configuration (created, then removed).") var dir =
        "/tmp/followupd-bench-export"

    func run() async throws {
        let rig = try BenchRig(directory: dir, binary: binary)
        defer { rig.remove() }
        let socket = rig.directory.appendingPathComponent("control.sock").path
        // A tenth first: the cases opened earliest, exported with --since their day.
        let tenth = max(cases / 10, 1)
        try await rig.seed(tenth, sentAt: Date().addingTimeInterval(-3 * 86_400))
        let daemon = try rig.start()
        _ = try await daemon.waitForReady()
        let idle = daemon.memory("VmRSS")
        let small = try Self.export(ctl: ctl, socket: socket)
        let afterSmall = daemon.memory("VmHWM")
        daemon.stop()
        try await rig.seed(cases - tenth, sentAt: Date().addingTimeInterval(-86_400))
        let again = try rig.start()
        _ = try await again.waitForReady()
        let idleAll = again.memory("VmRSS")
        let large = try Self.export(ctl: ctl, socket: socket)
        let afterLarge = again.memory("VmHWM")
        again.stop()
        guard small.rows == tenth, large.rows == cases else {
            throw BenchError(message: "exported \(small.rows) and \(large.rows) rows, expected \(tenth) and \(cases)")
        }
        print(
            """
            export of \(tenth) cases: \(String(format: "%.2f", small.seconds)) s, \
            followupd resident \(idle / 1024) MB idle, peak \(afterSmall / 1024) MB; \
            followupctl peak \(small.peakKB / 1024) MB
            export of \(cases) cases: \(String(format: "%.2f", large.seconds)) s, \
            followupd resident \(idleAll / 1024) MB idle, peak \(afterLarge / 1024) MB; \
            followupctl peak \(large.peakKB / 1024) MB
            ten times the cases: followupd peak ×\(String(format: "%.2f", Double(afterLarge) / Double(max(afterSmall, 1)))), \
            followupctl peak ×\(String(format: "%.2f", Double(large.peakKB) / Double(max(small.peakKB, 1))))
            """)
    }

    /// Runs `followupctl export --format csv` into a pipe read here; its rows (without the
    /// header), seconds and peak resident memory (from wait4's rusage).
    static func export(ctl: String, socket: String) throws -> (rows: Int, seconds: Double, peakKB: Int) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw BenchError(message: "pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
        posix_spawn_file_actions_addclose(&actions, ends[0])
        let arguments = [ctl, "--socket", socket, "export", "--format", "csv"]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let started = Date()
        var pid: pid_t = 0
        guard posix_spawn(&pid, ctl, &actions, nil, argv, environ) == 0 else {
            throw BenchError(message: "cannot run \(ctl)")
        }
        close(ends[1])
        var lines = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            lines += buffer[..<count].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        }
        close(ends[0])
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        guard status == 0 else { throw BenchError(message: "followupctl export failed (status \(status))") }
        return (lines - 1, Date().timeIntervalSince(started), usage.ru_maxrss)
    }
}
