import FollowupCore
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

extension SQLiteCaseStore {
    /// Copies the database to `path` while the daemon runs and keeps committing (§6.10).
    ///
    /// SQLite's backup API copies a snapshot of one read transaction (WAL lets writers go on),
    /// into a temporary file beside `path`; the copy must pass `PRAGMA integrity_check`, then
    /// it is synced, renamed into place and its folder synced. A failure leaves no partial
    /// file and an existing `path` untouched. The copy is a plain SQLite file (rollback
    /// journal, no -wal beside it): restore by stopping the daemon and putting it in place of
    /// the database (docs/backup.md). Runs on a thread of its own: the copy of a large file
    /// takes a while and must not hold a thread of the concurrency pool.
    public func backup(to path: String) async throws -> BackupOutcome {
        // Checked on the text as given: URL(fileURLWithPath:) would make a relative path
        // absolute against the daemon's own working folder, which the client never meant.
        let destination = URL(fileURLWithPath: path).standardizedFileURL
        let folder = destination.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard path.hasPrefix("/"), !path.hasSuffix("/"), !destination.lastPathComponent.isEmpty,
            FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue
        else {
            throw FollowupError.invalid("path", "\(path) is not a file in an existing folder (give an absolute path)")
        }
        guard access(folder, W_OK) == 0 else {
            throw FollowupError.invalid(
                "path",
                "followupd cannot write in \(folder): choose a folder its user may write (/var/lib/followupd/backup)")
        }
        guard destination.path != URL(fileURLWithPath: self.path).standardizedFileURL.path else {
            throw FollowupError.invalid("path", "\(path) is the database itself")
        }
        // Only a database is ever replaced (yesterday's copy, say): a path that names any other
        // file, or a folder, is refused rather than overwritten.
        if FileManager.default.fileExists(atPath: destination.path) && !Self.isSQLiteFile(destination.path) {
            throw FollowupError.invalid(
                "path", "\(path) exists and is not an SQLite database: choose a new name (nothing was written)")
        }
        let temporary = "\(folder)/.\(destination.lastPathComponent).partial-\(getpid())"
        let pool = self.pool
        let result: Result<BackupOutcome, any Error> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    returning: Result {
                        try Self.copy(pool, to: temporary, then: destination.path, folder: folder)
                    })
            }
            thread.name = "followupd-backup"
            thread.start()
        }
        do {
            return try result.get()
        } catch let error as FollowupError {
            throw error
        } catch {
            throw Self.mapped(error)
        }
    }

    /// Copies a snapshot of `pool` to `temporary`, checks and syncs it, then renames it to `path`.
    static func copy(_ pool: any DatabaseReader, to temporary: String, then path: String, folder: String) throws
        -> BackupOutcome
    {
        unlink(temporary)
        do {
            let copy = try DatabaseQueue(path: temporary)
            // 256 pages (1 MiB) a step: writers are held up only for a step at a time.
            try pool.backup(to: copy, pagesPerStep: 256)
            let (integrity, cases) = try copy.read { db in
                (
                    try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; "),
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases") ?? 0
                )
            }
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            guard integrity == "ok" else {
                throw FollowupError(.storageUnavailable, "the backup copy failed its integrity check: \(integrity)")
            }
            try syncFile(temporary)
            guard rename(temporary, path) == 0 else {
                throw FollowupError(
                    .storageUnavailable, "cannot move the backup into \(path): \(String(cString: strerror(errno)))")
            }
            try syncFile(folder)
            let bytes = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
            return BackupOutcome(path: path, bytes: bytes, cases: cases, integrity: integrity)
        } catch {
            unlink(temporary)
            unlink(temporary + "-wal")
            unlink(temporary + "-shm")
            unlink(temporary + "-journal")
            throw error
        }
    }

    /// Whether `path` is a regular file starting with SQLite's header.
    static func isSQLiteFile(_ path: String) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG,
            let handle = FileHandle(forReadingAtPath: path)
        else { return false }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        return header == Data("SQLite format 3\u{0}".utf8)
    }

    private static func syncFile(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { close(descriptor) }
            throw FollowupError(.storageUnavailable, "cannot sync \(path): \(reason)")
        }
        close(descriptor)
    }
}
