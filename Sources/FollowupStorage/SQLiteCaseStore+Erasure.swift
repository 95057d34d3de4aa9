import FollowupCore
import Foundation
import GRDB

extension SQLiteCaseStore: CaseErasure {
    public func erase(_ change: StoredChange, previousState: CaseState, patterns: [String]) async throws
        -> ErasedRecords
    {
        let id = change.case.id.number
        let records = try await write { db in
            // Freed cells and pages are zeroed, not left behind in the file.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try ErasedRecords.checkUnchanged(Self.loadCase(change.case.id, db), by: change)
            var writer = ChangeWriter(db: db)
            try writer.save(change, previousState: previousState)
            try writer.flushCounters()
            let decoder = DocumentCoding.decoder()
            let encoder = DocumentCoding.encoder()
            for row in try Row.fetchAll(db, sql: "SELECT seq, doc FROM events WHERE case_id = ?", arguments: [id]) {
                let entry = try decoder.decode(TimelineEntry.self, from: row["doc"] as Data)
                let seq: Int64 = row["seq"]
                try db.execute(
                    sql: "UPDATE events SET doc = ? WHERE case_id = ? AND seq = ?",
                    arguments: [try encoder.encode(ErasedRecords.scrubbed(entry)), id, seq])
            }
            let found = try Self.erasable(id, patterns: patterns, db)
            for pattern in patterns {
                try db.execute(
                    sql: "DELETE FROM idempotency WHERE instr(CAST(body AS TEXT), ?) > 0", arguments: [pattern])
            }
            for notification in found.records.notifications {
                try db.execute(
                    sql: "UPDATE outbox SET payload = ? WHERE id = ?",
                    arguments: [ErasedRecords.emptyPayload, notification])
            }
            try db.execute(sql: "DELETE FROM reports WHERE case_id = ?", arguments: [id])
            for (inboundID, record) in found.inbox {
                try db.execute(
                    sql: "UPDATE inbox SET doc = ? WHERE id = ?",
                    arguments: [try encoder.encode(ErasedRecords.scrubbed(record)), inboundID])
            }
            return found.records
        }
        return records
    }

    public func erasable(_ id: CaseID, patterns: [String]) async throws -> ErasedRecords {
        try await read { db in try Self.erasable(id.number, patterns: patterns, db).records }
    }

    /// What an erasure of case `id` reaches outside its case row and timeline: the
    /// notifications whose payloads go (the case's, and any other holding one of `patterns`)
    /// and the case's inbox records with their mail copies' file names.
    static func erasable(_ id: Int64, patterns: [String], _ db: Database) throws
        -> (records: ErasedRecords, inbox: [(id: String, record: InboundRecord)])
    {
        var notifications = Set(
            try String.fetchAll(db, sql: "SELECT id FROM outbox WHERE case_id = ?", arguments: [id]))
        for pattern in patterns {
            notifications.formUnion(
                try String.fetchAll(
                    db, sql: "SELECT id FROM outbox WHERE instr(CAST(payload AS TEXT), ?) > 0", arguments: [pattern]))
        }
        let decoder = DocumentCoding.decoder()
        let inbox = try Row.fetchAll(
            db, sql: "SELECT id, doc FROM inbox WHERE case_id = ? ORDER BY id", arguments: [id]
        )
        .map { row in
            (id: row["id"] as String, record: try decoder.decode(InboundRecord.self, from: row["doc"] as Data))
        }
        return (ErasedRecords(notifications: notifications.sorted(), inboundFiles: inbox.map(\.record.file)), inbox)
    }

    public func forgetInbound(receivedBefore cutoff: Date) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM inbox WHERE state IN ('unmatched', 'dismissed') AND received_at <= ?",
                arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }

    /// Rebuilds the file from its live rows (`VACUUM`) and empties the WAL: old versions of
    /// erased rows no longer sit in free space or in the log.
    public func compact() async throws {
        do {
            try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch {
            throw Self.mapped(error)
        }
    }
}
