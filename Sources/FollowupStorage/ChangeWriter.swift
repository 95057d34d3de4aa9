import FollowupCore
import Foundation
import GRDB

/// A case's and its new entries' stored documents, encoded ahead of the write.
struct EncodedDocuments: Sendable {
    var caseDocument: Data
    var entryDocuments: [Data]

    init(_ change: StoredChange, encoder: JSONEncoder) throws {
        caseDocument = try encoder.encode(change.case)
        entryDocuments = try change.entries.map { try encoder.encode($0) }
    }
}

/// Writes stored changes inside one SQLite transaction and gathers the counter deltas, which
/// are applied once at the end (one row update per counter per transaction, not per case).
struct ChangeWriter {
    let db: Database
    let encoder = DocumentCoding.encoder()
    let decoder = DocumentCoding.decoder()
    private var deltas: [String: Int] = [:]
    private var committedDeltas: [String: Int] = [:]

    init(db: Database) {
        self.db = db
    }

    /// Inserts a new case with its first entries, outbox rows and reports.
    mutating func insert(_ change: StoredChange, encoded: EncodedDocuments? = nil) throws {
        let subject = change.case
        try run(
            sql: """
                INSERT INTO cases (id, kind, state, owner, partner, client, ticket, next_due_at, created_at, updated_at, doc)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                subject.id.number, subject.kind.rawValue, subject.state.rawValue, subject.owner,
                subject.partner?.name, subject.client.name, subject.client.ticket,
                subject.nextStage?.dueAt.timeIntervalSince1970, subject.createdAt.timeIntervalSince1970,
                subject.updatedAt.timeIntervalSince1970, try encoded?.caseDocument ?? encoder.encode(subject),
            ])
        deltas["cases.\(subject.state.rawValue)", default: 0] += 1
        try appendRest(change, entryDocuments: encoded?.entryDocuments)
    }

    /// Forgets the counter deltas of the change being written (its savepoint was rolled back).
    mutating func discardPending() {
        deltas = committedDeltas
    }

    /// Marks the deltas gathered so far as belonging to written changes.
    mutating func keepPending() {
        committedDeltas = deltas
    }

    /// Saves a changed case and appends what came with the change; `encoded` carries the
    /// documents when they were encoded ahead (in parallel).
    mutating func save(_ change: StoredChange, previousState: CaseState, encoded: EncodedDocuments? = nil) throws {
        let subject = change.case
        try run(
            sql: """
                UPDATE cases SET state = ?, owner = ?, partner = ?, client = ?, ticket = ?, next_due_at = ?,
                    updated_at = ?, doc = ?
                WHERE id = ?
                """,
            arguments: [
                subject.state.rawValue, subject.owner, subject.partner?.name, subject.client.name,
                subject.client.ticket, subject.nextStage?.dueAt.timeIntervalSince1970,
                subject.updatedAt.timeIntervalSince1970, try encoded?.caseDocument ?? encoder.encode(subject),
                subject.id.number,
            ])
        if previousState != subject.state {
            deltas["cases.\(previousState.rawValue)", default: 0] -= 1
            deltas["cases.\(subject.state.rawValue)", default: 0] += 1
        }
        try appendRest(change, entryDocuments: encoded?.entryDocuments)
    }

    private mutating func appendRest(_ change: StoredChange, entryDocuments: [Data]? = nil) throws {
        let caseID = change.case.id.number
        // The Message-IDs that thread replies to the case (§4.5): the first request's and each
        // e-mail attempt's (a handful per case, kept as they appear).
        // Written when an attempt is added (opening, a resend, a contact), not on every save.
        var threadIDs: [String] = []
        if change.entries.contains(where: { [.opened, .contactSent, .updated].contains($0.kind) }) {
            threadIDs = change.case.attempts.suffix(2).compactMap(\.messageID)
            if let first = change.case.firstMessageID { threadIDs.append(first) }
        }
        // Our own ids (`FU-<n>.…`) name their case already: only the others are kept.
        for id in threadIDs where !MessageIDKey.normalized(id).hasPrefix("FU-") {
            try run(
                sql: "INSERT INTO message_ids (message_id, case_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                arguments: [MessageIDKey.normalized(id), caseID])
        }
        if let answer = change.answer {
            try run(
                sql:
                    "INSERT INTO idempotency (key, status, body, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [answer.key, answer.status, answer.body, Date().timeIntervalSince1970])
            guard db.changesCount == 1 else {
                throw FollowupError(.duplicateRequest, "a request with this Idempotency-Key was already carried out")
            }
        }
        for (index, entry) in change.entries.enumerated() {
            try run(
                sql: "INSERT INTO events (case_id, seq, kind, at, by, doc) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    caseID, entry.seq, entry.kind.rawValue, entry.at.timeIntervalSince1970, entry.by,
                    try entryDocuments?[index] ?? encoder.encode(entry),
                ])
        }
        for message in change.outbox { try queue(message) }
        for report in change.reports {
            try run(
                sql: "INSERT INTO reports (id, case_id, reason, generated_at, document) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    report.id, report.caseID.number, report.reason.rawValue,
                    report.generatedAt.timeIntervalSince1970, report.document,
                ])
        }
    }

    /// Inserts one outbox row.
    mutating func queue(_ message: OutboxMessage) throws {
        try run(
            sql: """
                INSERT INTO outbox (id, case_id, event, channel, recipient, needs_ack, state, created_at,
                    next_attempt_at, attempts, payload, ack_group, urgent, catch_up, ack_due_at, reminders)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                message.id, message.caseID?.number, message.event.rawValue, message.channel.rawValue,
                message.recipient, message.needsAck, message.state.rawValue,
                message.createdAt.timeIntervalSince1970, message.nextAttemptAt.timeIntervalSince1970,
                message.attempts, message.payload, message.ackGroup, message.urgent, message.catchUp,
                message.ackDueAt?.timeIntervalSince1970, message.reminders,
            ])
        count(outbox: message.state, 1)
    }

    /// Counts an outbox row into or out of a delivery state.
    mutating func count(outbox state: OutboxMessage.State, _ delta: Int) {
        deltas["outbox.\(state.rawValue)", default: 0] += delta
    }

    /// Runs a statement from the connection's cache: each SQL text is compiled once per
    /// connection, not once per row.
    func run(sql: String, arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// Records a stage's idempotency key; false when it was already recorded.
    func claim(_ stage: Stage, of id: CaseID, at now: Date) throws -> Bool {
        try run(
            sql: """
                INSERT INTO stages_done (case_id, series, stage, ordinal, done_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """,
            arguments: [id.number, stage.series, stage.kind.rawValue, stage.ordinal, now.timeIntervalSince1970])
        return db.changesCount == 1
    }

    mutating func countStage(_ kind: Stage.Kind) {
        deltas["stages.\(kind.rawValue)", default: 0] += 1
    }

    /// Applies the gathered counter deltas.
    mutating func flushCounters() throws {
        for (name, delta) in deltas where delta != 0 {
            try run(
                sql: """
                    INSERT INTO counters (name, value) VALUES (?, ?)
                    ON CONFLICT (name) DO UPDATE SET value = value + excluded.value
                    """,
                arguments: [name, delta])
        }
        deltas = [:]
        committedDeltas = [:]
    }
}
