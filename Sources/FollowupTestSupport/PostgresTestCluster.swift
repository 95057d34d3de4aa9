import CSpawn
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A throw-away PostgreSQL cluster, started once per test process on first use and stopped
/// when the process exits.
///
/// Started by `initdb` and `pg_ctl` (the newest `/usr/lib/postgresql/*/bin`) run as the
/// `postgres` user through `runuser`, in a temporary folder that user owns, listening on
/// 127.0.0.1 and a socket in that folder, with trust authentication and no fsync. Each test
/// gets a database of its own (``createDatabase()``).
///
/// Stopping: an `atexit` handler (`pg_ctl stop -m immediate`, then the folder removed). A
/// process-wide actor would have nothing to run its clean-up at exit, whereas `atexit` runs
/// however the test runner ends, short of a crash; a cluster left by a crashed run is found
/// at the next start (its `owner.pid` names a dead process) and removed.
public struct PostgresTestCluster: Sendable {
    /// Where the server binaries are.
    public let binaries: String
    /// The cluster's folder (data, socket, log).
    public let directory: String
    public let port: Int

    /// Why the PostgreSQL cases cannot run here, or nil when they can.
    public enum Availability: Sendable {
        case ready(PostgresTestCluster)
        case skipped(String)
        case failed(String)
    }

    /// The process's cluster, started on first use.
    public static let shared: Availability = start()

    /// The cluster; a test skips on `.skipped` itself (this target does not import Testing),
    /// and a cluster that should start but does not is an error.
    public static func require(skip: (String) throws -> Never) throws -> PostgresTestCluster {
        switch shared {
        case .ready(let cluster): return cluster
        case .skipped(let reason): try skip(reason)
        case .failed(let reason): throw ClusterError(message: reason)
        }
    }

    public struct ClusterError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The cluster's folder, for the exit handler.
    private static let running = Mutex<(binaries: String, directory: String)?>(nil)

    private static func start() -> Availability {
        guard getuid() == 0 else {
            return .skipped("PostgreSQL cases need root: the server runs as the postgres user through runuser")
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard
            let version = versions.compactMap(Int.init).sorted().last(where: {
                FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb")
            })
        else {
            return .skipped("no PostgreSQL server here (/usr/lib/postgresql/*/bin/initdb); scripts/setup installs it")
        }
        guard let user = getpwnam("postgres") else {
            return .skipped("no postgres user to run the PostgreSQL server as")
        }
        let binaries = "/usr/lib/postgresql/\(version)/bin"
        removeAbandonedClusters(binaries: binaries)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "followupd-pg-\(UUID().uuidString.prefix(8))"
        ).path
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try "\(getpid())\n".write(toFile: directory + "/owner.pid", atomically: true, encoding: .utf8)
            guard chown(directory, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
                return .failed("cannot give \(directory) to the postgres user: \(String(cString: strerror(errno)))")
            }
            try command(
                "/usr/sbin/runuser", "-u", "postgres", "--", binaries + "/initdb", "-D", directory + "/data",
                "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
            running.withLock { $0 = (binaries, directory) }
            atexit { PostgresTestCluster.stopAtExit() }
            var lastError = ""
            for _ in 1...5 {
                let port = Int.random(in: 20_000...60_000)
                let options = [
                    "-k \(directory) -p \(port) -c listen_addresses=127.0.0.1", "-c fsync=off",
                    "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=400",
                ].joined(separator: " ")
                do {
                    try command(
                        "/usr/sbin/runuser", "-u", "postgres", "--", binaries + "/pg_ctl", "-D", directory + "/data",
                        "-l", directory + "/server.log", "-w", "-t", "60", "-o", options, "start")
                    return .ready(PostgresTestCluster(binaries: binaries, directory: directory, port: port))
                } catch {
                    lastError = "\(error)"
                }
            }
            return .failed("the PostgreSQL test cluster did not start: \(lastError)")
        } catch {
            return .failed("the PostgreSQL test cluster could not be made: \(error)")
        }
    }

    /// Stops the cluster and removes its folder (registered with `atexit`).
    private static func stopAtExit() {
        guard let (binaries, directory) = running.withLock({ $0 }) else { return }
        _ = try? command(
            "/usr/sbin/runuser", "-u", "postgres", "--", binaries + "/pg_ctl", "-D", directory + "/data", "-m",
            "immediate", "-w", "stop")
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops and removes the clusters of earlier test processes that died without cleaning up.
    private static func removeAbandonedClusters(binaries: String) {
        let temporary = FileManager.default.temporaryDirectory.path
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        where name.hasPrefix("followupd-pg-") {
            let directory = temporary + "/" + name
            guard let text = try? String(contentsOfFile: directory + "/owner.pid", encoding: .utf8),
                let owner = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                kill(owner, 0) != 0, errno == ESRCH
            else { continue }
            _ = try? command(
                "/usr/sbin/runuser", "-u", "postgres", "--", binaries + "/pg_ctl", "-D", directory + "/data", "-m",
                "immediate", "-w", "stop")
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// A new, empty database; its URL.
    public func createDatabase() throws -> (name: String, url: String) {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try sql("CREATE DATABASE \(name)")
        return (name, "postgres://postgres@127.0.0.1:\(port)/\(name)?sslmode=disable")
    }

    /// Drops a test's database, closing what is still connected to it.
    public func dropDatabase(_ name: String) {
        try? sql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement (or several, `;`-separated) through psql as the superuser, in
    /// `database` (by default the server's own `postgres`).
    public func sql(_ statement: String, database: String = "postgres") throws {
        try Self.command(
            binaries + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U",
            "postgres", "-d", database, "-c", statement)
    }

    /// Runs a program to its end; throws with what it wrote when it fails.
    ///
    /// posix_spawn and waitpid, not Foundation's `Process`: its `waitUntilExit` needs a
    /// dispatch thread to see the child end, and on two cores the cooperative threads that
    /// could run it may all be blocked here (in the cluster's one-time start, or in psql).
    @discardableResult
    public static func command(_ arguments: String...) throws -> String {
        try command(arguments)
    }

    /// Runs a program (the first of `arguments`) to its end; throws with what it wrote when it fails.
    @discardableResult
    public static func command(_ arguments: [String]) throws -> String {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw ClusterError(message: "pipe: \(String(cString: strerror(errno)))")
        }
        // Neither end may leak into other children (a server started meanwhile would hold it open).
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
        posix_spawn_file_actions_adddup2(&actions, ends[1], 2)
        // Nor anything else the test process has open (a server started here lives for the
        // whole run, and would hold other tests' connections open).
        followup_spawn_file_actions_addclosefrom(&actions, 3)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, arguments[0], &actions, nil, argv, environ)
        close(ends[1])
        defer { close(ends[0]) }
        guard spawned == 0 else {
            throw ClusterError(message: "cannot run \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            output += buffer[..<count]
        }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        let text = String(decoding: output, as: UTF8.self)
        // Exited normally with 0 (WIFEXITED and WEXITSTATUS, which Swift does not import).
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw ClusterError(message: "\(arguments.joined(separator: " ")) failed (status \(status)): \(text)")
        }
        return text
    }
}
