import FollowupCore
import Foundation
import PostgresNIO

extension PostgresCaseStore: CaseErasure {
    /// As the embedded engine does, in one transaction; the rows' old versions are PostgreSQL's
    /// to reclaim (autovacuum; `VACUUM` at once where a copy on disk must go now).
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
            var notifications: Set<String> = []
            for row in try await writer.rows("SELECT id FROM outbox WHERE case_id = \(id)") {
                notifications.insert(try row.decode(String.self))
            }
            for pattern in patterns {
                let holding = try await writer.rows(
                    "SELECT id FROM outbox WHERE position(convert_to(\(pattern), 'UTF8') in payload) > 0")
                for row in holding { notifications.insert(try row.decode(String.self)) }
                try await writer.run(
                    "DELETE FROM idempotency WHERE position(convert_to(\(pattern), 'UTF8') in body) > 0")
            }
            for notification in notifications {
                try await writer.run(
                    "UPDATE outbox SET payload = \(ErasedRecords.emptyPayload) WHERE id = \(notification)")
            }
            try await writer.run("DELETE FROM reports WHERE case_id = \(id)")
            var files: [String] = []
            for row in try await writer.rows("SELECT id, doc FROM inbox WHERE case_id = \(id)") {
                let (inboundID, document) = try row.decode((String, Data).self)
                let record = try decoder.decode(InboundRecord.self, from: document)
                files.append(record.file)
                let scrubbed = try encoder.encode(ErasedRecords.scrubbed(record))
                try await writer.run("UPDATE inbox SET doc = \(scrubbed) WHERE id = \(inboundID)")
            }
            return ErasedRecords(notifications: notifications.sorted(), inboundFiles: files)
        }
    }

    public func forgetInbound(receivedBefore cutoff: Date) async throws -> Int {
        let seconds = cutoff.timeIntervalSince1970
        return try await rows(
            "DELETE FROM inbox WHERE state IN ('unmatched', 'dismissed') AND received_at <= \(seconds) RETURNING id"
        ).count
    }

    /// Nothing to do here: PostgreSQL reclaims old row versions itself (autovacuum).
    public func compact() async throws {}
}
