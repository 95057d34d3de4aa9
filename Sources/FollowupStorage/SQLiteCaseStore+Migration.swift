import FollowupCore
import Foundation
import GRDB
import Logging

#if canImport(Glibc)
    import Glibc
#endif

extension SQLiteCaseStore {
    /// Brings the file's schema up to ``schema`` at start; returns the steps applied.
    ///
    /// In order: a file that records a step this release does not know (made by a newer
    /// release) is refused untouched; a file that already holds a schema is copied beside
    /// itself (`<path>.pre-v<N>.bak`, N the first step to apply) with the online backup code
    /// before anything changes; then every pending step and its record in `grdb_migrations`
    /// run in one transaction, so a step that fails (an object of the same name already there,
    /// a full disk) rolls everything back and leaves the file as it was.
    ///
    /// - Throws: ``FollowupError`` with `migrationFailed` naming the file, what failed and
    ///   what to do; the daemon exits 78 on it.
    @discardableResult
    static func migrate(path: String, configuration: Configuration, logger: Logger) throws(FollowupError)
        -> [SchemaStep]
    {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw FollowupError(
                .storageUnavailable, "cannot open the database \(path): \(describe(error))", underlying: error)
        }
        defer { try? queue.close() }
        let steps = schema
        let applied: Set<String>
        do {
            applied = try queue.read { db in
                guard try db.tableExists("grdb_migrations") else { return [] }
                return Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
            }
        } catch {
            // Not a migration's failure: the file cannot be read now (busy, I/O, not a database).
            throw FollowupError(
                .storageUnavailable, "cannot read the schema version of the database \(path): \(describe(error))",
                underlying: error)
        }
        let unknown = applied.subtracting(steps.map(\.identifier)).sorted()
        if !unknown.isEmpty {
            throw FollowupError(
                .migrationFailed,
                "the database \(path) was migrated by a newer followupd (its schema has \(unknown.joined(separator: ", ")), "
                    + "which followupd \(FollowupVersion.current) does not know); nothing was changed: install the newer "
                    + "release again, or stop it and put back the copy it took before migrating (\(path).pre-v*.bak)")
        }
        let pending = steps.filter { !applied.contains($0.identifier) }
        guard let first = pending.first, let last = pending.last else { return [] }
        let from = steps.last { applied.contains($0.identifier) }
        var backup: String? = nil
        if let from {
            let copy = "\(path).pre-v\(first.version).bak"
            do {
                let outcome = try copyBeforeMigrating(queue, to: copy)
                logger.notice(
                    "database copied before its schema is migrated",
                    metadata: [
                        "followup.event": "migration_backup", "followup.path": "\(outcome.path)",
                        "followup.bytes": "\(outcome.bytes)", "followup.cases": "\(outcome.cases)",
                        "followup.schema_from": "v\(from.version)", "followup.schema_to": "v\(last.version)",
                    ])
            } catch {
                throw FollowupError(
                    .migrationFailed,
                    "cannot copy the database \(path) to \(copy) before migrating its schema from v\(from.version) "
                        + "to v\(last.version): \(describe(error)); nothing was changed: free space or make the "
                        + "folder writable for followupd, then start it again",
                    underlying: error)
            }
            backup = copy
        }
        do {
            try queue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(
                        sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                    for step in pending {
                        do {
                            try db.execute(sql: step.sql)
                            try db.execute(
                                sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)",
                                arguments: [step.identifier])
                        } catch {
                            throw StepFailure(step: step, error: error)
                        }
                    }
                    return .commit
                }
            }
        } catch {
            let failure = error as? StepFailure
            let step = failure.map { "its step \"\($0.step.identifier)\" failed: " } ?? ""
            let kept = backup.map { "; the copy taken before is \($0)" } ?? ""
            throw FollowupError(
                .migrationFailed,
                "cannot migrate the schema of the database \(path) from \(from.map { "v\($0.version)" } ?? "empty") "
                    + "to v\(last.version): \(step)\(describe(failure?.error ?? error)); nothing was changed (the "
                    + "migration is one transaction, rolled back)\(kept): fix the cause (an object of the same name "
                    + "made by hand, a read-only or full disk), or run the release that made the database",
                underlying: failure?.error ?? error)
        }
        if let from {
            logger.notice(
                "database schema migrated",
                metadata: [
                    "followup.event": "migrated", "followup.path": "\(path)",
                    "followup.schema_from": "v\(from.version)", "followup.schema_to": "v\(last.version)",
                ])
        }
        return pending
    }

    /// Copies the database to `copy` (replacing an older copy of that name) with the online
    /// backup code of ``backup(to:)``: checked, synced, renamed into place.
    private static func copyBeforeMigrating(_ queue: DatabaseQueue, to copy: String) throws -> BackupOutcome {
        let destination = URL(fileURLWithPath: copy)
        let folder = destination.deletingLastPathComponent().path
        let temporary = "\(folder)/.\(destination.lastPathComponent).partial-\(getpid())"
        return try Self.copy(queue, to: temporary, then: copy, folder: folder)
    }

    /// A step that threw, and what it threw.
    private struct StepFailure: Error {
        var step: SchemaStep
        var error: any Error
    }
}
