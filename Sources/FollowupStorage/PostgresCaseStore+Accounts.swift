import FollowupCore
import Foundation
import PostgresNIO

/// The web application's accounts, sessions and keys on PostgreSQL (``AccountStore``): the
/// same tables as the embedded engine's, shared by the nodes (a session made on one node
/// works on the others).
extension PostgresCaseStore: AccountStore {
    /// The statements of migration 4.
    static let webTables = [
        """
        CREATE TABLE web_accounts (
            login TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            disabled BOOLEAN NOT NULL DEFAULT false,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until DOUBLE PRECISION,
            created_at DOUBLE PRECISION NOT NULL,
            changed_at DOUBLE PRECISION NOT NULL
        )
        """,
        """
        CREATE TABLE web_sessions (
            id TEXT PRIMARY KEY,
            login TEXT NOT NULL,
            person TEXT NOT NULL,
            role TEXT NOT NULL,
            method TEXT NOT NULL,
            csrf TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL
        )
        """,
        "CREATE INDEX web_sessions_expiry ON web_sessions (expires_at)",
        "CREATE INDEX web_sessions_login ON web_sessions (login)",
        """
        CREATE TABLE web_pending (
            state TEXT PRIMARY KEY,
            nonce TEXT NOT NULL,
            verifier TEXT NOT NULL,
            return_to TEXT NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL
        )
        """,
        "CREATE INDEX web_pending_expiry ON web_pending (expires_at)",
        "CREATE TABLE web_secrets (name TEXT PRIMARY KEY, value BYTEA NOT NULL)",
    ]

    public func account(_ login: String) async throws -> WebAccount? {
        let rows = try await rows(
            "SELECT login, role, password_hash, disabled, failed_attempts, locked_until, created_at, changed_at FROM web_accounts WHERE login = \(login)"
        )
        return try decoded(rows, Self.account).first
    }

    public func accounts() async throws -> [WebAccount] {
        let rows = try await rows(
            "SELECT login, role, password_hash, disabled, failed_attempts, locked_until, created_at, changed_at FROM web_accounts ORDER BY login"
        )
        return try decoded(rows, Self.account)
    }

    public func addAccount(_ account: WebAccount) async throws {
        try await transaction { writer in
            let inserted = try await writer.rows(
                """
                INSERT INTO web_accounts
                    (login, role, password_hash, disabled, failed_attempts, locked_until, created_at, changed_at)
                VALUES (\(account.login), \(account.role), \(account.passwordHash), \(account.disabled),
                    \(account.failedAttempts), \(account.lockedUntil?.timeIntervalSince1970),
                    \(account.createdAt.timeIntervalSince1970), \(account.changedAt.timeIntervalSince1970))
                ON CONFLICT (login) DO NOTHING RETURNING login
                """)
            guard !inserted.isEmpty else {
                throw WebAccount.exists(account.login)
            }
        }
    }

    @discardableResult
    public func updateAccount(_ login: String, _ change: @escaping @Sendable (inout WebAccount) throws -> Void)
        async throws -> WebAccount
    {
        try await transaction { writer in
            guard
                let row = try await writer.rows(
                    "SELECT login, role, password_hash, disabled, failed_attempts, locked_until, created_at, changed_at FROM web_accounts WHERE login = \(login) FOR UPDATE"
                ).first
            else {
                throw WebAccount.unknown(login)
            }
            var account = try Self.account(row)
            try change(&account)
            try await writer.run(
                """
                UPDATE web_accounts SET role = \(account.role), password_hash = \(account.passwordHash),
                    disabled = \(account.disabled), failed_attempts = \(account.failedAttempts),
                    locked_until = \(account.lockedUntil?.timeIntervalSince1970),
                    changed_at = \(account.changedAt.timeIntervalSince1970)
                WHERE login = \(login)
                """)
            return account
        }
    }

    public func addSession(_ session: WebSession) async throws {
        try await transaction { writer in
            try await writer.run(
                """
                INSERT INTO web_sessions (id, login, person, role, method, csrf, created_at, expires_at)
                VALUES (\(session.id), \(session.login), \(session.person), \(session.role), \(session.method),
                    \(session.csrf), \(session.createdAt.timeIntervalSince1970), \(session.expiresAt.timeIntervalSince1970))
                """)
        }
    }

    public func session(_ id: String, at now: Date) async throws -> WebSession? {
        let rows = try await rows(
            """
            SELECT id, login, person, role, method, csrf, created_at, expires_at FROM web_sessions
            WHERE id = \(id) AND expires_at > \(now.timeIntervalSince1970)
            """)
        return try decoded(rows) { row in
            let (id, login, person, role, method, csrf, created, expires) = try row.decode(
                (String, String, String, String, String, String, Double, Double).self)
            return WebSession(
                id: id, login: login, person: person, role: role, method: method, csrf: csrf,
                createdAt: Date(timeIntervalSince1970: created), expiresAt: Date(timeIntervalSince1970: expires))
        }.first
    }

    public func removeSession(_ id: String) async throws {
        try await transaction { writer in try await writer.run("DELETE FROM web_sessions WHERE id = \(id)") }
    }

    public func removeSessions(of login: String) async throws {
        try await transaction { writer in try await writer.run("DELETE FROM web_sessions WHERE login = \(login)") }
    }

    @discardableResult
    public func pruneSessions(before now: Date) async throws -> Int {
        let cutoff = now.timeIntervalSince1970
        return try await transaction { writer in
            let sessions = try await writer.rows("DELETE FROM web_sessions WHERE expires_at <= \(cutoff) RETURNING id")
            let pending = try await writer.rows("DELETE FROM web_pending WHERE expires_at <= \(cutoff) RETURNING state")
            return sessions.count + pending.count
        }
    }

    public func addPendingSignIn(_ pending: PendingSignIn) async throws {
        try await transaction { writer in
            try await writer.run(
                """
                INSERT INTO web_pending (state, nonce, verifier, return_to, expires_at)
                VALUES (\(pending.state), \(pending.nonce), \(pending.verifier), \(pending.returnTo),
                    \(pending.expiresAt.timeIntervalSince1970))
                """)
        }
    }

    public func takePendingSignIn(_ state: String) async throws -> PendingSignIn? {
        try await transaction { writer in
            let rows = try await writer.rows(
                "DELETE FROM web_pending WHERE state = \(state) RETURNING state, nonce, verifier, return_to, expires_at"
            )
            guard let row = rows.first else { return nil }
            let (state, nonce, verifier, returnTo, expires) = try row.decode(
                (String, String, String, String, Double).self)
            return PendingSignIn(
                state: state, nonce: nonce, verifier: verifier, returnTo: returnTo,
                expiresAt: Date(timeIntervalSince1970: expires))
        }
    }

    public func secret(_ name: String, make: @escaping @Sendable () -> Data) async throws -> Data {
        let value = make()
        return try await transaction { writer in
            try await writer.run(
                "INSERT INTO web_secrets (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO NOTHING")
            guard let row = try await writer.rows("SELECT value FROM web_secrets WHERE name = \(name)").first else {
                throw FollowupError(.internalError, "the key \(name) could not be stored")
            }
            return try row.decode(Data.self)
        }
    }

    static func account(_ row: PostgresRow) throws -> WebAccount {
        let (login, role, hash, disabled, failed, locked, created, changed) = try row.decode(
            (String, String, String, Bool, Int32, Double?, Double, Double).self)
        return WebAccount(
            login: login, role: role, passwordHash: hash, disabled: disabled, failedAttempts: Int(failed),
            lockedUntil: locked.map(Date.init(timeIntervalSince1970:)), createdAt: Date(timeIntervalSince1970: created),
            changedAt: Date(timeIntervalSince1970: changed))
    }
}
