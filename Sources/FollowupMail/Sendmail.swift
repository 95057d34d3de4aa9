import CSpawn
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `sendmail -t -oi` on one message (SPEC §6.7): the message on standard input, what the
/// program prints captured (at most ``longestOutput`` bytes), the program and its helpers (its
/// whole process group) killed after the time limit.
///
/// These calls block the calling thread until the program ends (polling `waitpid` every
/// 10 ms): async code runs them on a thread of its own, never on the concurrency pool.
public enum Sendmail {
    /// How one run ended.
    public enum End: Sendable, Hashable, CustomStringConvertible {
        /// The program exited with this status (0 queued, 75 try later, 64/65 the message is wrong).
        case exited(Int32)
        /// The program was killed by this signal.
        case signalled(Int32)
        /// The program took longer than this and was killed.
        case timedOut(Duration)
        /// The program could not be started; the text is the system's reason.
        case notStarted(String)

        /// The ending a `waitpid` status stands for (`WIFEXITED`, `WEXITSTATUS`, `WTERMSIG`, which
        /// Swift does not import).
        public init(waitStatus status: Int32) {
            let signal = status & 0x7f
            self = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
        }

        /// What happened, for a person: `sendmail exited 75`, `sendmail took over 60 s and was killed`.
        public var description: String {
            switch self {
            case .exited(let status): "sendmail exited \(status)"
            case .signalled(let signal): "sendmail killed by signal \(signal)"
            case .timedOut(let limit): "sendmail took over \(Self.seconds(limit)) s and was killed"
            case .notStarted(let why): "sendmail could not start: \(why)"
            }
        }

        /// Whole seconds as they are, fractions with up to three decimals.
        private static func seconds(_ duration: Duration) -> String {
            let (whole, attoseconds) = duration.components
            guard attoseconds != 0 else { return String(whole) }
            var text = String(format: "%.3f", Double(whole) + Double(attoseconds) / 1e18)
            while text.hasSuffix("0") { text.removeLast() }
            return text
        }
    }

    /// The result of one run: how it ended and what the program printed.
    public struct Run: Sendable, Hashable {
        /// How the run ended.
        public var end: End
        /// Standard output and error together, at most ``Sendmail/longestOutput`` bytes.
        public var stderr: String

        /// A run's result.
        public init(end: End, stderr: String) {
            self.end = end
            self.stderr = stderr
        }
    }

    /// The most bytes of the program's output kept.
    public static let longestOutput = 4_096

    /// Runs `program -t -oi` with standard input read from `fd` (from its current offset), and
    /// waits for it, at most `timeout`.
    ///
    /// The program runs in its own process group, with default signal handling and no signal
    /// mask; the descriptor is left open for the caller to close.
    public static func run(program: String, input fd: Int32, timeout: Duration) -> Run {
        guard let capture = tmpfile() else {
            return Run(end: .notStarted("no temporary file: \(String(cString: strerror(errno)))"), stderr: "")
        }
        defer { fclose(capture) }
        let output = fileno(capture)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fd, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        // Nothing else of ours reaches the program: descriptors are not all close-on-exec (NIO
        // accepts control connections without it), and an MTA that forks a delivery process
        // keeps what it inherited for as long as that runs. A client's connection held open
        // there would never see its end, and a listening socket would outlive the daemon.
        followup_spawn_file_actions_addclosefrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group (so a kill reaches its helpers), default signals, no mask.
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)

        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(program), strdup("-t"), strdup("-oi"), nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        var spawned = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        // ETXTBSY: the program is being written (an upgrade), or another thread's child still
        // holds it open between fork and exec. Both pass in a moment.
        for _ in 0..<50 where spawned == ETXTBSY {
            usleep(20_000)
            spawned = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        }
        guard spawned == 0 else {
            return Run(end: .notStarted(String(cString: strerror(spawned))), stderr: "")
        }
        let end = wait(for: pid, timeout: timeout)
        return Run(end: end, stderr: readBack(output))
    }

    /// Runs `program -t -oi` with `message` on standard input, at most `timeout`.
    ///
    /// The message goes through an unlinked temporary file (mode 0600), so a program that
    /// does not read its input, or prints a lot first, cannot stall the run.
    public static func run(program: String, message: Data, timeout: Duration) -> Run {
        guard let file = tmpfile() else {
            return Run(end: .notStarted("no temporary file: \(String(cString: strerror(errno)))"), stderr: "")
        }
        defer { fclose(file) }
        let fd = fileno(file)
        let written = message.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32 in
            var offset = 0
            while offset < buffer.count {
                let count = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return errno }
                offset += count
            }
            return 0
        }
        guard written == 0, lseek(fd, 0, SEEK_SET) == 0 else {
            let why = String(cString: strerror(written != 0 ? written : errno))
            return Run(end: .notStarted("cannot write the message to a temporary file: \(why)"), stderr: "")
        }
        return run(program: program, input: fd, timeout: timeout)
    }

    private static func wait(for pid: pid_t, timeout: Duration) -> End {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var status: Int32 = 0
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { return End(waitStatus: status) }
            if done < 0 && errno != EINTR { return .notStarted("waitpid: \(String(cString: strerror(errno)))") }
            if clock.now >= deadline {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return .timedOut(timeout)
            }
            usleep(10_000)
        }
    }

    /// Up to ``longestOutput`` bytes of what the program printed.
    private static func readBack(_ fd: Int32) -> String {
        lseek(fd, 0, SEEK_SET)
        var buffer = [UInt8](repeating: 0, count: longestOutput)
        var count = 0
        while count < buffer.count {
            let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            count += got
        }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
