import FollowupCore
import FollowupStorage
import FollowupTestSupport
import Foundation
import Testing

/// Compares what a store reads back after migrating the first schema's database with the rows
/// the file held before, as Python's `sqlite3` read them: every case, event, outbox row,
/// report and counter, field by field, and the case documents through an independent JSON
/// parser.
enum FirstSchemaReadBack {
    typealias Row = [String: FirstSchemaFixture.Dump.Value]

    static func expectEverythingReadsBack(_ store: any CaseStore, _ before: FirstSchemaFixture.Dump) async throws {
        let cases = before.rows("cases")
        try #require(cases.count >= 8, "the fixture holds its cases")
        for row in cases {
            try await expectCase(row, in: store)
        }
        let listed = try await store.cases(matching: CaseFilter(limit: 1000))
        #expect(listed.map(\.id.number).sorted() == cases.compactMap { $0["id"]?.integer }.sorted())

        let events = Dictionary(grouping: before.rows("events")) { $0["case_id"]?.integer ?? 0 }
        #expect(events.count == cases.count, "every case has its timeline")
        for (caseID, rows) in events {
            let timeline = try await store.timeline(of: CaseID(caseID))
            let expected = rows.sorted { ($0["seq"]?.integer ?? 0) < ($1["seq"]?.integer ?? 0) }
            #expect(timeline.map { Int64($0.seq) } == expected.compactMap { $0["seq"]?.integer }, "FU-\(caseID)")
            #expect(timeline.map(\.kind.rawValue) == expected.compactMap { $0["kind"]?.text }, "FU-\(caseID)")
            #expect(timeline.map(\.by) == expected.compactMap { $0["by"]?.text }, "FU-\(caseID)")
            #expect(timeline.map(\.at.timeIntervalSince1970) == expected.compactMap { $0["at"]?.seconds })
        }

        let outbox = before.rows("outbox")
        try #require(!outbox.isEmpty, "the fixture holds outbox rows")
        let read = Dictionary(
            uniqueKeysWithValues: try await store.outbox(state: nil, limit: 100_000).map { ($0.id, $0) })
        #expect(read.count == outbox.count)
        for row in outbox {
            let id = row["id"]?.text ?? ""
            let message = try #require(read[id], "outbox row \(id)")
            #expect(message.caseID?.number == row["case_id"]?.integer)
            #expect(message.event.rawValue == row["event"]?.text)
            #expect(message.channel.rawValue == row["channel"]?.text)
            #expect(message.recipient == row["recipient"]?.text)
            #expect(message.needsAck == (row["needs_ack"]?.integer != 0))
            #expect(message.state.rawValue == row["state"]?.text)
            #expect(message.createdAt.timeIntervalSince1970 == row["created_at"]?.seconds)
            #expect(message.nextAttemptAt.timeIntervalSince1970 == row["next_attempt_at"]?.seconds)
            #expect(Int64(message.attempts) == row["attempts"]?.integer)
            #expect(message.payload == row["payload"]?.blob, "outbox row \(id)'s payload, byte for byte")
        }

        let reports = before.rows("reports")
        try #require(reports.count >= 3, "the fixture holds reports")
        for row in reports {
            let id = row["id"]?.text ?? ""
            let report = try #require(try await store.report(id: id), "report \(id)")
            #expect(report.caseID.number == row["case_id"]?.integer)
            #expect(report.reason.rawValue == row["reason"]?.text)
            #expect(report.generatedAt.timeIntervalSince1970 == row["generated_at"]?.seconds)
            #expect(report.document == row["document"]?.blob, "report \(id)'s document, byte for byte")
        }

        let counts = try await store.counts()
        let states = Dictionary(grouping: cases) { $0["state"]?.text ?? "" }.mapValues(\.count)
        for state in CaseState.allCases {
            #expect(counts.cases[state] == states[state.rawValue] ?? 0, "\(state) cases")
        }
        let counters = Dictionary(
            uniqueKeysWithValues: before.rows("counters").map { ($0["name"]?.text ?? "", $0["value"]?.integer ?? 0) })
        for (kind, count) in counts.stages where count > 0 {
            #expect(Int64(count) == counters["stages.\(kind.rawValue)"], "\(kind) stages")
        }
        #expect(
            counts.stages.values.reduce(0, +) == before.rows("stages_done").count,
            "every stage carried out is still counted")
    }

    /// One case: its columns, and its document read by JSONSerialization beside the store's.
    static func expectCase(_ row: Row, in store: any CaseStore) async throws {
        let id = try #require(row["id"]?.integer)
        let found = try #require(try await store.findCase(CaseID(id)), "FU-\(id) reads back")
        #expect(found.state.rawValue == row["state"]?.text)
        #expect(found.kind.rawValue == row["kind"]?.text)
        #expect(found.owner == row["owner"]?.text)
        #expect(found.partner?.name == row["partner"]?.text)
        #expect(found.client.name == row["client"]?.text)
        #expect(found.client.ticket == row["ticket"]?.text)
        #expect(found.createdAt.timeIntervalSince1970 == row["created_at"]?.seconds)
        #expect(found.updatedAt.timeIntervalSince1970 == row["updated_at"]?.seconds)
        #expect(found.nextStage?.dueAt.timeIntervalSince1970 == row["next_due_at"]?.seconds)
        let bytes = try #require(row["doc"]?.blob)
        let document = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        #expect(found.subject == document["subject"] as? String)
        #expect(found.verification == document["verification"] as? String)
        #expect(found.lastSeq == document["last_seq"] as? Int)
        #expect(found.attempts.count == (document["attempts"] as? [Any])?.count)
        #expect(found.returns.count == (document["returns"] as? [Any])?.count)
        #expect(
            found.reports.map(\.id)
                == ((document["reports"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        )
        #expect(found.cycle.number == (document["cycle"] as? [String: Any])?["number"] as? Int)
        #expect(Set(found.flags.keys.map(\.rawValue)) == Set(Self.flagNames(document["flags"])))
        #expect(found.sensitive.map(\.rawValue) == (document["sensitive"] as? [String]) ?? [])
    }

    /// The flag names of a stored `flags` dictionary (JSONEncoder writes a dictionary keyed by
    /// a `String` enum as an object).
    static func flagNames(_ flags: Any?) -> [String] {
        if let object = flags as? [String: Any] { return Array(object.keys) }
        // Or as [key, value, key, value, …] for keys that are not plain strings.
        if let list = flags as? [Any] {
            return stride(from: 0, to: list.count, by: 2).compactMap { list[$0] as? String }
        }
        return []
    }
}
