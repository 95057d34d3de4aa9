import FollowupCore
import Foundation
import GRDB

/// The web application's accounts, sessions and keys on SQLite (``AccountStore``).
extension SQLiteCaseStore: AccountStore {
    /// The tables of migration v6.
    static let webTables = """
        CREATE TABLE web_accounts (
            login TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until REAL,
            created_at REAL NOT NULL,
            changed_at REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE web_sessions (
            id TEXT PRIMARY KEY,
            login TEXT NOT NULL,
            person TEXT NOT NULL,
            role TEXT NOT NULL,
            method TEXT NOT NULL,
            csrf TEXT NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX web_sessions_expiry ON web_sessions(expires_at);
        CREATE INDEX web_sessions_login ON web_sessions(login);
        CREATE TABLE web_pending (
            state TEXT PRIMARY KEY,
            nonce TEXT NOT NULL,
            verifier TEXT NOT NULL,
            return_to TEXT NOT NULL,
            expires_at REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX web_pending_expiry ON web_pending(expires_at);
        CREATE TABLE web_secrets (
            name TEXT PRIMARY KEY,
            value BLOB NOT NULL
        ) WITHOUT ROWID;
        """

    public func account(_ login: String) async throws -> WebAccount? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM web_accounts WHERE login = ?", arguments: [login]).map(
                Self.account)
        }
    }

    public func accounts() async throws -> [WebAccount] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM web_accounts ORDER BY login").map(Self.account)
        }
    }

    public func addAccount(_ account: WebAccount) async throws {
        try await write { db in
            guard
                try Row.fetchOne(db, sql: "SELECT 1 FROM web_accounts WHERE login = ?", arguments: [account.login])
                    == nil
            else {
                throw WebAccount.exists(account.login)
            }
            try Self.save(account, in: db, inserting: true)
        }
    }

    @discardableResult
    public func updateAccount(_ login: String, _ change: @escaping @Sendable (inout WebAccount) throws -> Void)
        async throws -> WebAccount
    {
        try await write { db in
            guard
                var account = try Row.fetchOne(
                    db, sql: "SELECT * FROM web_accounts WHERE login = ?", arguments: [login]
                )
                .map(Self.account)
            else {
                throw WebAccount.unknown(login)
            }
            try change(&account)
            try Self.save(account, in: db, inserting: false)
            return account
        }
    }

    public func addSession(_ session: WebSession) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO web_sessions (id, login, person, role, method, csrf, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    session.id, session.login, session.person, session.role, session.method, session.csrf,
                    session.createdAt.timeIntervalSince1970, session.expiresAt.timeIntervalSince1970,
                ])
        }
    }

    public func session(_ id: String, at now: Date) async throws -> WebSession? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM web_sessions WHERE id = ? AND expires_at > ?",
                arguments: [id, now.timeIntervalSince1970]
            ).map { row in
                WebSession(
                    id: row["id"], login: row["login"], person: row["person"], role: row["role"],
                    method: row["method"], csrf: row["csrf"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    expiresAt: Date(timeIntervalSince1970: row["expires_at"]))
            }
        }
    }

    public func removeSession(_ id: String) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM web_sessions WHERE id = ?", arguments: [id]) }
    }

    public func removeSessions(of login: String) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM web_sessions WHERE login = ?", arguments: [login]) }
    }

    @discardableResult
    public func pruneSessions(before now: Date) async throws -> Int {
        try await write { db in
            let cutoff = now.timeIntervalSince1970
            try db.execute(sql: "DELETE FROM web_sessions WHERE expires_at <= ?", arguments: [cutoff])
            var removed = db.changesCount
            try db.execute(sql: "DELETE FROM web_pending WHERE expires_at <= ?", arguments: [cutoff])
            removed += db.changesCount
            return removed
        }
    }

    public func addPendingSignIn(_ pending: PendingSignIn) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO web_pending (state, nonce, verifier, return_to, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    pending.state, pending.nonce, pending.verifier, pending.returnTo,
                    pending.expiresAt.timeIntervalSince1970,
                ])
        }
    }

    public func takePendingSignIn(_ state: String) async throws -> PendingSignIn? {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM web_pending WHERE state = ?", arguments: [state])
            else { return nil }
            try db.execute(sql: "DELETE FROM web_pending WHERE state = ?", arguments: [state])
            return PendingSignIn(
                state: row["state"], nonce: row["nonce"], verifier: row["verifier"], returnTo: row["return_to"],
                expiresAt: Date(timeIntervalSince1970: row["expires_at"]))
        }
    }

    public func secret(_ name: String, make: @escaping @Sendable () -> Data) async throws -> Data {
        try await write { db in
            if let value = try Data.fetchOne(db, sql: "SELECT value FROM web_secrets WHERE name = ?", arguments: [name])
            {
                return value
            }
            let value = make()
            try db.execute(sql: "INSERT INTO web_secrets (name, value) VALUES (?, ?)", arguments: [name, value])
            return value
        }
    }

    static func account(_ row: Row) -> WebAccount {
        WebAccount(
            login: row["login"], role: row["role"], passwordHash: row["password_hash"],
            disabled: row["disabled"] as Int64 != 0, failedAttempts: Int(row["failed_attempts"] as Int64),
            lockedUntil: (row["locked_until"] as Double?).map(Date.init(timeIntervalSince1970:)),
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            changedAt: Date(timeIntervalSince1970: row["changed_at"]))
    }

    static func save(_ account: WebAccount, in db: Database, inserting: Bool) throws {
        let verb = inserting ? "INSERT" : "REPLACE"
        try db.execute(
            sql: """
                \(verb) INTO web_accounts
                    (login, role, password_hash, disabled, failed_attempts, locked_until, created_at, changed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                account.login, account.role, account.passwordHash, account.disabled ? 1 : 0, account.failedAttempts,
                account.lockedUntil?.timeIntervalSince1970, account.createdAt.timeIntervalSince1970,
                account.changedAt.timeIntervalSince1970,
            ])
    }
}
