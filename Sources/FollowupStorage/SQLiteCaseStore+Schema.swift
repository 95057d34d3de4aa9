extension SQLiteCaseStore {
    /// One step of the schema: its identifier, as recorded in the file's `grdb_migrations`
    /// table (the first releases applied these steps with GRDB's `DatabaseMigrator`, which
    /// keeps that table), and the SQL that makes it.
    struct SchemaStep: Sendable {
        /// `vN: what it adds`, N being ``version``.
        var identifier: String
        /// Statements SQLite can roll back (no `VACUUM`, no `PRAGMA journal_mode`).
        var sql: String

        init(_ identifier: String, sql: String) {
            self.identifier = identifier
            self.sql = sql
        }

        /// The step's number, from its identifier (`v3: …` is 3).
        var version: Int {
            Int(identifier.dropFirst().prefix { $0.isNumber }) ?? 0
        }
    }

    /// The versioned schema, oldest first. Steps are append-only: never edit one that has
    /// shipped (a database made by the first release, kept in `Tests/Fixtures/first-schema`,
    /// must keep opening). Every pending step runs in one transaction
    /// (``migrate(path:configuration:logger:)``), so a step that fails leaves the file as it was.
    static let schema: [SchemaStep] = [
        SchemaStep(
            "v1: cases, timeline, stages, outbox, reports, counters",
            sql: """
                CREATE TABLE cases (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    state TEXT NOT NULL,
                    owner TEXT NOT NULL,
                    partner TEXT,
                    client TEXT NOT NULL,
                    ticket TEXT,
                    next_due_at REAL,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    doc BLOB NOT NULL
                );
                CREATE INDEX cases_next_due ON cases(next_due_at) WHERE next_due_at IS NOT NULL;
                CREATE INDEX cases_state ON cases(state, id);
                CREATE INDEX cases_owner ON cases(owner COLLATE NOCASE, id);
                CREATE INDEX cases_partner ON cases(partner COLLATE NOCASE, id);
                CREATE INDEX cases_client ON cases(client COLLATE NOCASE, id);
                CREATE INDEX cases_ticket ON cases(ticket, id) WHERE ticket IS NOT NULL;

                CREATE TABLE events (
                    case_id INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    at REAL NOT NULL,
                    by TEXT NOT NULL,
                    doc BLOB NOT NULL,
                    PRIMARY KEY (case_id, seq)
                ) WITHOUT ROWID;

                CREATE TABLE stages_done (
                    case_id INTEGER NOT NULL,
                    series INTEGER NOT NULL,
                    stage TEXT NOT NULL,
                    ordinal INTEGER NOT NULL,
                    done_at REAL NOT NULL,
                    PRIMARY KEY (case_id, series, stage, ordinal)
                ) WITHOUT ROWID;

                CREATE TABLE outbox (
                    id TEXT PRIMARY KEY,
                    case_id INTEGER,
                    event TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    needs_ack INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    next_attempt_at REAL NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    payload BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE state = 'pending';
                CREATE INDEX outbox_state ON outbox(state, created_at);
                CREATE INDEX outbox_case ON outbox(case_id);

                CREATE TABLE reports (
                    id TEXT PRIMARY KEY,
                    case_id INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    generated_at REAL NOT NULL,
                    document BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX reports_case ON reports(case_id, generated_at);

                CREATE TABLE counters (
                    name TEXT PRIMARY KEY,
                    value INTEGER NOT NULL
                ) WITHOUT ROWID;
                """),
        SchemaStep(
            "v2: idempotency keys",
            sql: """
                CREATE TABLE idempotency (
                    key TEXT PRIMARY KEY,
                    status INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    created_at REAL NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX idempotency_created ON idempotency(created_at);
                """),
        SchemaStep(
            "v3: deliveries, acknowledgements, digests",
            sql: """
                ALTER TABLE outbox ADD COLUMN ack_group TEXT;
                ALTER TABLE outbox ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE outbox ADD COLUMN catch_up INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE outbox ADD COLUMN acked_by TEXT;
                ALTER TABLE outbox ADD COLUMN acked_at REAL;
                ALTER TABLE outbox ADD COLUMN delivered_at REAL;
                ALTER TABLE outbox ADD COLUMN last_error TEXT;
                ALTER TABLE outbox ADD COLUMN digest_id TEXT;
                ALTER TABLE outbox ADD COLUMN ack_due_at REAL;
                ALTER TABLE outbox ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE outbox ADD COLUMN lease_until REAL;
                CREATE INDEX outbox_ack_due ON outbox(ack_due_at) WHERE ack_due_at IS NOT NULL;
                CREATE INDEX outbox_ack_group ON outbox(ack_group) WHERE ack_group IS NOT NULL;
                CREATE INDEX outbox_line ON outbox(case_id, channel, recipient, created_at)
                    WHERE state = 'pending' AND case_id IS NOT NULL;

                CREATE TABLE deliveries (
                    notification_id TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    at REAL NOT NULL,
                    result TEXT NOT NULL,
                    http_status INTEGER,
                    exit_status INTEGER,
                    error TEXT,
                    PRIMARY KEY (notification_id, attempt)
                ) WITHOUT ROWID;
                """),
        SchemaStep(
            "v4: notices",
            sql: """
                CREATE TABLE notices (
                    id TEXT PRIMARY KEY,
                    posted_at REAL NOT NULL,
                    doc BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX notices_posted ON notices(posted_at);
                """),
        SchemaStep(
            "v5: inbox, message ids",
            sql: """
                CREATE TABLE inbox (
                    id TEXT PRIMARY KEY,
                    received_at REAL NOT NULL,
                    state TEXT NOT NULL,
                    case_id INTEGER,
                    doc BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX inbox_state ON inbox(state, received_at);
                CREATE TABLE message_ids (
                    message_id TEXT PRIMARY KEY,
                    case_id INTEGER NOT NULL
                ) WITHOUT ROWID;
                """),
        SchemaStep("v6: web accounts, sessions, pending sign-ins, secrets", sql: SQLiteCaseStore.webTables),
        // Retention's pass reads the closed cases due for erasure through this index, not a
        // scan of every closed case; erased ones (client '[erased]', CaseMachine.erasedText)
        // leave it.
        SchemaStep(
            "v7: closed cases by their last change",
            sql: """
                CREATE INDEX cases_closed ON cases(updated_at, id) WHERE state = 'closed' AND client <> '[erased]';
                """),
    ]
}
