import FollowupCore
import FollowupStorage
import FollowupTestSupport
import Foundation
import Testing

/// An upgrade keeps every case (§6.11): the database made by the first release's code
/// (`Tests/Fixtures/first-schema`) is migrated by today's store, copied first, and reads back
/// whole; a migration that cannot finish leaves the file as it was.
@Suite struct FirstSchemaUpgradeTests {
    /// A copy of the fixture in a folder of its own, removed after `body`.
    func withFixtureCopy<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("followupd-upgrade-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("followupd.db").path
        try FirstSchemaFixture.copy(to: path)
        return try await body(path)
    }

    @Test func theFirstSchemaIsMigratedAndEveryRowReadsBack() async throws {
        try await withFixtureCopy { path in
            let before = try await FirstSchemaFixture.dump(path)
            #expect(
                before.rows("grdb_migrations").compactMap { $0["identifier"]?.text } == [FirstSchemaFixture.firstStep])
            #expect(!before.tableNames.contains("inbox"), "the fixture is at the first schema")

            let store = try SQLiteCaseStore(path: path, logger: StoreEngine.quiet)
            try await FirstSchemaReadBack.expectEverythingReadsBack(store, before)

            // The copy taken before migrating is the first-schema file, whole.
            let copy = try await FirstSchemaFixture.dump(path + ".pre-v2.bak")
            #expect(copy.tables == before.tables)
            // Every step of today's schema, and the same tables and indexes as a new database.
            let after = try await FirstSchemaFixture.dump(path)
            let fresh = try await Self.freshSchema()
            #expect(Self.steps(after) == Self.steps(fresh))
            #expect(after.schema.map { $0.prefix(2) } == fresh.schema.map { $0.prefix(2) })
            #expect(after.tableNames.isSuperset(of: ["idempotency", "deliveries", "notices", "inbox", "message_ids"]))
        }
    }

    @Test func migratedCasesGoOnAndNewOnesTakeTheNextID() async throws {
        try await withFixtureCopy { path in
            let before = try await FirstSchemaFixture.dump(path)
            let store = try SQLiteCaseStore(path: path, logger: StoreEngine.quiet)
            let highest = before.rows("cases").compactMap { $0["id"]?.integer }.max() ?? 0
            let opened = try await StoreFixture.open(store, 1, sentAt: Date(timeIntervalSince1970: 1_795_400_000))
            #expect(opened.id.number == highest + 1)
            // A month later every stage the old cases still had armed is carried out.
            let due = try await store.nextDeadline()
            #expect(due != nil, "old cases keep their timers")
            let batch = try await StoreFixture.fireAll(store, now: Date(timeIntervalSince1970: 1_798_000_000))
            #expect(batch.total > 0)
            #expect(batch.duplicates == 0, "no stage done before is repeated")
        }
    }

    @Test func aStepThatFailsLeavesTheFileAsItWas() async throws {
        try await withFixtureCopy { path in
            // An object of the name the fourth step creates, made by hand: steps 2 and 3 run, then 4 fails.
            try await Self.sqlite(path, "CREATE TABLE notices (note TEXT)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let before = try await FirstSchemaFixture.dump(path)

            let error = #expect(throws: FollowupError.self) {
                _ = try SQLiteCaseStore(path: path, logger: StoreEngine.quiet)
            }
            #expect(error?.code == .migrationFailed)
            #expect(error?.message.contains(path) == true, "names the file: \(error?.message ?? "")")
            #expect(error?.message.contains("v4: notices") == true, "names the step that failed")
            #expect(error?.message.contains("nothing was changed") == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes, "the file's bytes are unchanged")
            let after = try await FirstSchemaFixture.dump(path)
            #expect(after.schema == before.schema)
            #expect(after.tables == before.tables)
        }
    }

    @Test func aDatabaseOfANewerReleaseIsRefusedUntouched() async throws {
        try await withFixtureCopy { path in
            try await Self.sqlite(path, "INSERT INTO grdb_migrations VALUES ('v99: from a newer release')")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let error = #expect(throws: FollowupError.self) {
                _ = try SQLiteCaseStore(path: path, logger: StoreEngine.quiet)
            }
            #expect(error?.code == .migrationFailed)
            #expect(error?.message.contains("v99: from a newer release") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("newer followupd") == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
            #expect(!FileManager.default.fileExists(atPath: path + ".pre-v2.bak"), "no copy: nothing was to be done")
        }
    }

    @Test func aNewDatabaseIsMadeWithoutACopy() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("followupd-upgrade-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("followupd.db").path
        _ = try SQLiteCaseStore(path: path, logger: StoreEngine.quiet)
        let made = try await FirstSchemaFixture.dump(path)
        #expect(Self.steps(made).first == FirstSchemaFixture.firstStep)
        #expect(Self.steps(made).count >= 5)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!files.contains { $0.hasSuffix(".bak") }, "\(files)")
    }

    /// The schema steps a file records, in the order of their numbers.
    static func steps(_ dump: FirstSchemaFixture.Dump) -> [String] {
        func number(_ step: String) -> Int { Int(step.dropFirst().prefix { $0.isNumber }) ?? 0 }
        return dump.rows("grdb_migrations").compactMap { $0["identifier"]?.text }.sorted { number($0) < number($1) }
    }

    /// A new database made by today's store, read back.
    static func freshSchema() async throws -> FirstSchemaFixture.Dump {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("followupd-fresh-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("followupd.db").path
        _ = try SQLiteCaseStore(path: path, logger: StoreEngine.quiet)
        return try await FirstSchemaFixture.dump(path)
    }

    /// Runs SQL on the file with Python's `sqlite3` (committed and checkpointed when it returns).
    static func sqlite(_ path: String, _ statement: String) async throws {
        let outcome = try await PythonProgram.run(
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.close()",
            [path, statement])
        try #require(outcome.status == 0, "\(outcome.stderr)")
    }
}
