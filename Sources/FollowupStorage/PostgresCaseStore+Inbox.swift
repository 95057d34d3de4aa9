import FollowupCore
import Foundation
import PostgresNIO

/// Notices (§5 rule 5), standalone notifications and the inbox (§4.5) on PostgreSQL: the same
/// meaning as the embedded engine's, rows locked where two nodes could race.
extension PostgresCaseStore {
    public func queueNotifications(_ messages: [OutboxMessage]) async throws {
        guard !messages.isEmpty else { return }
        try await transaction { writer in
            try await writer.queue(messages)
            writer.wakeOthers()
        }
    }

    public func postNotice(_ notice: Notice, notifications: [OutboxMessage]) async throws {
        let document = try DocumentCoding.encoder().encode(notice)
        try await transaction { writer in
            try await writer.run(
                """
                INSERT INTO notices (id, posted_at, doc)
                VALUES (\(notice.id), \(notice.postedAt.timeIntervalSince1970), \(document))
                """)
            try await writer.queue(notifications)
            writer.wakeOthers()
        }
    }

    public func notice(_ id: String) async throws -> Notice? {
        let rows = try await rows("SELECT doc FROM notices WHERE id = \(id)")
        return try decoded(rows) { try DocumentCoding.decoder().decode(Notice.self, from: try $0.decode(Data.self)) }
            .first
    }

    public func notices(limit: Int) async throws -> [Notice] {
        let rows = try await rows("SELECT doc FROM notices ORDER BY posted_at DESC LIMIT \(limit)")
        return try decoded(rows) { try DocumentCoding.decoder().decode(Notice.self, from: try $0.decode(Data.self)) }
    }

    public func acknowledgeNotice(_ id: String, owner: String, by: String, at now: Date) async throws -> Notice {
        try await transaction { writer in
            guard let row = try await writer.rows("SELECT doc FROM notices WHERE id = \(id) FOR UPDATE").first else {
                throw FollowupError(.notFound, "there is no notice \(id) (see followupctl notice show)")
            }
            var notice = try DocumentCoding.decoder().decode(Notice.self, from: try row.decode(Data.self))
            guard let index = notice.recipients.firstIndex(where: { $0.owner.lowercased() == owner.lowercased() })
            else {
                throw FollowupError.invalid(
                    "owner", "\(owner) is not one of the technicians of notice \(id) (the owners of the configuration)")
            }
            guard notice.recipients[index].acknowledgedAt == nil else { return notice }
            notice.recipients[index].acknowledgedAt = now
            notice.recipients[index].acknowledgedBy = by
            let document = try DocumentCoding.encoder().encode(notice)
            try await writer.run("UPDATE notices SET doc = \(document) WHERE id = \(id)")
            if let group = notice.recipients[index].acknowledge {
                try await writer.run(
                    """
                    UPDATE outbox SET acked_by = \(by), acked_at = \(now.timeIntervalSince1970), ack_due_at = NULL
                    WHERE ack_group = \(group) AND acked_at IS NULL
                    """)
            }
            return notice
        }
    }

    public func recordInbound(_ record: InboundRecord, onCase: (@Sendable (Case) throws -> StoredChange)?)
        async throws -> Bool
    {
        let document = try DocumentCoding.encoder().encode(record)
        return try await transaction { writer in
            let inserted = try await writer.rows(
                """
                INSERT INTO inbox (id, received_at, state, case_id, doc)
                VALUES (\(record.id), \(record.receivedAt.timeIntervalSince1970), \(record.state.rawValue),
                    \(record.caseID?.number), \(document))
                ON CONFLICT DO NOTHING RETURNING 1
                """)
            guard inserted.count == 1 else { return false }
            try await Self.changeCase(record.caseID, onCase, &writer)
            return true
        }
    }

    public func updateInbound(_ record: InboundRecord, onCase: (@Sendable (Case) throws -> StoredChange)?)
        async throws
    {
        let document = try DocumentCoding.encoder().encode(record)
        try await transaction { writer in
            let changed = try await writer.rows(
                """
                UPDATE inbox SET state = \(record.state.rawValue), case_id = \(record.caseID?.number), doc = \(document)
                WHERE id = \(record.id) RETURNING 1
                """)
            guard changed.count == 1 else {
                throw FollowupError(.notFound, "there is no inbox message \(record.id) (see followupctl inbox)")
            }
            try await Self.changeCase(record.caseID, onCase, &writer)
        }
    }

    /// Loads the case (locked), applies `onCase` and saves the result in the running transaction.
    static func changeCase(
        _ caseID: CaseID?, _ onCase: (@Sendable (Case) throws -> StoredChange)?, _ writer: inout PostgresChangeWriter
    ) async throws {
        guard let caseID, let onCase else { return }
        guard
            let row = try await writer.rows(
                "SELECT doc, next_due_at FROM cases WHERE id = \(caseID.number) FOR UPDATE"
            ).first
        else { throw FollowupError(.notFound, "\(caseID) does not exist") }
        let (data, due) = try row.decode((Data, Double?).self)
        let current = try DocumentCoding.decoder().decode(Case.self, from: data)
        let change = try onCase(current)
        try await writer.save([
            .init(change: change, previousState: current.state, previousDue: due.map(Date.init(timeIntervalSince1970:)))
        ])
    }

    public func inbound(_ id: String) async throws -> InboundRecord? {
        let rows = try await rows("SELECT doc FROM inbox WHERE id = \(id)")
        return try decoded(rows) {
            try DocumentCoding.decoder().decode(InboundRecord.self, from: try $0.decode(Data.self))
        }.first
    }

    public func inbox(state: InboundRecord.State?, limit: Int) async throws -> [InboundRecord] {
        let rows: [PostgresRow]
        if let state {
            rows = try await self.rows(
                "SELECT doc FROM inbox WHERE state = \(state.rawValue) ORDER BY received_at DESC LIMIT \(limit)")
        } else {
            rows = try await self.rows("SELECT doc FROM inbox ORDER BY received_at DESC LIMIT \(limit)")
        }
        return try decoded(rows) {
            try DocumentCoding.decoder().decode(InboundRecord.self, from: try $0.decode(Data.self))
        }
    }

    public func caseID(forMessageID id: String) async throws -> CaseID? {
        let rows = try await rows(
            "SELECT case_id FROM message_ids WHERE message_id = \(MessageIDKey.normalized(id))")
        return try decoded(rows) { CaseID(try $0.decode(Int64.self)) }.first
    }
}
