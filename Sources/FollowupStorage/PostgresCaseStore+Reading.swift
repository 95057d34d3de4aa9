import FollowupCore
import Foundation
import PostgresNIO

extension PostgresCaseStore {
    /// Decodes rows, mapping a decoding failure to ``FollowupError``.
    func decoded<T>(_ rows: [PostgresRow], _ transform: (PostgresRow) throws -> T) throws -> [T] {
        do {
            return try rows.map(transform)
        } catch {
            throw mapped(error)
        }
    }

    /// Case documents of the rows (their first column).
    func caseDocuments(_ rows: [PostgresRow]) throws -> [Case] {
        let decoder = DocumentCoding.decoder()
        return try decoded(rows) { try decoder.decode(Case.self, from: try $0.decode(Data.self)) }
    }

    public func nextDeadline() async throws -> Date? {
        let rows = try await rows("SELECT MIN(next_due_at) FROM cases WHERE next_due_at IS NOT NULL")
        return try decoded(rows) { try $0.decode(Double?.self) }.first?.map(Date.init(timeIntervalSince1970:))
    }

    public func storedAnswer(for key: String) async throws -> StoredAnswer? {
        let rows = try await rows("SELECT status, body FROM idempotency WHERE key = \(key)")
        return try decoded(rows) { row in
            let (status, body) = try row.decode((Int, Data).self)
            return StoredAnswer(key: key, status: status, body: body)
        }.first
    }

    public func cancellationCounts(closedSince: Date?) async throws -> CancellationCounts {
        let since = closedSince?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude
        let grouped = try await rows(
            """
            SELECT c ->> 'reason', c ->> 'partner_system', COUNT(*)
            FROM (SELECT convert_from(doc, 'UTF8')::jsonb -> 'cancellation' AS c FROM cases
                  WHERE kind = 'cancellation') AS t
            WHERE c ->> 'reason' IS NOT NULL AND (c ->> 'closed_at')::double precision >= \(since)
            GROUP BY 1, 2
            """)
        var counts = CancellationCounts()
        for (reason, system, count) in try decoded(grouped, { try $0.decode((String, String?, Int).self) }) {
            counts.add(reason: reason, partnerSystem: system, count: count)
        }
        let open = try await rows("SELECT COUNT(*) FROM cases WHERE kind = 'cancellation' AND state <> 'closed'")
        counts.open = try decoded(open) { try $0.decode(Int.self) }.first ?? 0
        return counts
    }

    public func backup(to path: String) async throws -> BackupOutcome {
        throw FollowupError(
            .conflict,
            "the cases are in PostgreSQL (\(description)): back them up with pg_dump, e.g. "
                + "pg_dump --format=custom --file=followupd.dump DATABASE; followupctl backup copies the embedded SQLite database only"
        )
    }

    public func forgetAnswers(before date: Date) async throws -> Int {
        let cutOff = date.timeIntervalSince1970
        return try await rows("DELETE FROM idempotency WHERE created_at < \(cutOff) RETURNING 1").count
    }

    public func findCase(_ id: CaseID) async throws -> Case? {
        try caseDocuments(try await rows("SELECT doc FROM cases WHERE id = \(id.number)")).first
    }

    public func timeline(of id: CaseID, after seq: Int, limit: Int) async throws -> [TimelineEntry] {
        let rows = try await rows(
            "SELECT doc FROM events WHERE case_id = \(id.number) AND seq > \(seq) ORDER BY seq LIMIT \(max(1, limit))")
        let decoder = DocumentCoding.decoder()
        return try decoded(rows) { try decoder.decode(TimelineEntry.self, from: try $0.decode(Data.self)) }
    }

    public func cases(matching filter: CaseFilter) async throws -> [Case] {
        var clauses: [String] = []
        var binds = PostgresBindings()
        func add(_ clause: (String) -> String, _ value: some PostgresDynamicTypeEncodable) {
            binds.append(value)
            clauses.append(clause("$\(binds.count)"))
        }
        if let state = filter.state { add({ "state = \($0)" }, state.rawValue) }
        if let kind = filter.kind { add({ "kind = \($0)" }, kind.rawValue) }
        // Ignoring case, as the embedded engine's NOCASE does (which folds ASCII letters only).
        if let partner = filter.partner { add({ "lower(partner) = lower(\($0))" }, partner) }
        if let owner = filter.owner { add({ "lower(owner) = lower(\($0))" }, owner) }
        if let client = filter.client { add({ "lower(client) = lower(\($0))" }, client) }
        if let ticket = filter.ticket { add({ "ticket = \($0)" }, ticket) }
        if let due = filter.dueBefore { add({ "next_due_at <= \($0)" }, due.timeIntervalSince1970) }
        if let after = filter.afterID { add({ "id > \($0)" }, after.number) }
        binds.append(max(1, min(filter.limit, 10_000)))
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let query = PostgresQuery(
            unsafeSQL: "SELECT doc FROM cases \(whereClause) ORDER BY id LIMIT $\(binds.count)", binds: binds)
        return try caseDocuments(try await rows(query))
    }

    public func upcomingStages(before limit: Date, max: Int) async throws -> [(case: Case, stage: Stage)] {
        let cases = try caseDocuments(
            try await rows(
                """
                SELECT doc FROM cases WHERE next_due_at <= \(limit.timeIntervalSince1970)
                ORDER BY next_due_at LIMIT \(max)
                """))
        return cases.flatMap { subject in
            subject.armedStages.filter { $0.dueAt <= limit }.map { (case: subject, stage: $0) }
        }
        .sorted { $0.stage.dueAt < $1.stage.dueAt }
        .prefix(max).map { $0 }
    }

    public func counts() async throws -> StatusCounts {
        let rows = try await rows("SELECT name, value FROM counters")
        var counts = StatusCounts()
        for state in CaseState.allCases { counts.cases[state] = 0 }
        for state in OutboxMessage.State.allCases { counts.outbox[state] = 0 }
        for (name, value) in try decoded(rows, { try $0.decode((String, Int).self) }) {
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

    public func outbox(state: OutboxMessage.State?, limit: Int) async throws -> [OutboxMessage] {
        let rows =
            if let state {
                try await rows(
                    "SELECT * FROM outbox WHERE state = \(state.rawValue) ORDER BY created_at DESC LIMIT \(limit)")
            } else {
                try await rows("SELECT * FROM outbox ORDER BY created_at DESC LIMIT \(limit)")
            }
        return try decoded(rows, Self.outboxMessage)
    }

    /// An outbox row (all its columns) as a message.
    static func outboxMessage(_ row: PostgresRow) throws -> OutboxMessage {
        let row = row.makeRandomAccess()
        func date(_ column: String) throws -> Date? {
            try row[column].decode(Double?.self).map(Date.init(timeIntervalSince1970:))
        }
        var message = OutboxMessage(
            id: try row["id"].decode(String.self), caseID: try row["case_id"].decode(Int64?.self).map(CaseID.init),
            event: NotificationEvent(rawValue: try row["event"].decode(String.self)),
            channel: OutboxMessage.Channel(rawValue: try row["channel"].decode(String.self)) ?? .mail,
            recipient: try row["recipient"].decode(String.self), needsAck: try row["needs_ack"].decode(Bool.self),
            state: OutboxMessage.State(rawValue: try row["state"].decode(String.self)) ?? .pending,
            createdAt: try date("created_at") ?? .distantPast,
            nextAttemptAt: try date("next_attempt_at") ?? .distantPast,
            attempts: try row["attempts"].decode(Int.self), payload: try row["payload"].decode(Data.self),
            ackGroup: try row["ack_group"].decode(String?.self), urgent: try row["urgent"].decode(Bool.self),
            catchUp: try row["catch_up"].decode(Bool.self), ackDueAt: try date("ack_due_at"),
            reminders: try row["reminders"].decode(Int.self))
        message.acknowledgedBy = try row["acked_by"].decode(String?.self)
        message.acknowledgedAt = try date("acked_at")
        message.deliveredAt = try date("delivered_at")
        message.lastError = try row["last_error"].decode(String?.self)
        message.digestID = try row["digest_id"].decode(String?.self)
        return message
    }

    public func report(id: String) async throws -> StoredReport? {
        try decoded(try await rows("SELECT * FROM reports WHERE id = \(id)"), Self.storedReport).first
    }

    public func latestReport(of id: CaseID) async throws -> StoredReport? {
        try decoded(
            try await rows(
                "SELECT * FROM reports WHERE case_id = \(id.number) ORDER BY generated_at DESC LIMIT 1"),
            Self.storedReport
        ).first
    }

    static func storedReport(_ row: PostgresRow) throws -> StoredReport {
        let row = row.makeRandomAccess()
        return StoredReport(
            id: try row["id"].decode(String.self), caseID: CaseID(try row["case_id"].decode(Int64.self)),
            reason: ReportReason(rawValue: try row["reason"].decode(String.self)) ?? .noReply,
            generatedAt: Date(timeIntervalSince1970: try row["generated_at"].decode(Double.self)),
            document: try row["document"].decode(Data.self))
    }
}
