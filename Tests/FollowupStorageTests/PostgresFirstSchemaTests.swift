import FollowupCore
import FollowupStorage
import FollowupTestSupport
import Foundation
import Testing

/// An upgrade keeps every case on PostgreSQL too: a database at the first PostgreSQL schema
/// (version 1 as commit d41bf29 shipped it, `Tests/Fixtures/first-schema/postgres-v1.sql`),
/// holding the rows the first release wrote into `first-schema.sqlite`, is migrated by
/// today's store and reads back whole; a migration that cannot finish changes nothing.
/// Skipped with the reason where no PostgreSQL test cluster can run.
@Suite struct PostgresFirstSchemaTests {
    /// A new database at the first schema with the fixture's rows; `body` gets its URL, and a
    /// way to run SQL in it as the superuser.
    func withFirstSchemaDatabase(
        _ body: (String, FirstSchemaFixture.Dump, (String) throws -> String) async throws -> Void
    ) async throws {
        let cluster = try PostgresTestCluster.require { reason in try Test.cancel(Comment(rawValue: reason)) }
        let database = try cluster.createDatabase()
        defer { cluster.dropDatabase(database.name) }
        let psql = { (arguments: [String]) throws -> String in
            try PostgresTestCluster.command(
                [
                    cluster.binaries + "/psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                    "-p", "\(cluster.port)", "-U", "postgres", "-d", database.name,
                ] + arguments)
        }
        let fixture = try await FirstSchemaFixture.dump(FirstSchemaFixture.path)
        _ = try psql(["-f", FirstSchemaFixture.postgresSchemaPath])
        try withScratchFolder { folder in
            let rows = folder.appendingPathComponent("rows.sql")
            try Self.inserts(fixture).write(to: rows, atomically: true, encoding: .utf8)
            _ = try psql(["-f", rows.path])
        }
        try await body(database.url, fixture) { sql in try psql(["-c", sql]) }
    }

    @Test func theFirstSchemaIsMigratedAndEveryRowReadsBack() async throws {
        try await withFirstSchemaDatabase { url, fixture, sql in
            #expect(try sql("SELECT version FROM schema_migrations ORDER BY version") == "1\n")
            try await PostgresCaseStore.withStore(url: url, nodeID: "node-a", logger: StoreEngine.quiet) { store in
                try await FirstSchemaReadBack.expectEverythingReadsBack(store, fixture)
                let highest = fixture.rows("cases").compactMap { $0["id"]?.integer }.max() ?? 0
                let opened = try await StoreFixture.open(store, 1, sentAt: Date(timeIntervalSince1970: 1_795_400_000))
                #expect(opened.id.number == highest + 1)
                let batch = try await StoreFixture.fireAll(store, now: Date(timeIntervalSince1970: 1_798_000_000))
                #expect(batch.total > 0 && batch.duplicates == 0)
            }
            // Every version after the first, none skipped.
            let versions = try sql("SELECT version FROM schema_migrations ORDER BY version").split(separator: "\n")
            #expect(versions.count >= 3)
            #expect(versions == (1...versions.count).map { Substring("\($0)") })
        }
    }

    @Test func aStepThatFailsChangesNothing() async throws {
        try await withFirstSchemaDatabase { url, _, sql in
            // An object of the name step 3 creates, made by hand: step 2 runs, then 3 fails.
            _ = try sql("CREATE TABLE notices (note TEXT)")
            let schema = try sql(Self.schemaQuery)
            let error = await #expect(throws: FollowupError.self) {
                try await PostgresCaseStore.withStore(url: url, nodeID: "node-a", logger: StoreEngine.quiet) { _ in }
            }
            #expect(error?.code == .migrationFailed, "\(error?.message ?? "")")
            #expect(error?.message.contains("notices") == true, "names the step: \(error?.message ?? "")")
            #expect(error?.message.contains("nothing was changed") == true)
            #expect(try sql("SELECT version FROM schema_migrations ORDER BY version") == "1\n")
            #expect(try sql(Self.schemaQuery) == schema, "step 2's table was rolled back with the rest")
        }
    }

    @Test func aDatabaseOfANewerReleaseIsRefusedUntouched() async throws {
        try await withFirstSchemaDatabase { url, _, sql in
            _ = try sql("INSERT INTO schema_migrations (version, name) VALUES (99, 'from a newer release')")
            let schema = try sql(Self.schemaQuery)
            let error = await #expect(throws: FollowupError.self) {
                try await PostgresCaseStore.withStore(url: url, nodeID: "node-a", logger: StoreEngine.quiet) { _ in }
            }
            #expect(error?.code == .migrationFailed)
            #expect(error?.message.contains("newer followupd") == true, "\(error?.message ?? "")")
            #expect(try sql(Self.schemaQuery) == schema)
        }
    }

    /// Every table and column of the public schema, one per line.
    static let schemaQuery = """
        SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns
        WHERE table_schema = 'public' ORDER BY table_name, column_name
        """

    /// INSERT statements for the fixture's rows in the first PostgreSQL schema (the same
    /// tables and columns; SQLite's 0/1 become booleans), and the case id sequence moved past
    /// them as that release's own opens would have.
    static func inserts(_ fixture: FirstSchemaFixture.Dump) -> String {
        var text = ""
        for table in ["cases", "events", "stages_done", "outbox", "reports", "counters"] {
            for row in fixture.rows(table) {
                let columns = row.keys.sorted()
                let values = columns.map { column in
                    column == "needs_ack"
                        ? (row[column]?.integer == 0 ? "FALSE" : "TRUE") : literal(row[column] ?? .null)
                }
                text +=
                    "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")));\n"
            }
        }
        return text + "SELECT setval('case_ids', (SELECT max(id) FROM cases));\n"
    }

    /// A value as a PostgreSQL literal.
    static func literal(_ value: FirstSchemaFixture.Dump.Value) -> String {
        switch value {
        case .null: "NULL"
        case .integer(let number): "\(number)"
        case .real(let number): "\(number)"
        case .text(let text): "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        case .blob(let bytes): "'\\x" + bytes.map { String(format: "%02x", $0) }.joined() + "'::bytea"
        }
    }
}
