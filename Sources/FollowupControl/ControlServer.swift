import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The control socket (§6.3): HTTP/1.1 with JSON over a Unix socket, one stack whether the
/// socket is bound here or passed by systemd (socket activation).
///
/// Each connection's peer credentials are read once; requests are answered by
/// ``ControlAPI``. Every answer is written whole before the connection closes, at the pace the
/// client reads (``ControlServer/serve(_:)``). Limits (``Limits``): a cap on open connections
/// (503 above it), a request refused from its head before its body is read, bodies over 1 MiB
/// get 413, deadlines for the head and the body that a trickle of bytes does not extend,
/// malformed HTTP gets 400 and a close. On graceful shutdown the listener closes, requests in
/// flight finish, and a socket file this server created is removed.
public final class ControlServer: Service {
    /// Where the server listens.
    public enum Listener: Sendable {
        /// Bind a socket file with this mode and (optionally) group, replacing a stale file.
        case path(String, mode: UInt16, group: String?)
        /// Use a listening socket passed by systemd (`LISTEN_FDS`).
        case adopted(CInt)
        /// Listen on loopback TCP (the metrics listener).
        case tcp(host: String, port: Int)
    }

    /// The largest request body accepted (§6.3: 413 above 1 MiB).
    public static let maxBody = 1 << 20

    /// How much a connection may take of the server, and for how long.
    public struct Limits: Sendable {
        /// Connections open at once; one more is answered 503 and closed.
        public var connections = 256
        /// From the connection's start, or the end of the previous answer, until a request's
        /// head has arrived whole (an idle keep-alive connection is closed then).
        public var head: TimeAmount = .seconds(30)
        /// From the head until the last byte of the body (408 after it).
        public var body: TimeAmount = .seconds(30)
        /// How long one 64 KiB piece of an answer may wait for the client to read it; a client
        /// that reads nothing for that long is cut off. A slow reader is never cut.
        public var writeStall: TimeAmount = .seconds(60)

        public init() {}
    }

    let listener: Listener
    let api: any HTTPResponder
    let logger: Logger
    let limits: Limits
    let onListening: @Sendable () -> Void
    /// Connections being served now.
    let open = Atomic<Int>(0)

    public init(
        listener: Listener, api: any HTTPResponder, logger: Logger, limits: Limits = Limits(),
        onListening: @escaping @Sendable () -> Void = {}
    ) {
        self.listener = listener
        self.api = api
        self.logger = logger
        self.limits = limits
        self.onListening = onListening
    }

    /// Requests come in as parts; answers are written straight to the channel, each write
    /// awaited (see ``serve(_:)``), so the async channel has no outbound side.
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, Never>

    public func run() async throws {
        let server = try await bind()
        onListening()
        logger.info("control socket listening", metadata: ["followup.listener": "\(listener)"])
        try await withGracefulShutdownHandler {
            try await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
        if case .path(let path, _, _) = listener { unlink(path) }
        logger.info("control socket closed")
    }

    private func bind() async throws -> NIOAsyncChannel<Connection, Never> {
        let limits = self.limits
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 512)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<Connection> = { channel in
            channel.eventLoop.makeCompletedFuture {
                let sync = channel.pipeline.syncOperations
                try sync.configureHTTPServerPipeline(withErrorHandling: true)
                try sync.addHandler(RequestDeadlines(head: limits.head, body: limits.body))
                return try Connection(wrappingChannelSynchronously: channel)
            }
        }
        switch listener {
        case .path(let path, let mode, let group):
            try Self.refuseIfAlive(path)
            let gid = try group.map(Self.groupID)
            // The socket is bound in a private folder beside its path, given its mode and group
            // there, then renamed into place: nobody can connect before the mode is right, and
            // the process-wide umask (shared with every other service) is never touched.
            let staging =
                (path as NSString).deletingLastPathComponent
                + "/.control-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            guard mkdir(staging, 0o700) == 0 else {
                throw ControlServerError(
                    "control.socket: cannot make \(staging) to bind in: \(String(cString: strerror(errno)))")
            }
            defer { rmdir(staging) }
            let staged = staging + "/control.sock"
            let server = try await bootstrap.bind(
                unixDomainSocketPath: staged, cleanupExistingSocketFile: true, childChannelInitializer: initializer)
            guard chmod(staged, mode_t(mode)) == 0, gid.map({ chown(staged, uid_t.max, $0) == 0 }) ?? true,
                rename(staged, path) == 0
            else {
                let reason = String(cString: strerror(errno))
                try? await server.channel.close()
                unlink(staged)
                throw ControlServerError("control.socket: cannot set the mode or group of \(path): \(reason)")
            }
            return server
        case .adopted(let descriptor):
            return try await bootstrap.bind(descriptor, childChannelInitializer: initializer)
        case .tcp(let host, let port):
            return try await bootstrap.serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port, childChannelInitializer: initializer)
        }
    }

    /// Refuses to take over a socket another process still answers on.
    static func refuseIfAlive(_ path: String) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw ControlServerError("control.socket: the path \(path) is too long for a Unix socket")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return }
        defer { close(probe) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if connected == 0 {
            throw ControlServerError(
                "control.socket: another process is already listening on \(path); is followupd running?")
        }
    }

    static func groupID(_ name: String) throws -> gid_t {
        guard let gid = AccessPolicy.gid(named: name) else {
            throw ControlServerError("control.group: there is no group named \(name) on this machine")
        }
        return gid
    }
}

/// The control server cannot start; the message names the key and the problem.
public struct ControlServerError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
