import FollowupCore
import FollowupTestSupport
import Foundation
import Testing

@testable import FollowupStorage

/// An erasure on PostgreSQL leaves no copy of the client's data in the tables' files (LGPD,
/// §6.10): after the erasure and its ``CaseErasure/compact()``, and a `CHECKPOINT` so that
/// the pages are written out, the raw bytes of every table, index and TOAST file of the
/// schema (found with `pg_relation_filepath`) hold neither the client's name (in any case:
/// the client index keeps it in lower case) nor the note's text; before, they did.
@Suite struct PostgresErasureFilesTests {
    static let secrets = ["Padaria Segredo Unico", "padaria segredo unico", "zebra-42-confidencial"]

    /// The schema's files: tables, their indexes, their TOAST tables and those's indexes.
    static let relations = """
        WITH ours AS (SELECT oid, reltoastrelid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
        SELECT pg_relation_filepath(c.oid) FROM pg_class c
        WHERE c.relkind IN ('r', 'i', 't')
          AND (c.oid IN (SELECT oid FROM ours) OR c.oid IN (SELECT reltoastrelid FROM ours)
            OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT reltoastrelid FROM ours)))
        """

    /// Which of `secrets` the database's files hold, after a checkpoint.
    static func found(in database: String, _ cluster: PostgresTestCluster) throws -> [String] {
        try cluster.sql("CHECKPOINT", database: database)
        let listing = try PostgresTestCluster.command(
            cluster.binaries + "/psql", "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", "\(cluster.port)", "-U",
            "postgres", "-d", database, "-c", relations)
        let paths = listing.split(separator: "\n").map { "\(cluster.directory)/data/\($0)" }
        #expect(paths.count > 20, "the schema's files: \(listing)")
        var held: [String] = []
        for path in paths {
            // A relation's main fork and its 1 GB segments (`path`, `path.1`, …).
            var segments = [path]
            for n in 1... {
                guard FileManager.default.fileExists(atPath: "\(path).\(n)") else { break }
                segments.append("\(path).\(n)")
            }
            for segment in segments {
                guard let bytes = FileManager.default.contents(atPath: segment) else { continue }
                held += secrets.filter { bytes.range(of: Data($0.utf8)) != nil }.map { "\($0) in \(segment)" }
            }
        }
        return held
    }

    @Test func anErasedClientIsNotInTheTablesFiles() async throws {
        let cluster = try PostgresTestCluster.require { reason in try Test.cancel(Comment(rawValue: reason)) }
        let database = try cluster.createDatabase()
        defer { cluster.dropDatabase(database.name) }
        try await PostgresCaseStore.withStore(url: database.url, nodeID: "node-a", logger: StoreEngine.quiet) {
            store in
            let t0 = StoreFixture.t0
            for n in 1...50 { try await StoreFixture.open(store, n) }
            var request = StoreFixture.request(51)
            request.client.name = "Padaria Segredo Unico"
            let named = request
            let subject = try await store.openCase { id in
                StoreFixture.change(try CaseMachine.open(named, id: id, in: StoreFixture.env(t0)), at: t0)
            }
            for n in 52...100 { try await StoreFixture.open(store, n) }
            for command in [CaseCommand.addNote("zebra-42-confidencial"), .partnerRefused(at: nil, note: "recusa")] {
                _ = try await store.updateCase(subject.id) { current in
                    StoreFixture.change(try CaseMachine.apply(command, to: current, in: StoreFixture.env(t0)), at: t0)
                }
            }
            let before = try Self.found(in: database.name, cluster)
            for secret in Self.secrets {
                #expect(before.contains { $0.hasPrefix(secret) }, "\(secret) is there to begin with: \(before)")
            }

            let current = try #require(try await store.findCase(subject.id))
            let transition = CaseMachine.erase(current, in: StoreFixture.env(t0, by: "root"))
            _ = try await store.erase(
                StoredChange(case: transition.case, entries: transition.entries), previousState: current.state,
                patterns: ["Padaria Segredo Unico", "zebra-42-confidencial"])
            try await store.compact()
            let after = try Self.found(in: database.name, cluster)
            #expect(after == [], "still in the files: \(after)")
            // The other cases are intact.
            #expect(try await store.findCase(CaseID(1))?.client.name == "Cliente 1")
        }
    }
}
