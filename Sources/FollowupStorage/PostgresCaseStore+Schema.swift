import Foundation

extension PostgresCaseStore {
    /// One step of the schema.
    struct Migration: Sendable {
        var version: Int64
        var name: String
        var sql: [String]
    }

    /// The key of the advisory lock held while migrating: the first node migrates, the others
    /// wait for it and then find nothing left to do.
    static let migrationLock: Int64 = 0x666F_6C6C_6F77_7570  // "followup"

    /// The versioned schema, the same tables and meaning as the embedded engine's. Times are
    /// Unix seconds in `DOUBLE PRECISION` (exactly what the documents hold, so a stored
    /// deadline equals the case's own), documents the same JSON bytes in `BYTEA`. Migrations
    /// are append-only: never edit one that has shipped.
    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "cases, timeline, stages, outbox, reports, counters, idempotency, deliveries",
            sql: [
                // Case ids come from a sequence so that nodes never hand out the same one.
                "CREATE SEQUENCE case_ids AS BIGINT START 1",
                """
                CREATE TABLE cases (
                    id BIGINT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    state TEXT NOT NULL,
                    owner TEXT NOT NULL,
                    partner TEXT,
                    client TEXT NOT NULL,
                    ticket TEXT,
                    next_due_at DOUBLE PRECISION,
                    created_at DOUBLE PRECISION NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL,
                    doc BYTEA NOT NULL
                )
                """,
                "CREATE INDEX cases_next_due ON cases (next_due_at) WHERE next_due_at IS NOT NULL",
                "CREATE INDEX cases_state ON cases (state, id)",
                // Filters by person ignore case, as the embedded engine's NOCASE does.
                "CREATE INDEX cases_owner ON cases (lower(owner), id)",
                "CREATE INDEX cases_partner ON cases (lower(partner), id)",
                "CREATE INDEX cases_client ON cases (lower(client), id)",
                "CREATE INDEX cases_ticket ON cases (ticket, id) WHERE ticket IS NOT NULL",
                """
                CREATE TABLE events (
                    case_id BIGINT NOT NULL,
                    seq BIGINT NOT NULL,
                    kind TEXT NOT NULL,
                    at DOUBLE PRECISION NOT NULL,
                    by TEXT NOT NULL,
                    doc BYTEA NOT NULL,
                    PRIMARY KEY (case_id, seq)
                )
                """,
                // A stage's idempotency key: recorded once, by whichever node carries it out.
                """
                CREATE TABLE stages_done (
                    case_id BIGINT NOT NULL,
                    series BIGINT NOT NULL,
                    stage TEXT NOT NULL,
                    ordinal BIGINT NOT NULL,
                    done_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (case_id, series, stage, ordinal)
                )
                """,
                // claimed_by: the node holding the lease (lease_until), so that a node released at
                // restart gives back its own claims only.
                """
                CREATE TABLE outbox (
                    id TEXT PRIMARY KEY,
                    case_id BIGINT,
                    event TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    needs_ack BOOLEAN NOT NULL,
                    state TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    next_attempt_at DOUBLE PRECISION NOT NULL,
                    attempts BIGINT NOT NULL DEFAULT 0,
                    payload BYTEA NOT NULL,
                    ack_group TEXT,
                    urgent BOOLEAN NOT NULL DEFAULT FALSE,
                    catch_up BOOLEAN NOT NULL DEFAULT FALSE,
                    acked_by TEXT,
                    acked_at DOUBLE PRECISION,
                    delivered_at DOUBLE PRECISION,
                    last_error TEXT,
                    digest_id TEXT,
                    ack_due_at DOUBLE PRECISION,
                    reminders BIGINT NOT NULL DEFAULT 0,
                    lease_until DOUBLE PRECISION,
                    claimed_by TEXT
                )
                """,
                "CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state = 'pending'",
                "CREATE INDEX outbox_state ON outbox (state, created_at)",
                "CREATE INDEX outbox_case ON outbox (case_id)",
                "CREATE INDEX outbox_ack_due ON outbox (ack_due_at) WHERE ack_due_at IS NOT NULL",
                "CREATE INDEX outbox_ack_group ON outbox (ack_group) WHERE ack_group IS NOT NULL",
                """
                CREATE INDEX outbox_line ON outbox (case_id, channel, recipient, created_at)
                    WHERE state = 'pending' AND case_id IS NOT NULL
                """,
                "CREATE INDEX outbox_claims ON outbox (claimed_by) WHERE lease_until IS NOT NULL",
                """
                CREATE TABLE deliveries (
                    notification_id TEXT NOT NULL,
                    attempt BIGINT NOT NULL,
                    at DOUBLE PRECISION NOT NULL,
                    result TEXT NOT NULL,
                    http_status BIGINT,
                    exit_status BIGINT,
                    error TEXT,
                    PRIMARY KEY (notification_id, attempt)
                )
                """,
                """
                CREATE TABLE reports (
                    id TEXT PRIMARY KEY,
                    case_id BIGINT NOT NULL,
                    reason TEXT NOT NULL,
                    generated_at DOUBLE PRECISION NOT NULL,
                    document BYTEA NOT NULL
                )
                """,
                "CREATE INDEX reports_case ON reports (case_id, generated_at)",
                "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
                """
                CREATE TABLE idempotency (
                    key TEXT PRIMARY KEY,
                    status BIGINT NOT NULL,
                    body BYTEA NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL
                )
                """,
                "CREATE INDEX idempotency_created ON idempotency (created_at)",
            ]),
        Migration(
            version: 2, name: "nodes",
            sql: [
                """
                CREATE TABLE nodes (
                    node_id TEXT PRIMARY KEY,
                    host TEXT NOT NULL,
                    started_at DOUBLE PRECISION NOT NULL,
                    seen_at DOUBLE PRECISION NOT NULL
                )
                """
            ]),
        Migration(
            version: 3, name: "notices, inbox, message ids",
            sql: [
                "CREATE TABLE notices (id TEXT PRIMARY KEY, posted_at DOUBLE PRECISION NOT NULL, doc BYTEA NOT NULL)",
                "CREATE INDEX notices_posted ON notices (posted_at)",
                """
                CREATE TABLE inbox (
                    id TEXT PRIMARY KEY,
                    received_at DOUBLE PRECISION NOT NULL,
                    state TEXT NOT NULL,
                    case_id BIGINT,
                    doc BYTEA NOT NULL
                )
                """,
                "CREATE INDEX inbox_state ON inbox (state, received_at)",
                "CREATE TABLE message_ids (message_id TEXT PRIMARY KEY, case_id BIGINT NOT NULL)",
            ]),
        Migration(
            version: 4, name: "web accounts, sessions, pending sign-ins, secrets", sql: PostgresCaseStore.webTables),
        // Retention's pass reads the closed cases due for erasure through this index, not a
        // scan of every closed case; erased ones (client '[erased]') leave it.
        Migration(
            version: 5, name: "closed cases by their last change",
            sql: [
                "CREATE INDEX cases_closed ON cases (updated_at, id) WHERE state = 'closed' AND client <> '[erased]'"
            ]),
    ]
}
