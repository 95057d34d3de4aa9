import FollowupAPI
import FollowupCore
import FollowupSystemd
import FollowupTestSupport
import Foundation
import Testing

/// The real `followupd` on a database made by the first release (§6.11): it copies the file,
/// migrates it and serves its cases; when the migration cannot finish it exits 78 with the
/// reason on stderr and in the journal, the file's bytes unchanged.
@Suite(.serialized) struct UpgradeTests {
    @Test func theDaemonMigratesTheFirstSchemaAndServesItsCases() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try FirstSchemaFixture.copy(to: workspace.databasePath)
        let fixture = try await FirstSchemaFixture.dump(workspace.databasePath)
        try workspace.writeConfiguration(resendAfter: "24h", reportAfter: "72h")
        let daemon = try workspace.startDaemon()
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        let up = try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 }
        #expect(up, "\(daemon.stderr)")

        // The cases' stages fell due long ago: the scheduler may be carrying them out meanwhile,
        // so states can move on; none may be missing.
        let status = try APICoding.decoder().decode(
            StatusJSON.self, from: Data(try RawClient.request(socket, "GET", "/v1/status").body.utf8))
        #expect(status.cases.values.reduce(0, +) == fixture.rows("cases").count)
        for row in fixture.rows("cases") {
            let id = try #require(row["id"]?.integer)
            let answer = try RawClient.request(socket, "GET", "/v1/cases/FU-\(id)")
            #expect(answer.status == 200, "FU-\(id): \(answer.body)")
            let shown = try APICoding.decoder().decode(CaseJSON.self, from: Data(answer.body.utf8))
            #expect(shown.client.name == row["client"]?.text)
        }
        #expect(daemon.terminate() == 0)
        let copy = workspace.databasePath + ".pre-v2.bak"
        #expect(FileManager.default.fileExists(atPath: copy))
        #expect(daemon.stderr.contains("database copied before its schema is migrated"), "\(daemon.stderr)")
        #expect(daemon.stderr.contains(copy))
    }

    @Test func aMigrationThatFailsExits78AndLeavesTheFileAsItWas() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try FirstSchemaFixture.copy(to: workspace.databasePath)
        try await Self.sqlite(workspace.databasePath, "CREATE TABLE notices (note TEXT)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: workspace.databasePath))
        try workspace.writeConfiguration()

        let (status, stderr) = try DaemonProcess.run(
            ["--config", workspace.configPath], directory: workspace.directory)
        #expect(status == 78, "\(stderr)")
        #expect(stderr.contains("followupd: cannot migrate the schema of the database \(workspace.databasePath)"))
        #expect(stderr.contains("v4: notices"), "\(stderr)")
        #expect(stderr.contains("nothing was changed"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: workspace.databasePath)) == bytes)
        #expect(
            !FileManager.default.fileExists(atPath: workspace.directory.appendingPathComponent("control.sock").path))
    }

    @Test(.enabled(if: getuid() == 0, "starting journald needs root (CI runs as root)"))
    func theReasonReachesTheJournalWithItsCatalogEntry() async throws {
        #expect(try await JournalTests.ensureJournald(), "a journald is running")
        let workspace = try Workspace()
        defer { workspace.remove() }
        try FirstSchemaFixture.copy(to: workspace.databasePath)
        try await Self.sqlite(
            workspace.databasePath, "INSERT INTO grdb_migrations VALUES ('v99: from a newer release')")
        try workspace.writeConfiguration()
        let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
            .replacingOccurrences(of: "target: stderr", with: "target: journal")
        try text.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)

        let daemon = try workspace.startDaemon()
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 78)
        #expect(daemon.stderr.contains("v99: from a newer release"), "also on stderr: \(daemon.stderr)")
        let pid = JournalProcess(daemon)
        let id = JournalEvent.migrationFailed.messageID
        let found = try await eventually(timeout: 15) {
            try JournalTests.entries(of: pid).contains { ($0["MESSAGE_ID"] as? String) == id }
        }
        #expect(found, "the failure reaches the journal")
        let entry = try JournalTests.entries(of: pid).first { ($0["MESSAGE_ID"] as? String) == id }
        let reason = entry?["FOLLOWUP_ERROR"] as? String ?? ""
        #expect(reason.contains(workspace.databasePath) && reason.contains("newer followupd"), "\(reason)")
        #expect(entry?["PRIORITY"] as? String == "2", "critical")
    }

    @Test func aPostgreSQLMigrationThatFailsExits78AndChangesNothing() async throws {
        let cluster = try PostgresTestCluster.require { reason in try Test.cancel(Comment(rawValue: reason)) }
        let database = try cluster.createDatabase()
        defer { cluster.dropDatabase(database.name) }
        // An object of the name the third step creates: the first two run, then the third fails.
        try cluster.sql("CREATE TABLE notices (note TEXT)", database: database.name)
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration()
        let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
            .replacingOccurrences(of: "path: followupd.sqlite", with: "url: \"\(database.url)\"")
        try text.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)

        let (status, stderr) = try DaemonProcess.run(
            ["--config", workspace.configPath], directory: workspace.directory)
        #expect(status == 78, "\(stderr)")
        #expect(stderr.contains("notices") && stderr.contains("nothing was changed"), "\(stderr)")
        let tables = try PostgresTestCluster.command(
            cluster.binaries + "/psql", "-X", "-t", "-A", "-h", "127.0.0.1", "-p", "\(cluster.port)", "-U", "postgres",
            "-d", database.name, "-c", "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        #expect(tables == "notices\n", "only the table made by hand: the rest was rolled back")
    }

    /// Runs SQL on the file with Python's `sqlite3` (committed and checkpointed when it returns).
    static func sqlite(_ path: String, _ statement: String) async throws {
        let outcome = try await PythonProgram.run(
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.close()",
            [path, statement])
        try #require(outcome.status == 0, "\(outcome.stderr)")
    }
}
