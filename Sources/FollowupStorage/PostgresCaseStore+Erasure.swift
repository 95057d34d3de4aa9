import FollowupCore
import Foundation
import PostgresNIO

extension PostgresCaseStore: CaseErasure {
    /// As the embedded engine does, in one transaction; the rows' old versions stay in the
    /// tables' files until ``compact()``.
    public func erase(_ change: StoredChange, previousState: CaseState, patterns: [String]) async throws
        -> ErasedRecords
    {
        let id = change.case.id.number
        return try await transaction { writer in
            let current = try await writer.rows("SELECT doc FROM cases WHERE id = \(id) FOR UPDATE")
            guard let row = current.first else { throw FollowupError(.notFound, "\(change.case.id) does not exist") }
            let before = try DocumentCoding.decoder().decode(Case.self, from: try row.decode(Data.self))
            try ErasedRecords.checkUnchanged(before, by: change)
            try await writer.save(
                [.init(change: change, previousState: previousState, previousDue: before.nextStage?.dueAt)])
            let decoder = DocumentCoding.decoder()
            let encoder = DocumentCoding.encoder()
            for row in try await writer.rows("SELECT seq, doc FROM events WHERE case_id = \(id)") {
                let (seq, document) = try row.decode((Int64, Data).self)
                let entry = try decoder.decode(TimelineEntry.self, from: document)
                let scrubbed = try encoder.encode(ErasedRecords.scrubbed(entry))
                try await writer.run("UPDATE events SET doc = \(scrubbed) WHERE case_id = \(id) AND seq = \(seq)")
            }
            let found = try await Self.erasable(id, patterns: patterns) { try await writer.rows($0) }
            for pattern in patterns {
                try await writer.run(
                    "DELETE FROM idempotency WHERE position(convert_to(\(pattern), 'UTF8') in body) > 0")
            }
            for notification in found.records.notifications {
                try await writer.run(
                    "UPDATE outbox SET payload = \(ErasedRecords.emptyPayload) WHERE id = \(notification)")
            }
            try await writer.run("DELETE FROM reports WHERE case_id = \(id)")
            for (inboundID, record) in found.inbox {
                let scrubbed = try encoder.encode(ErasedRecords.scrubbed(record))
                try await writer.run("UPDATE inbox SET doc = \(scrubbed) WHERE id = \(inboundID)")
            }
            return found.records
        }
    }

    public func erasable(_ id: CaseID, patterns: [String]) async throws -> ErasedRecords {
        try await Self.erasable(id.number, patterns: patterns) { try await self.rows($0) }.records
    }

    /// What an erasure of case `id` reaches outside its case row and timeline, read through
    /// `rows` (the erasing transaction's, or a pooled connection for a dry run): as the
    /// embedded engine's.
    static func erasable(
        _ id: Int64, patterns: [String], rows: (PostgresQuery) async throws -> [PostgresRow]
    ) async throws -> (records: ErasedRecords, inbox: [(id: String, record: InboundRecord)]) {
        var notifications: Set<String> = []
        for row in try await rows("SELECT id FROM outbox WHERE case_id = \(id)") {
            notifications.insert(try row.decode(String.self))
        }
        for pattern in patterns {
            let holding = try await rows(
                "SELECT id FROM outbox WHERE position(convert_to(\(pattern), 'UTF8') in payload) > 0")
            for row in holding { notifications.insert(try row.decode(String.self)) }
        }
        let decoder = DocumentCoding.decoder()
        var inbox: [(id: String, record: InboundRecord)] = []
        for row in try await rows("SELECT id, doc FROM inbox WHERE case_id = \(id) ORDER BY id") {
            let (inboundID, document) = try row.decode((String, Data).self)
            inbox.append((inboundID, try decoder.decode(InboundRecord.self, from: document)))
        }
        return (ErasedRecords(notifications: notifications.sorted(), inboundFiles: inbox.map(\.record.file)), inbox)
    }

    public func forgetInbound(receivedBefore cutoff: Date) async throws -> Int {
        let seconds = cutoff.timeIntervalSince1970
        return try await rows(
            "DELETE FROM inbox WHERE state IN ('unmatched', 'dismissed') AND received_at <= \(seconds) RETURNING id"
        ).count
    }

    /// The tables an erasure changes: where old versions of erased rows may lie.
    static let erasedTables = "cases, events, outbox, reports, inbox, idempotency"

    /// Rewrites the tables an erasure touches (`VACUUM FULL`, outside any transaction, as
    /// VACUUM must run): the old versions of erased rows and their index entries no longer
    /// lie in the tables' files.
    ///
    /// Plain `VACUUM` does not suffice: it frees dead row versions for reuse, but their bytes
    /// stay in the page until something overwrites them (PostgreSQL 15, PostgresErasureFilesTests
    /// with a plain `VACUUM` here: after the `CHECKPOINT` the client's name and the note were
    /// still in the `cases` table's file and the name in the client index's; with `VACUUM
    /// FULL`, which writes new files, in none). `VACUUM FULL` locks each table while it
    /// rewrites it, which is why a batch of erasures compacts once, after the last, as
    /// SQLite's `VACUUM` does. Copies in the write-ahead log go as PostgreSQL recycles it.
    public func compact() async throws {
        _ = try await read { connection in
            try await connection.query(
                PostgresQuery(unsafeSQL: "VACUUM (FULL) \(Self.erasedTables)"), logger: self.logger)
        }
    }
}
