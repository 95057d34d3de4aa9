import FollowupCore
import Foundation

/// Rows of stored changes, sent as one JSON array per table and unpacked by the server with
/// `json_to_recordset`: a batch of 500 cases costs a handful of round trips, not thousands.
///
/// Keys are the columns' names; an absent key is NULL; documents travel as base64 and are
/// decoded into `BYTEA`; times are Unix seconds, which JSON carries exactly (the shortest
/// decimal that reads back as the same double).
enum PostgresRows {
    /// The JSON text of `rows`.
    static func json(_ rows: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dataEncodingStrategy = .base64
        return String(decoding: try encoder.encode(rows), as: UTF8.self)
    }

    struct CaseRow: Encodable {
        var id: Int64
        var kind: String
        var state: String
        var owner: String
        var partner: String?
        var client: String
        var ticket: String?
        var nextDueAt: Double?
        var createdAt: Double
        var updatedAt: Double
        var doc: Data

        init(_ subject: Case, document: Data) {
            id = subject.id.number
            kind = subject.kind.rawValue
            state = subject.state.rawValue
            owner = subject.owner
            partner = subject.partner?.name
            client = subject.client.name
            ticket = subject.client.ticket
            nextDueAt = subject.nextStage?.dueAt.timeIntervalSince1970
            createdAt = subject.createdAt.timeIntervalSince1970
            updatedAt = subject.updatedAt.timeIntervalSince1970
            doc = document
        }
    }

    static let caseColumns = """
        id BIGINT, kind TEXT, state TEXT, owner TEXT, partner TEXT, client TEXT, ticket TEXT,
        next_due_at DOUBLE PRECISION, created_at DOUBLE PRECISION, updated_at DOUBLE PRECISION, doc TEXT
        """

    struct EventRow: Encodable {
        var caseId: Int64
        var seq: Int
        var kind: String
        var at: Double
        var by: String
        var doc: Data
    }

    static let eventColumns = "case_id BIGINT, seq BIGINT, kind TEXT, at DOUBLE PRECISION, by TEXT, doc TEXT"

    struct OutboxRow: Encodable {
        var id: String
        var caseId: Int64?
        var event: String
        var channel: String
        var recipient: String
        var needsAck: Bool
        var state: String
        var createdAt: Double
        var nextAttemptAt: Double
        var attempts: Int
        var payload: Data
        var ackGroup: String?
        var urgent: Bool
        var catchUp: Bool
        var ackDueAt: Double?
        var reminders: Int

        init(_ message: OutboxMessage) {
            id = message.id
            caseId = message.caseID?.number
            event = message.event.rawValue
            channel = message.channel.rawValue
            recipient = message.recipient
            needsAck = message.needsAck
            state = message.state.rawValue
            createdAt = message.createdAt.timeIntervalSince1970
            nextAttemptAt = message.nextAttemptAt.timeIntervalSince1970
            attempts = message.attempts
            payload = message.payload
            ackGroup = message.ackGroup
            urgent = message.urgent
            catchUp = message.catchUp
            ackDueAt = message.ackDueAt?.timeIntervalSince1970
            reminders = message.reminders
        }
    }

    static let outboxColumns = """
        id TEXT, case_id BIGINT, event TEXT, channel TEXT, recipient TEXT, needs_ack BOOLEAN, state TEXT,
        created_at DOUBLE PRECISION, next_attempt_at DOUBLE PRECISION, attempts BIGINT, payload TEXT, ack_group TEXT,
        urgent BOOLEAN, catch_up BOOLEAN, ack_due_at DOUBLE PRECISION, reminders BIGINT
        """

    struct ReportRow: Encodable {
        var id: String
        var caseId: Int64
        var reason: String
        var generatedAt: Double
        var document: Data
    }

    static let reportColumns = "id TEXT, case_id BIGINT, reason TEXT, generated_at DOUBLE PRECISION, document TEXT"

    struct AnswerRow: Encodable {
        var key: String
        var status: Int
        var body: Data
        var createdAt: Double
    }

    static let answerColumns = "key TEXT, status BIGINT, body TEXT, created_at DOUBLE PRECISION"

    struct StageRow: Encodable {
        var caseId: Int64
        var series: Int64
        var stage: String
        var ordinal: Int64
    }

    static let stageColumns = "case_id BIGINT, series BIGINT, stage TEXT, ordinal BIGINT"
}
