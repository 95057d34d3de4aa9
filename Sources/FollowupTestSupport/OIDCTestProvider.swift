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

/// A real OpenID Connect provider on loopback, started once per test process on first use and
/// stopped when the process exits.
///
/// The provider is PyPI's `pyop` (IdentityPython) in the repository's virtual environment
/// (scripts/setup installs it), configured by `Tests/Support/oidc_provider.py`: its people and
/// their passwords, dynamic client registration, and RSA keys made at start. It binds
/// 127.0.0.1 on a port of its own choosing and writes it to a file this type waits for.
///
/// Stopping: the provider reads its standard input, a pipe whose writing end only this process
/// holds; when the test process ends, however it ends, the pipe closes and the provider stops.
/// An `atexit` handler also ends it at once and removes its folder (port file, log).
public struct OIDCTestProvider: Sendable {
    /// The provider's issuer, `http://127.0.0.1:PORT`.
    public let issuer: String
    /// The provider's process id.
    public let pid: pid_t

    /// The process's provider, started on first use; a failure to start says why.
    public static let shared: Result<OIDCTestProvider, ProviderError> = start()

    /// The provider, or an error that says why it did not start.
    public static func require() throws -> OIDCTestProvider { try shared.get() }

    public struct ProviderError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    private static let running = Mutex<(pid: pid_t, folder: String)?>(nil)

    /// `Tests/Support/oidc_provider.py` of this checkout.
    public static let program: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Support/oidc_provider.py").path

    private static func start() -> Result<OIDCTestProvider, ProviderError> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "followupd-oidc-\(UUID().uuidString.prefix(8))"
        ).path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        } catch {
            return .failure(ProviderError(message: "cannot make \(folder): \(error)"))
        }
        let portFile = folder + "/port"
        let logFile = folder + "/provider.log"
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            return .failure(ProviderError(message: "pipe: \(String(cString: strerror(errno)))"))
        }
        // The writing end stays open in this process only, for as long as it lives.
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, ends[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        followup_spawn_file_actions_addclosefrom(&actions, 3)
        let arguments = ["/usr/bin/env", PythonProgram.interpreter, program, portFile]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // The spawning thread (one of the concurrency pool's) blocks signals; the provider must
        // not inherit that mask.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var child: pid_t = 0
        let spawned = posix_spawn(&child, arguments[0], &actions, &attributes, argv, environ)
        close(ends[0])
        guard spawned == 0 else {
            close(ends[1])
            return .failure(ProviderError(message: "cannot run \(program): \(String(cString: strerror(spawned)))"))
        }
        running.withLock { $0 = (child, folder) }
        atexit { OIDCTestProvider.stopAtExit() }
        // Python and pyop's imports take a few seconds on a loaded machine; 60 s is only a bound.
        for _ in 0..<600 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return .success(OIDCTestProvider(issuer: "http://127.0.0.1:\(port)", pid: child))
            }
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                running.withLock { $0 = nil }
                let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
                return .failure(
                    ProviderError(
                        message: "the OpenID Connect provider (\(program)) ended at start (run scripts/setup for "
                            + "pyop): \(log.suffix(2000))"))
            }
            usleep(100_000)
        }
        return .failure(ProviderError(message: "the OpenID Connect provider did not start within 60 s"))
    }

    /// Ends the provider (registered with `atexit`).
    private static func stopAtExit() {
        guard let (pid, folder) = running.withLock({ $0 }) else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(atPath: folder)
    }
}
