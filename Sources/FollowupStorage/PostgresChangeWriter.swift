import FollowupCore
import Foundation
import Logging
import PostgresNIO

/// Writes stored changes inside one PostgreSQL transaction, like ``ChangeWriter`` does for
/// SQLite: the rows of many changes go in one statement per table (``PostgresRows``), counter
/// deltas are gathered and applied once at the end, and the other nodes are woken when the
/// transaction may have moved a deadline earlier or queued notifications.
struct PostgresChangeWriter {
    /// A changed case to save, with what it was before.
    struct Save {
        var change: StoredChange
        var previousState: CaseState
        /// The deadline stored before, when known: a save that keeps or delays it wakes nobody.
        var previousDue: Date?
        /// The documents, when they were encoded ahead (in parallel).
        var encoded: EncodedDocuments?
    }

    let connection: PostgresConnection
    let logger: Logger
    /// This node's id, the payload of the wake-up (a node ignores its own).
    let nodeID: String
    let encoder = DocumentCoding.encoder()
    private var deltas: [String: Int] = [:]
    private var committedDeltas: [String: Int] = [:]
    /// Whether the other nodes should look again at their deadlines and outbox after the commit.
    private(set) var wakesOthers = false

    init(connection: PostgresConnection, logger: Logger, nodeID: String) {
        self.connection = connection
        self.logger = logger
        self.nodeID = nodeID
    }

    /// Runs a statement to its end, discarding any rows.
    func run(_ query: PostgresQuery) async throws {
        _ = try await connection.query(query, logger: logger).collect()
    }

    /// Runs a statement and collects its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    /// Inserts new cases with their first entries, outbox rows, reports and answers.
    mutating func insert(_ changes: [(change: StoredChange, encoded: EncodedDocuments?)]) async throws {
        guard !changes.isEmpty else { return }
        var cases: [PostgresRows.CaseRow] = []
        for (change, encoded) in changes {
            cases.append(.init(change.case, document: try encoded?.caseDocument ?? encoder.encode(change.case)))
            deltas["cases.\(change.case.state.rawValue)", default: 0] += 1
            if change.case.nextStage != nil { wakesOthers = true }
        }
        try await insertAnswers(changes.map(\.change))
        try await run(
            """
            INSERT INTO cases (id, kind, state, owner, partner, client, ticket, next_due_at, created_at, updated_at, doc)
            SELECT id, kind, state, owner, partner, client, ticket, next_due_at, created_at, updated_at,
                decode(doc, 'base64')
            FROM json_to_recordset(\(try PostgresRows.json(cases))::json)
                AS r (\(unescaped: PostgresRows.caseColumns))
            """)
        try await appendRest(changes)
    }

    /// Saves changed cases and appends what came with the changes.
    mutating func save(_ saves: [Save]) async throws {
        guard !saves.isEmpty else { return }
        var cases: [PostgresRows.CaseRow] = []
        for save in saves {
            let subject = save.change.case
            cases.append(.init(subject, document: try save.encoded?.caseDocument ?? encoder.encode(subject)))
            if save.previousState != subject.state {
                deltas["cases.\(save.previousState.rawValue)", default: 0] -= 1
                deltas["cases.\(subject.state.rawValue)", default: 0] += 1
            }
            if let due = subject.nextStage?.dueAt, save.previousDue.map({ due < $0 }) ?? true { wakesOthers = true }
        }
        try await insertAnswers(saves.map(\.change))
        try await run(
            """
            UPDATE cases SET state = r.state, owner = r.owner, partner = r.partner, client = r.client,
                ticket = r.ticket, next_due_at = r.next_due_at, updated_at = r.updated_at, doc = decode(r.doc, 'base64')
            FROM json_to_recordset(\(try PostgresRows.json(cases))::json)
                AS r (\(unescaped: PostgresRows.caseColumns))
            WHERE cases.id = r.id
            """)
        try await appendRest(saves.map { ($0.change, $0.encoded) })
    }

    /// Records the answers to remember under their idempotency keys; `duplicateRequest` when
    /// one was recorded before.
    private func insertAnswers(_ changes: [StoredChange]) async throws {
        let now = Date().timeIntervalSince1970
        let answers = changes.compactMap(\.answer).map {
            PostgresRows.AnswerRow(key: $0.key, status: $0.status, body: $0.body, createdAt: now)
        }
        guard !answers.isEmpty else { return }
        let inserted = try await rows(
            """
            INSERT INTO idempotency (key, status, body, created_at)
            SELECT key, status, decode(body, 'base64'), created_at
            FROM json_to_recordset(\(try PostgresRows.json(answers))::json)
                AS r (\(unescaped: PostgresRows.answerColumns))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
        guard inserted.count == answers.count else {
            throw FollowupError(.duplicateRequest, "a request with this Idempotency-Key was already carried out")
        }
    }

    /// The timeline entries, outbox rows and reports of the changes.
    private mutating func appendRest(_ changes: [(change: StoredChange, encoded: EncodedDocuments?)]) async throws {
        var events: [PostgresRows.EventRow] = []
        var reports: [PostgresRows.ReportRow] = []
        var threadIDs: [String] = []
        var threadCases: [Int64] = []
        for (change, encoded) in changes {
            // The Message-IDs that thread replies to the case (§4.5), when an attempt was added.
            if change.entries.contains(where: { [.opened, .contactSent, .updated].contains($0.kind) }) {
                var ids = change.case.attempts.suffix(2).compactMap(\.messageID)
                if let first = change.case.firstMessageID { ids.append(first) }
                // Our own ids (`FU-<n>.…`) name their case already: only the others are kept.
                for id in ids where !MessageIDKey.normalized(id).hasPrefix("FU-") {
                    threadIDs.append(MessageIDKey.normalized(id))
                    threadCases.append(change.case.id.number)
                }
            }
            for (index, entry) in change.entries.enumerated() {
                events.append(
                    .init(
                        caseId: change.case.id.number, seq: entry.seq, kind: entry.kind.rawValue,
                        at: entry.at.timeIntervalSince1970, by: entry.by,
                        doc: try encoded?.entryDocuments[index] ?? encoder.encode(entry)))
            }
            reports += change.reports.map {
                .init(
                    id: $0.id, caseId: $0.caseID.number, reason: $0.reason.rawValue,
                    generatedAt: $0.generatedAt.timeIntervalSince1970, document: $0.document)
            }
        }
        if !events.isEmpty {
            try await run(
                """
                INSERT INTO events (case_id, seq, kind, at, by, doc)
                SELECT case_id, seq, kind, at, by, decode(doc, 'base64')
                FROM json_to_recordset(\(try PostgresRows.json(events))::json)
                    AS r (\(unescaped: PostgresRows.eventColumns))
                """)
        }
        if !threadIDs.isEmpty {
            try await run(
                """
                INSERT INTO message_ids (message_id, case_id)
                SELECT * FROM UNNEST(\(threadIDs)::text[], \(threadCases)::bigint[]) ON CONFLICT DO NOTHING
                """)
        }
        try await queue(changes.flatMap(\.change.outbox))
        if !reports.isEmpty {
            try await run(
                """
                INSERT INTO reports (id, case_id, reason, generated_at, document)
                SELECT id, case_id, reason, generated_at, decode(document, 'base64')
                FROM json_to_recordset(\(try PostgresRows.json(reports))::json)
                    AS r (\(unescaped: PostgresRows.reportColumns))
                """)
        }
    }

    /// Inserts outbox rows.
    mutating func queue(_ messages: [OutboxMessage]) async throws {
        guard !messages.isEmpty else { return }
        try await run(
            """
            INSERT INTO outbox (id, case_id, event, channel, recipient, needs_ack, state, created_at,
                next_attempt_at, attempts, payload, ack_group, urgent, catch_up, ack_due_at, reminders)
            SELECT id, case_id, event, channel, recipient, needs_ack, state, created_at,
                next_attempt_at, attempts, decode(payload, 'base64'), ack_group, urgent, catch_up, ack_due_at, reminders
            FROM json_to_recordset(\(try PostgresRows.json(messages.map(PostgresRows.OutboxRow.init)))::json)
                AS r (\(unescaped: PostgresRows.outboxColumns))
            """)
        for message in messages { count(outbox: message.state, 1) }
        wakesOthers = true
    }

    /// Forgets the counter deltas gathered since ``keepPending()`` (their savepoint was rolled back).
    mutating func discardPending() {
        deltas = committedDeltas
    }

    /// Marks the deltas gathered so far as belonging to written changes.
    mutating func keepPending() {
        committedDeltas = deltas
    }

    /// Counts an outbox row into or out of a delivery state.
    mutating func count(outbox state: OutboxMessage.State, _ delta: Int) {
        deltas["outbox.\(state.rawValue)", default: 0] += delta
    }

    /// Asks for the other nodes to be woken after the commit (a retry or a release made
    /// something due earlier than they may think).
    mutating func wakeOthers() {
        wakesOthers = true
    }

    /// Records the stages' idempotency keys (at most one stage per case); returns the cases
    /// whose key was new. A key recorded before (by any node) is left as it was.
    func claim(_ stages: [(id: CaseID, stage: Stage)], at now: Date) async throws -> Set<Int64> {
        guard !stages.isEmpty else { return [] }
        let keys = stages.map {
            PostgresRows.StageRow(
                caseId: $0.id.number, series: $0.stage.series, stage: $0.stage.kind.rawValue,
                ordinal: $0.stage.ordinal)
        }
        let claimed = try await rows(
            """
            INSERT INTO stages_done (case_id, series, stage, ordinal, done_at)
            SELECT case_id, series, stage, ordinal, \(now.timeIntervalSince1970)
            FROM json_to_recordset(\(try PostgresRows.json(keys))::json) AS r (\(unescaped: PostgresRows.stageColumns))
            ON CONFLICT DO NOTHING RETURNING case_id
            """)
        var cases = Set<Int64>()
        for row in claimed { cases.insert(try row.decode(Int64.self)) }
        return cases
    }

    mutating func countStage(_ kind: Stage.Kind) {
        deltas["stages.\(kind.rawValue)", default: 0] += 1
    }

    /// Applies the gathered counter deltas in one statement, in name order (so that two
    /// transactions lock the counter rows in the same order and never deadlock), then queues
    /// the wake-up, which PostgreSQL delivers only if the transaction commits.
    mutating func finish() async throws {
        let changed = deltas.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        if !changed.isEmpty {
            let names = changed.map(\.key)
            let values = changed.map { Int64($0.value) }
            try await run(
                """
                INSERT INTO counters (name, value)
                SELECT name, value FROM unnest(\(names)::text[], \(values)::bigint[]) AS delta (name, value)
                ORDER BY name
                ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value
                """)
        }
        deltas = [:]
        committedDeltas = [:]
        if wakesOthers {
            try await run("SELECT pg_notify(\(PostgresCaseStore.wakeChannel), \(nodeID))")
            wakesOthers = false
        }
    }
}
