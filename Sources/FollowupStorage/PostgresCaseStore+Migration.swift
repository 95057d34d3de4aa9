import FollowupCore
import Foundation
import Logging
import PostgresNIO

extension PostgresCaseStore {
    /// Brings the schema up to date on a connection of its own (the pool need not run), under
    /// an advisory lock: the first node migrates, the others wait and find nothing to do.
    /// Returns the versions applied.
    ///
    /// Every pending step runs in one transaction: a step that fails rolls all of them back.
    /// followupd cannot copy a PostgreSQL database; before changing an existing schema it logs
    /// that the operator's `pg_dump` from before the upgrade is the way back (docs/install.md).
    ///
    /// - Throws: ``FollowupError`` with `storageUnavailable` when the server cannot be reached
    ///   or refuses the login (fails at once, not after the pool's retries); `migrationFailed`
    ///   when a step fails or the schema is newer than this release knows, the database as it
    ///   was (the daemon exits 78).
    @discardableResult
    public func migrate() async throws -> [Int64] {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: connectionConfiguration, id: 0, logger: logger)
        } catch {
            throw mapped(error)
        }
        do {
            let (from, applied) = try await Self.migrate(connection, location: "\(self)", logger: logger)
            try? await connection.close()
            if let last = applied.last {
                logger.notice(
                    "database schema migrated",
                    metadata: [
                        "followup.event": "migrated", "followup.storage": "\(self)", "followup.path": "\(self)",
                        "followup.schema_from": "\(from.map { "v\($0)" } ?? "empty")", "followup.schema_to": "v\(last)",
                        "followup.versions": "\(applied)",
                    ])
            }
            return applied
        } catch {
            try? await connection.close()
            let failure = Self.unwrapped(error) as? StepFailure
            let reason = mapped(failure?.error ?? error)
            guard let failure, let found = reason as? FollowupError, found.code == .internalError else {
                throw reason
            }
            throw FollowupError(
                .migrationFailed,
                "cannot migrate the schema of the database \(self) to version \(failure.version): its step "
                    + "\"\(failure.name)\" failed: \(found.message); nothing was changed (the migration is one "
                    + "transaction, rolled back): fix the cause (an object of the same name made by hand, missing "
                    + "rights of followupd's role), or run the release that made the database",
                underlying: failure.error)
        }
    }

    /// A step that threw, and what it threw.
    struct StepFailure: Error {
        var version: Int64
        var name: String
        var error: any Error
    }

    /// Applies the pending migrations in one transaction under the migration lock. Returns the
    /// newest version the database had (nil when it had none) and the versions applied.
    static func migrate(_ connection: PostgresConnection, location: String, logger: Logger) async throws
        -> (from: Int64?, applied: [Int64])
    {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<Int64>()
            for try await version in try await connection.query(
                "SELECT version FROM schema_migrations", logger: logger
            ).decode(Int64.self) {
                applied.insert(version)
            }
            let newest = applied.max()
            if let newest, let known = migrations.last?.version, newest > known {
                throw FollowupError(
                    .migrationFailed,
                    "the database \(location) was migrated by a newer followupd (schema version \(newest); followupd "
                        + "\(FollowupVersion.current) knows up to \(known)); nothing was changed: upgrade this node "
                        + "to the release the other nodes run")
            }
            let pending = migrations.filter { !applied.contains($0.version) }
            if let newest, let last = pending.last {
                logger.notice(
                    """
                    database schema to be migrated: followupd cannot copy a PostgreSQL database, the pg_dump \
                    taken before this upgrade is the way back (docs/install.md)
                    """,
                    metadata: [
                        "followup.storage": "\(location)", "followup.schema_from": "v\(newest)",
                        "followup.schema_to": "v\(last.version)",
                    ])
            }
            for migration in pending {
                do {
                    for statement in migration.sql {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                        logger: logger)
                } catch {
                    throw StepFailure(version: migration.version, name: migration.name, error: error)
                }
            }
            return (newest, pending.map(\.version))
        }
    }
}
