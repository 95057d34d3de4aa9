-- The first PostgreSQL schema of followupd: version 1 of PostgresCaseStore+Schema.swift as
-- commit d41bf29 shipped it (`git show d41bf29:Sources/FollowupStorage/PostgresCaseStore+Schema.swift`),
-- its statements copied verbatim, and the schema_migrations table recording it as that
-- release's migrate() did. PostgresFirstSchemaTests loads it into a fresh database, adds the
-- rows of first-schema.sqlite, and lets today's code migrate it.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE SEQUENCE case_ids AS BIGINT START 1;
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
);
CREATE INDEX cases_next_due ON cases (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX cases_state ON cases (state, id);
CREATE INDEX cases_owner ON cases (lower(owner), id);
CREATE INDEX cases_partner ON cases (lower(partner), id);
CREATE INDEX cases_client ON cases (lower(client), id);
CREATE INDEX cases_ticket ON cases (ticket, id) WHERE ticket IS NOT NULL;
CREATE TABLE events (
    case_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    by TEXT NOT NULL,
    doc BYTEA NOT NULL,
    PRIMARY KEY (case_id, seq)
);
CREATE TABLE stages_done (
    case_id BIGINT NOT NULL,
    series BIGINT NOT NULL,
    stage TEXT NOT NULL,
    ordinal BIGINT NOT NULL,
    done_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (case_id, series, stage, ordinal)
);
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
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_state ON outbox (state, created_at);
CREATE INDEX outbox_case ON outbox (case_id);
CREATE INDEX outbox_ack_due ON outbox (ack_due_at) WHERE ack_due_at IS NOT NULL;
CREATE INDEX outbox_ack_group ON outbox (ack_group) WHERE ack_group IS NOT NULL;
CREATE INDEX outbox_line ON outbox (case_id, channel, recipient, created_at)
    WHERE state = 'pending' AND case_id IS NOT NULL;
CREATE INDEX outbox_claims ON outbox (claimed_by) WHERE lease_until IS NOT NULL;
CREATE TABLE deliveries (
    notification_id TEXT NOT NULL,
    attempt BIGINT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    result TEXT NOT NULL,
    http_status BIGINT,
    exit_status BIGINT,
    error TEXT,
    PRIMARY KEY (notification_id, attempt)
);
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    case_id BIGINT NOT NULL,
    reason TEXT NOT NULL,
    generated_at DOUBLE PRECISION NOT NULL,
    document BYTEA NOT NULL
);
CREATE INDEX reports_case ON reports (case_id, generated_at);
CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
CREATE TABLE idempotency (
    key TEXT PRIMARY KEY,
    status BIGINT NOT NULL,
    body BYTEA NOT NULL,
    created_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX idempotency_created ON idempotency (created_at);
INSERT INTO schema_migrations (version, name) VALUES (1, 'cases, timeline, stages, outbox, reports, counters, idempotency, deliveries');
