import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Delivery of one message into a Maildir (SPEC §6.7): `tmp/` first, then an atomic rename
/// into `new/`.
///
/// The file is named after the notification id, so delivering the same notification again
/// replaces the file in `new/` instead of adding a second one. Once ``deliver(_:named:into:)``
/// returns, the message and its name in `new/` are on disk (the file and `new/` are fsynced).
/// A message already moved on to `cur/` by the spool's reader is not looked for: a
/// re-delivery after that is delivered again.
public enum Maildir {
    /// Writes `data` to `directory/tmp/name`, fsyncs it, renames it to `directory/new/name`
    /// (replacing a file of that name) and fsyncs `new/`.
    ///
    /// `directory` and its `tmp/`, `new/` and `cur/` folders are made when missing, with mode
    /// 0700 (the directory's parent must exist). The file is made with mode 0600. On failure
    /// nothing is left in `tmp/`.
    /// - Throws: ``MailError/Code/invalidMaildirName`` when `name` is empty, longer than 255
    ///   octets, starts with `.`, or has `/`, `:` or a control character;
    ///   ``MailError/Code/maildirUnavailable`` when a folder cannot be made or the file cannot be
    ///   written, synced or renamed.
    public static func deliver(_ data: Data, named name: String, into directory: URL) throws {
        try check(name)
        let root = directory.path
        try makeFolders(root)
        // The file in tmp/ has a name of this process's own (Maildir's time.pid_random.host), so
        // two nodes sharing the spool, delivering the same notification at once, never write
        // into one file; the rename into new/ under the notification's name is atomic either way.
        let temporary = "\(root)/tmp/\(Self.temporaryName())"
        do {
            try writeSynced(data, to: temporary)
            guard rename(temporary, "\(root)/new/\(name)") == 0 else {
                throw failure("cannot move \(temporary) into \(root)/new")
            }
        } catch {
            unlink(temporary)
            throw error
        }
        try sync(folder: "\(root)/new")
    }

    /// A name for `tmp/` unique to this write: seconds, process, a random number and the host.
    static func temporaryName() -> String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let hostName = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .replacingOccurrences(of: "/", with: "\\057").replacingOccurrences(of: ":", with: "\\072")
        let seconds = Int(Date().timeIntervalSince1970)
        return "\(seconds).P\(getpid())R\(UInt64.random(in: 0...UInt64.max)).\(hostName.prefix(64))"
    }

    /// Refuses names a Maildir reader would misread or that would leave the folder.
    static func check(_ name: String) throws {
        let control = name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        guard !name.isEmpty, name.utf8.count <= 255, !name.hasPrefix("."), !name.contains("/"),
            !name.contains(":"), !control
        else {
            throw MailError(
                .invalidMaildirName,
                "\"\(name)\" cannot name a Maildir file (no /, :, leading dot or control characters; 1–255 octets)")
        }
    }

    /// Makes `root`, `tmp/`, `new/` and `cur/` where missing, then syncs what holds new entries.
    private static func makeFolders(_ root: String) throws {
        if try makeFolder(root) { try sync(folder: (root as NSString).deletingLastPathComponent) }
        var made = false
        for sub in ["tmp", "new", "cur"] {
            if try makeFolder("\(root)/\(sub)") { made = true }
        }
        if made { try sync(folder: root) }
    }

    /// Makes `path` with mode 0700; false when it already was a folder.
    private static func makeFolder(_ path: String) throws -> Bool {
        if mkdir(path, 0o700) == 0 {
            chmod(path, 0o700)  // Whatever the umask.
            return true
        }
        let made = errno
        var status = stat()
        guard made == EEXIST, stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw MailError(.maildirUnavailable, "cannot make the folder \(path)", errno: made)
        }
        return false
    }

    /// Writes all of `data` to a new or truncated file at `path` and fsyncs it.
    private static func writeSynced(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw failure("cannot create \(path)") }
        defer { close(fd) }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw failure("cannot write \(path)") }
                offset += written
            }
        }
        guard fsync(fd) == 0 else { throw failure("cannot sync \(path)") }
    }

    /// Fsyncs a folder, so the entries made or renamed in it survive a crash.
    private static func sync(folder path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open the folder \(path)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("cannot sync the folder \(path)") }
    }

    private static func failure(_ message: String) -> MailError {
        MailError(.maildirUnavailable, message, errno: errno)
    }
}
