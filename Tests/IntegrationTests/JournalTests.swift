import FollowupSystemd
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Logging to a real journald: structured fields, one MESSAGE_ID per kind of event, all in
/// the shipped catalog, the right priorities, and `journalctl -x` showing our explanation.
@Suite(.serialized) struct JournalTests {
    static let socket = "/run/systemd/journal/socket"

    /// Starts /lib/systemd/systemd-journald when no journal runs (as CI, without systemd).
    /// A socket file is not proof of a journal: a journald started by an earlier run may be
    /// gone and have left its socket behind, so the check is a connect to it.
    static func ensureJournald() async throws -> Bool {
        if journalAnswers() { return true }
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd-journald") else {
            return false
        }
        try FileManager.default.createDirectory(atPath: "/run/systemd/journal", withIntermediateDirectories: true)
        _ = try ActivationAndMetricsTests.spawn(["/lib/systemd/systemd-journald"], stderr: "/dev/null")
        return try await eventually(timeout: 15) { journalAnswers() }
    }

    /// Whether something listens on the journal socket (a stale file refuses the connect).
    static func journalAnswers() -> Bool {
        let descriptor = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return (try? UnixAddress.with(socket) { connect(descriptor, $0, $1) }) != nil
    }

    static func journal(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func entries(of process: JournalProcess) throws -> [[String: Any]] {
        try journal(["-o", "json", "--no-pager"] + process.match).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    static var catalogPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("systemd/followupd.catalog").path
    }

    @Test(.enabled(if: getuid() == 0, "starting journald needs root (CI runs as root)"))
    func structuredEntriesWithMessageIDsFromTheCatalog() async throws {
        #expect(try await Self.ensureJournald(), "a journald is running")
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1h", reportAfter: "3h")
        var text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "target: stderr", with: "target: journal")
        try text.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let daemon = try workspace.startDaemon()
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        _ = try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 }
        let secret = "senha-super-secreta-123"
        _ = try RawClient.request(
            socket, "POST", "/v1/cases",
            body:
                #"{"client":{"name":"C"},"partner":{"name":"SIEG","emails":["s@s.example"]},"subject":"s","verification":"v","sensitive":["password"]}"#
        )
        _ = try RawClient.request(socket, "POST", "/v1/cases/FU-1/notes", body: "{\"note\":\"\(secret)\"}")
        _ = try RawClient.request(socket, "POST", "/v1/cases/FU-1/reopen", body: #"{"reason":"x"}"#)
        let pid = JournalProcess(daemon)
        #expect(daemon.terminate() == 0)

        let found = try await eventually(timeout: 15) {
            try Self.entries(of: pid).contains { ($0["MESSAGE"] as? String) == "followupd stopped" }
        }
        #expect(found, "the daemon's entries reach the journal")
        let entries = try Self.entries(of: pid)
        #expect(entries.allSatisfy { ($0["SYSLOG_IDENTIFIER"] as? String) == "followupd" })
        #expect(entries.allSatisfy { $0["CODE_FILE"] != nil && $0["CODE_LINE"] != nil && $0["CODE_FUNC"] != nil })

        // One case's story through FOLLOWUP_CASE.
        let story = try Self.journal(["-o", "json", "--no-pager"] + pid.match + ["FOLLOWUP_CASE=FU-1"])
            .split(separator: "\n").compactMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        #expect(story.count == 3, "open, note and the refused reopen")
        #expect(story.allSatisfy { $0["PEER_UID"] as? String == "\(getuid())" && $0["PEER_PID"] != nil })
        #expect(story.last?["PRIORITY"] as? String == "5", "a refused request is a notice")
        #expect(story.first?["PRIORITY"] as? String == "6")

        // Every MESSAGE_ID is documented in the catalog, and the key events carry one.
        let catalog = try String(contentsOfFile: Self.catalogPath, encoding: .utf8)
        let ids = Set(entries.compactMap { $0["MESSAGE_ID"] as? String })
        #expect(
            ids.isSuperset(of: [
                JournalEvent.started.messageID, JournalEvent.ready.messageID, JournalEvent.stopped.messageID,
                JournalEvent.controlRequest.messageID,
            ]))
        for id in ids {
            #expect(catalog.contains("-- \(id)\n") && catalog.contains("-- \(id) pt_BR\n"), "\(id) in the catalog")
        }
        for event in JournalEvent.allCases {
            #expect(catalog.contains("-- \(event.messageID)\n"), "\(event) in the catalog")
        }

        // Sensitive text never reaches the journal.
        let everything = try Self.journal(["-o", "json", "--no-pager"] + pid.match)
        #expect(!everything.contains(secret))
    }

    @Test(.enabled(if: getuid() == 0, "installing a catalog needs root (CI runs as root)"))
    func journalctlExplainsOurEntriesFromTheShippedCatalog() async throws {
        #expect(try await Self.ensureJournald())
        let directory = "/usr/lib/systemd/catalog"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let installed = directory + "/followupd.catalog"
        try? FileManager.default.removeItem(atPath: installed)
        try FileManager.default.copyItem(atPath: Self.catalogPath, toPath: installed)
        _ = try Self.journal(["--update-catalog"])
        let listed = try Self.journal(["--list-catalog"])
        #expect(listed.contains(JournalEvent.ready.messageID))
        let shown = try Self.journal(["--dump-catalog", JournalEvent.reloadRefused.messageID])
        #expect(shown.contains("The running configuration stays in force"))
    }
}

/// A daemon's entries in the journal: its `_PID`, from a little before it started. PIDs are
/// reused (pid_max is 32768 here) and the journal keeps the entries of earlier test runs, so
/// `_PID` alone could also match an older process that had the same number.
struct JournalProcess {
    let pid: Int32
    let since: Date

    init(_ daemon: DaemonProcess) {
        pid = daemon.process.processIdentifier
        since = daemon.started.addingTimeInterval(-1)
    }

    /// The journalctl arguments that select this process's entries.
    var match: [String] { ["_PID=\(pid)", "--since", "@\(Int(since.timeIntervalSince1970))"] }
}
