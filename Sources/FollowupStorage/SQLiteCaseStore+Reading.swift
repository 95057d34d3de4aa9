import FollowupCore
import Foundation
import GRDB

extension SQLiteCaseStore {
    public func nextDeadline() async throws -> Date? {
        try await read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(next_due_at) FROM cases WHERE next_due_at IS NOT NULL")
                .map(Date.init(timeIntervalSince1970:))
        }
    }

    public func storedAnswer(for key: String) async throws -> StoredAnswer? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT status, body FROM idempotency WHERE key = ?", arguments: [key]).map {
                StoredAnswer(key: key, status: $0["status"], body: $0["body"])
            }
        }
    }

    public func cancellationCounts(closedSince: Date?) async throws -> CancellationCounts {
        try await read { db in
            var counts = CancellationCounts()
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT json_extract(d, '$.cancellation.reason') AS reason,
                           json_extract(d, '$.cancellation.partner_system') AS system, COUNT(*) AS n
                    FROM (SELECT CAST(doc AS TEXT) AS d FROM cases WHERE kind = 'cancellation')
                    WHERE reason IS NOT NULL AND json_extract(d, '$.cancellation.closed_at') >= ?
                    GROUP BY reason, system
                    """, arguments: [closedSince?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude])
            for row in rows { counts.add(reason: row["reason"], partnerSystem: row["system"], count: row["n"]) }
            counts.open =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM cases WHERE kind = 'cancellation' AND state <> 'closed'") ?? 0
            return counts
        }
    }

    public func forgetAnswers(before date: Date) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM idempotency WHERE created_at < ?", arguments: [date.timeIntervalSince1970])
            return db.changesCount
        }
    }

    public func findCase(_ id: CaseID) async throws -> Case? {
        try await read { db in try Self.loadCase(id, db) }
    }

    public func timeline(of id: CaseID, after seq: Int, limit: Int) async throws -> [TimelineEntry] {
        try await read { db in
            let decoder = DocumentCoding.decoder()
            return try Data.fetchAll(
                db, sql: "SELECT doc FROM events WHERE case_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [id.number, seq, max(1, limit)]
            )
            .map { try decoder.decode(TimelineEntry.self, from: $0) }
        }
    }

    public func cases(matching filter: CaseFilter) async throws -> [Case] {
        try await read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            func add(_ clause: String, _ value: (any DatabaseValueConvertible)?) {
                clauses.append(clause)
                if let value { _ = arguments.append(contentsOf: [value]) }
            }
            if let state = filter.state { add("state = ?", state.rawValue) }
            if let kind = filter.kind { add("kind = ?", kind.rawValue) }
            if let partner = filter.partner { add("partner = ? COLLATE NOCASE", partner) }
            if let owner = filter.owner { add("owner = ? COLLATE NOCASE", owner) }
            if let client = filter.client { add("client = ? COLLATE NOCASE", client) }
            if let ticket = filter.ticket { add("ticket = ?", ticket) }
            if let due = filter.dueBefore { add("next_due_at <= ?", due.timeIntervalSince1970) }
            if let after = filter.afterID { add("id > ?", after.number) }
            let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            _ = arguments.append(contentsOf: [max(1, min(filter.limit, 10_000))])
            let decoder = DocumentCoding.decoder()
            return try Data.fetchAll(
                db, sql: "SELECT doc FROM cases \(whereClause) ORDER BY id LIMIT ?", arguments: arguments
            )
            .map { try decoder.decode(Case.self, from: $0) }
        }
    }

    public func upcomingStages(before limit: Date, max: Int) async throws -> [(case: Case, stage: Stage)] {
        let cases = try await read { db in
            let decoder = DocumentCoding.decoder()
            return try Data.fetchAll(
                db,
                sql: "SELECT doc FROM cases WHERE next_due_at <= ? ORDER BY next_due_at LIMIT ?",
                arguments: [limit.timeIntervalSince1970, max]
            ).map { try decoder.decode(Case.self, from: $0) }
        }
        return cases.flatMap { subject in
            subject.armedStages.filter { $0.dueAt <= limit }.map { (case: subject, stage: $0) }
        }
        .sorted { $0.stage.dueAt < $1.stage.dueAt }
        .prefix(max).map { $0 }
    }

    public func counts() async throws -> StatusCounts {
        try await read { db in
            var counts = StatusCounts()
            for state in CaseState.allCases { counts.cases[state] = 0 }
            for state in OutboxMessage.State.allCases { counts.outbox[state] = 0 }
            for row in try Row.fetchAll(db, sql: "SELECT name, value FROM counters") {
                let name: String = row["name"]
                let value: Int = row["value"]
                let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { continue }
                switch parts[0] {
                case "cases": if let state = CaseState(rawValue: parts[1]) { counts.cases[state] = value }
                case "outbox": if let state = OutboxMessage.State(rawValue: parts[1]) { counts.outbox[state] = value }
                case "stages": if let kind = Stage.Kind(rawValue: parts[1]) { counts.stages[kind] = value }
                default: break
                }
            }
            return counts
        }
    }

    public func outbox(state: OutboxMessage.State?, limit: Int) async throws -> [OutboxMessage] {
        try await read { db in
            let sql =
                state == nil
                ? "SELECT * FROM outbox ORDER BY created_at DESC LIMIT ?"
                : "SELECT * FROM outbox WHERE state = ? ORDER BY created_at DESC LIMIT ?"
            let arguments: StatementArguments = state.map { [$0.rawValue, limit] } ?? [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.outboxMessage)
        }
    }

    static func outboxMessage(_ row: Row) -> OutboxMessage {
        var message = OutboxMessage(
            id: row["id"], caseID: (row["case_id"] as Int64?).map(CaseID.init),
            event: NotificationEvent(rawValue: row["event"]),
            channel: OutboxMessage.Channel(rawValue: row["channel"]) ?? .mail, recipient: row["recipient"],
            needsAck: row["needs_ack"], state: OutboxMessage.State(rawValue: row["state"]) ?? .pending,
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]), attempts: row["attempts"],
            payload: row["payload"], ackGroup: row["ack_group"], urgent: row["urgent"], catchUp: row["catch_up"],
            ackDueAt: (row["ack_due_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            reminders: row["reminders"])
        message.acknowledgedBy = row["acked_by"]
        message.acknowledgedAt = (row["acked_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        message.deliveredAt = (row["delivered_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        message.lastError = row["last_error"]
        message.digestID = row["digest_id"]
        return message
    }

    public func report(id: String) async throws -> StoredReport? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM reports WHERE id = ?", arguments: [id]).map(Self.storedReport)
        }
    }

    public func latestReport(of id: CaseID) async throws -> StoredReport? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM reports WHERE case_id = ? ORDER BY generated_at DESC LIMIT 1",
                arguments: [id.number]
            ).map(Self.storedReport)
        }
    }

    static func storedReport(_ row: Row) -> StoredReport {
        StoredReport(
            id: row["id"], caseID: CaseID(row["case_id"]),
            reason: ReportReason(rawValue: row["reason"]) ?? .noReply,
            generatedAt: Date(timeIntervalSince1970: row["generated_at"]), document: row["document"])
    }
}
