import ArgumentParser
import FollowupMail
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `followupctl spool`: the outgoing mail spool, handled without the daemon.
struct SpoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spool",
        abstract: "Work on followupd's outgoing mail spool (no daemon needed).",
        subcommands: [SpoolDeliverCommand.self])
}

/// `followupctl spool deliver`: hands every spooled message to `sendmail -t -oi` (SPEC §6.7).
///
/// Reads only the Maildir; never the control socket. The followupd-mailer units run it on a
/// timer, as a user allowed to run a setuid/setgid `sendmail`.
struct SpoolDeliverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Hand every message in the spool's new/ to sendmail, oldest first.",
        discussion: """
            Each file in SPOOL/new/ is piped to 'sendmail -t -oi'. sendmail exits 0: the file \
            moves to cur/. 64 or 65 (the message itself is wrong): it moves to failed/ (created \
            when missing). 75, any other status, a signal or the time limit (sendmail is killed): \
            it stays in new/ for the next run. One line per message, then a summary. followupd \
            need not run; only one delivery runs at a time per spool.

            Exit status: 0 every message was handed over (or the spool was empty); 65 some \
            failed for good (see failed/); 75 some stayed queued (temporary: the next run \
            retries them); 65 wins when both happened. 64 usage; 66 no SPOOL/new/; 69 sendmail \
            cannot be run; 73 cur/ or failed/ cannot be created; 74 a handed-over message could \
            not be moved out of new/ (the run stops at once so that it is not sent again and again).
            """)

    @Option(
        help: ArgumentHelp("The spool: a Maildir with new/ and cur/.", valueName: "dir"),
        completion: .directory)
    var spool = "/var/spool/followupd/outbox"

    @Option(help: ArgumentHelp("The sendmail program.", valueName: "path"), completion: .file())
    var sendmail = "/usr/sbin/sendmail"

    @Option(help: ArgumentHelp("Seconds one sendmail run may take before it is killed.", valueName: "seconds"))
    var timeout = 60

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() throws {
        do {
            try deliver()
        } catch let failure as SpoolFailure {
            FileHandle.standardError.write(Data("followupctl: spool deliver: \(failure.description)\n".utf8))
            throw ExitCode(failure.status)
        }
    }

    private func deliver() throws {
        let outbox = try SpoolDirectory(path: spool)
        defer { outbox.release() }
        let messages = SpoolDelivery.deliveryOrder(outbox.messages())
        if messages.isEmpty { return }  // Silent: the timer runs this every minute.
        guard access(sendmail, X_OK) == 0 else {
            throw SpoolFailure(69, "cannot run \(sendmail): \(String(cString: strerror(errno)))")
        }
        let lines = SpoolReportLines(stdoutIsJournal: SpoolReportLines.isJournal(fd: STDOUT_FILENO))
        var tally = SpoolTally()
        for message in messages {
            guard let input = outbox.openMessage(message.name) else { continue }  // Taken away meanwhile.
            let run = Sendmail.run(program: sendmail, input: input, timeout: .seconds(timeout))
            Glibc.close(input)
            let verdict = SpoolVerdict.of(run.end)
            try outbox.file(message.name, as: verdict)
            tally.count(verdict)
            lines.emit(verdict, line: SpoolDelivery.line(message.name, verdict: verdict, run: run))
        }
        SpoolReportLines.write(tally.summary(spool: spool))
        if tally.exitStatus != 0 { throw ExitCode(tally.exitStatus) }
    }
}

/// What becomes of a spooled message after a `sendmail` run (SPEC §6.7).
enum SpoolVerdict: Equatable, Sendable {
    /// The MTA took it: moved to `cur/`.
    case handedOver
    /// The message itself is wrong (64, 65): moved to `failed/`, never retried.
    case failed
    /// Anything else (75, other statuses, signals, time limit): stays in `new/` for the next run.
    case keptQueued

    static func of(_ end: Sendmail.End) -> SpoolVerdict {
        switch end {
        case .exited(0): .handedOver
        case .exited(64), .exited(65): .failed
        case .exited, .signalled, .timedOut, .notStarted: .keptQueued
        }
    }
}

/// A file waiting in `new/`, with its modification time (nanoseconds since the epoch).
struct SpooledMessage: Equatable, Sendable {
    var name: String
    var modified: Int64
}

/// The pure parts of a delivery run: order, report lines.
enum SpoolDelivery {
    /// Oldest first (by modification time); the name breaks ties, so the order is total.
    static func deliveryOrder(_ messages: [SpooledMessage]) -> [SpooledMessage] {
        messages.sorted { ($0.modified, $0.name) < ($1.modified, $1.name) }
    }

    /// One line for a message: what happened and, when it was not handed over, why.
    static func line(_ name: String, verdict: SpoolVerdict, run: Sendmail.Run) -> String {
        let reason = reason(run.end)
        let said = run.stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " / ")
        let detail = said.isEmpty ? reason : "\(reason): \(said.prefix(300))"
        switch verdict {
        case .handedOver: return "handed over \(name)"
        case .failed: return "failed \(name): \(detail); moved to failed/"
        case .keptQueued: return "kept \(name): \(detail); stays in new/ for the next run"
        }
    }

    /// What happened to sendmail, as ``Sendmail/End`` words it.
    static func reason(_ end: Sendmail.End) -> String { end.description }
}

/// The counts of a run and the exit status they make.
struct SpoolTally: Equatable, Sendable {
    var handedOver = 0
    var failed = 0
    var kept = 0

    mutating func count(_ verdict: SpoolVerdict) {
        switch verdict {
        case .handedOver: handedOver += 1
        case .failed: failed += 1
        case .keptQueued: kept += 1
        }
    }

    /// 0 all handed over; 65 (EX_DATAERR) some failed for good, which needs a person and so
    /// wins; else 75 (EX_TEMPFAIL) some stayed queued.
    var exitStatus: Int32 {
        if failed > 0 { return 65 }
        if kept > 0 { return 75 }
        return 0
    }

    func summary(spool: String) -> String {
        let total = handedOver + failed + kept
        return "spool \(spool): \(total) message\(total == 1 ? "" : "s"): \(handedOver) handed over to sendmail, "
            + "\(failed) failed (in failed/), \(kept) kept in new/"
    }
}

/// Report lines on standard output, with a syslog priority prefix when it is the journal
/// (`<3>` for failed, `<4>` for kept), so `journalctl -p warning` shows what needs a look.
struct SpoolReportLines {
    var stdoutIsJournal: Bool

    func emit(_ verdict: SpoolVerdict, line: String) {
        Self.write(Self.prefix(verdict, journal: stdoutIsJournal) + line)
    }

    /// Unbuffered: each line is out even when the unit's time limit kills the run.
    static func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func prefix(_ verdict: SpoolVerdict, journal: Bool) -> String {
        guard journal else { return "" }
        switch verdict {
        case .handedOver: return "<6>"
        case .failed: return "<3>"
        case .keptQueued: return "<4>"
        }
    }

    /// Whether `fd` is the stream `$JOURNAL_STREAM` (`device:inode`) names.
    static func isJournal(fd: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }
}

/// A delivery failure that ends the run with its own exit status (see the command's help).
struct SpoolFailure: Error, CustomStringConvertible {
    var status: Int32
    var description: String

    init(_ status: Int32, _ description: String) {
        self.status = status
        self.description = description
    }
}

/// The spool's folders, opened once for the run: `new/` (locked against a second run), `cur/`
/// and `failed/` (both created when missing).
struct SpoolDirectory {
    let path: String
    private let new: Int32
    private let cur: Int32
    private let failed: Int32

    init(path: String) throws {
        self.path = path
        new = open("\(path)/new", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard new >= 0 else {
            throw SpoolFailure(66, "no spool at \(path): \(path)/new: \(String(cString: strerror(errno)))")
        }
        // flock on the folder itself: no lock file for an MTA or a person to trip over.
        guard flock(new, LOCK_EX | LOCK_NB) == 0 else {
            let why = errno == EWOULDBLOCK ? "another spool deliver is running" : String(cString: strerror(errno))
            Glibc.close(new)
            throw SpoolFailure(75, "\(path): \(why)")
        }
        do {
            cur = try Self.openFolder("\(path)/cur")
        } catch {
            Glibc.close(new)
            throw error
        }
        do {
            failed = try Self.openFolder("\(path)/failed")
        } catch {
            Glibc.close(new)
            Glibc.close(cur)
            throw error
        }
    }

    private static func openFolder(_ path: String) throws -> Int32 {
        if mkdir(path, 0o750) != 0 && errno != EEXIST {
            throw SpoolFailure(73, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SpoolFailure(73, "cannot open \(path): \(String(cString: strerror(errno)))") }
        return fd
    }

    func release() {
        for fd in [new, cur, failed] { Glibc.close(fd) }  // Closing new/ releases the lock.
    }

    /// The regular files of `new/`; names starting with a dot are skipped (Maildir).
    func messages() -> [SpooledMessage] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(path)/new")) ?? []
        return names.filter { !$0.hasPrefix(".") }.compactMap { name in
            var status = stat()
            guard fstatat(new, name, &status, AT_SYMLINK_NOFOLLOW) == 0, status.st_mode & S_IFMT == S_IFREG else {
                return nil
            }
            let modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
            return SpooledMessage(name: name, modified: modified)
        }
    }

    /// The message opened for reading, or nil when it is gone.
    func openMessage(_ name: String) -> Int32? {
        let fd = openat(new, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        return fd >= 0 ? fd : nil
    }

    /// Moves a message out of `new/` by its verdict (a rename, then both folders synced).
    ///
    /// Throws (exit 74) when a message sendmail took cannot leave `new/`: the run must stop,
    /// or the next one would send it again.
    func file(_ name: String, as verdict: SpoolVerdict) throws {
        let target: (fd: Int32, folder: String)
        switch verdict {
        case .keptQueued: return
        case .handedOver: target = (cur, "cur")
        case .failed: target = (failed, "failed")
        }
        guard renameat(new, name, target.fd, name) == 0 else {
            throw SpoolFailure(
                74,
                "\(name) was \(verdict == .handedOver ? "handed over" : "refused") but cannot move to "
                    + "\(target.folder)/: \(String(cString: strerror(errno))); stopping so that it is not sent again")
        }
        fsync(target.fd)
        fsync(new)
    }
}
