import FollowupCore
import Foundation
import GRDB

extension SQLiteCaseStore {
    public func recordInbound(_ record: InboundRecord, onCase: (@Sendable (Case) throws -> StoredChange)?)
        async throws -> Bool
    {
        let document = try DocumentCoding.encoder().encode(record)
        return try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO inbox (id, received_at, state, case_id, doc) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """,
                arguments: [
                    record.id, record.receivedAt.timeIntervalSince1970, record.state.rawValue,
                    record.caseID?.number, document,
                ])
            guard db.changesCount == 1 else { return false }
            try Self.changeCase(record.caseID, onCase, db)
            return true
        }
    }

    public func updateInbound(_ record: InboundRecord, onCase: (@Sendable (Case) throws -> StoredChange)?)
        async throws
    {
        let document = try DocumentCoding.encoder().encode(record)
        try await write { db in
            try db.execute(
                sql: "UPDATE inbox SET state = ?, case_id = ?, doc = ? WHERE id = ?",
                arguments: [record.state.rawValue, record.caseID?.number, document, record.id])
            guard db.changesCount == 1 else {
                throw FollowupError(.notFound, "there is no inbox message \(record.id) (see followupctl inbox)")
            }
            try Self.changeCase(record.caseID, onCase, db)
        }
    }

    /// Loads the case, applies `onCase` and saves the result in the running transaction.
    static func changeCase(
        _ caseID: CaseID?, _ onCase: (@Sendable (Case) throws -> StoredChange)?, _ db: Database
    ) throws {
        guard let caseID, let onCase else { return }
        guard let current = try loadCase(caseID, db) else {
            throw FollowupError(.notFound, "\(caseID) does not exist")
        }
        let change = try onCase(current)
        var writer = ChangeWriter(db: db)
        try writer.save(change, previousState: current.state)
        try writer.flushCounters()
    }

    public func inbound(_ id: String) async throws -> InboundRecord? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT doc FROM inbox WHERE id = ?", arguments: [id]).map {
                try DocumentCoding.decoder().decode(InboundRecord.self, from: $0)
            }
        }
    }

    public func inbox(state: InboundRecord.State?, limit: Int) async throws -> [InboundRecord] {
        try await read { db in
            let rows =
                try state.map {
                    try Data.fetchAll(
                        db, sql: "SELECT doc FROM inbox WHERE state = ? ORDER BY received_at DESC LIMIT ?",
                        arguments: [$0.rawValue, limit])
                }
                ?? Data.fetchAll(db, sql: "SELECT doc FROM inbox ORDER BY received_at DESC LIMIT ?", arguments: [limit])
            return try rows.map { try DocumentCoding.decoder().decode(InboundRecord.self, from: $0) }
        }
    }

    public func caseID(forMessageID id: String) async throws -> CaseID? {
        try await read { db in
            try Int64.fetchOne(
                db, sql: "SELECT case_id FROM message_ids WHERE message_id = ?",
                arguments: [MessageIDKey.normalized(id)]
            ).map(CaseID.init)
        }
    }
}
