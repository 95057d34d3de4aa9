import FollowupAPI
import Foundation
import Testing

/// `followupctl backup` while the desk keeps working (§6.10): the copy is consistent, checked
/// and holds every case acknowledged before it began; the documented restore brings them back.
@Suite(.serialized) struct BackupTests {
    @Test func aBackupTakenUnderLoadHoldsEveryAcknowledgedCaseAndRestores() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1s", reportAfter: "3s")
        var daemon = try workspace.startDaemon()
        let ctl = FollowupctlProcess(workspace)
        try #require(try await ctl.waitForDaemon(), "followupd did not answer: \(daemon.stderr)")
        let body = #"{"client":{"name":"Padaria"},"partner":{"name":"SIEG"},"subject":"s","verification":"v"}"#
        for _ in 1...50 {
            try #require(try RawClient.request(ctl.socket, "POST", "/v1/cases", body: body).status == 201)
        }

        // Opens go on (and resends and reports come due) while the backup is taken.
        let load = Thread {
            for _ in 1...200 { _ = try? RawClient.request(ctl.socket, "POST", "/v1/cases", body: body) }
        }
        load.start()
        let before = try ctl("--json", "status")
        let acknowledged = try APICoding.decoder().decode(StatusJSON.self, from: Data(before.stdout.utf8)).openCases
        let copy = workspace.directory.appendingPathComponent("backup/followupd-copy.sqlite")
        try FileManager.default.createDirectory(
            at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        let taken = try ctl("backup", copy.path)
        #expect(taken.status == 0, "\(taken.stderr)")
        #expect(taken.stdout.contains("integrity ok"))
        while !load.isFinished { try await Task.sleep(for: .milliseconds(50)) }

        let checked = try PythonRun.run([
            "-c",
            """
            import sqlite3, sys
            db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
            print(db.execute("PRAGMA integrity_check").fetchone()[0], db.execute("SELECT COUNT(*) FROM cases").fetchone()[0])
            """,
            copy.path,
        ])
        let fields = checked.output.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(fields.first == "ok", "\(checked.output)")
        let copied = Int(fields.last ?? "") ?? -1
        #expect(copied >= acknowledged && copied >= 50, "the copy holds \(copied) of \(acknowledged) acknowledged")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: copy.deletingLastPathComponent().path)
        #expect(leftovers == ["followupd-copy.sqlite"], "no partial file and no -wal beside the copy: \(leftovers)")

        // The documented restore: stop, replace the database (and its -wal/-shm), start.
        #expect(daemon.terminate() == 0)
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: workspace.databasePath + suffix)
        }
        try FileManager.default.copyItem(atPath: copy.path, toPath: workspace.databasePath)
        daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        try #require(try await ctl.waitForDaemon(), "followupd did not start on the copy: \(daemon.stderr)")
        let listed = try ctl("--json", "list")
        let restored = try APICoding.decoder().decode(CaseList.self, from: Data(listed.stdout.utf8)).cases.count
        #expect(restored == copied, "the restored daemon has the copy's cases")

        let notADatabase = workspace.directory.appendingPathComponent("followupd.yaml").path
        let kept = try String(contentsOfFile: notADatabase, encoding: .utf8)
        let overwrite = try ctl("backup", notADatabase)
        #expect(overwrite.status == 1)
        #expect(overwrite.stderr.contains("not an SQLite database"))
        #expect(try String(contentsOfFile: notADatabase, encoding: .utf8) == kept, "the file is untouched")
        #expect(try ctl("backup", copy.path).status == 0, "an earlier copy is replaced")

        let relative = try RawClient.request(ctl.socket, "POST", "/v1/backup", body: #"{"path":"copy.sqlite"}"#)
        #expect(relative.status == 400, "a relative path is refused, not taken from the daemon's folder")
        #expect(!FileManager.default.fileExists(atPath: workspace.directory.appendingPathComponent("copy.sqlite").path))

        let refused = try ctl("backup", "/nonexistent-folder/x.sqlite")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("existing folder"))
    }
}
