import FollowupCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A node's last heartbeat in the shared database (`nodes`).
public struct NodeHeartbeat: Sendable, Hashable {
    /// The node's id (``PostgresCaseStore/nodeID``).
    public var nodeID: String
    /// The host it runs on.
    public var host: String
    /// When its current run first beat.
    public var startedAt: Date
    /// When it last beat.
    public var seenAt: Date

    public init(nodeID: String, host: String, startedAt: Date, seenAt: Date) {
        self.nodeID = nodeID
        self.host = host
        self.startedAt = startedAt
        self.seenAt = seenAt
    }
}

extension PostgresCaseStore {
    // MARK: Nodes

    /// Records that this node is alive at `now` (its first beat in this process is its start).
    public func heartbeat(now: Date) async throws {
        let startedAt = started.withLock { started in
            if let started { return started }
            started = now
            return now
        }
        _ = try await rows(
            """
            INSERT INTO nodes (node_id, host, started_at, seen_at)
            VALUES (\(self.nodeID), \(host), \(startedAt.timeIntervalSince1970), \(now.timeIntervalSince1970))
            ON CONFLICT (node_id) DO UPDATE
                SET host = excluded.host, started_at = excluded.started_at, seen_at = excluded.seen_at
            """)
    }

    /// The nodes that beat at `since` or later, by id.
    public func liveNodes(since: Date) async throws -> [NodeHeartbeat] {
        let rows = try await rows(
            """
            SELECT node_id, host, started_at, seen_at FROM nodes
            WHERE seen_at >= \(since.timeIntervalSince1970) ORDER BY node_id
            """)
        do {
            return try rows.map { row in
                let (node, host, started, seen) = try row.decode((String, String, Double, Double).self)
                return NodeHeartbeat(
                    nodeID: node, host: host, startedAt: Date(timeIntervalSince1970: started),
                    seenAt: Date(timeIntervalSince1970: seen))
            }
        } catch {
            throw mapped(error)
        }
    }

    // MARK: Wake-ups

    /// Wake-ups from the other nodes: an element whenever another node committed something
    /// that may move a deadline earlier or queued notifications (`NOTIFY followupd_wake`), and
    /// once each time this node starts listening (again), since it may have missed some
    /// meanwhile. Bursts fold into one element. The stream ends when ``run()`` ends.
    ///
    /// The daemon rings its scheduler's and delivery worker's doorbells on each element.
    public func wakeUps() -> AsyncStream<Void> {
        bell.stream()
    }

    /// Listens on `followupd_wake` on a connection of the pool until cancelled, listening
    /// again after a lost connection.
    func listenForWakeUps() async {
        var delay = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.wakeChannel) { notifications in
                        bell.ring()
                        delay = .milliseconds(100)
                        for try await notification in notifications where notification.payload != nodeID {
                            bell.ring()
                        }
                    }
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning(
                    "not told of other nodes' changes for now; listening again",
                    metadata: ["followup.error": "\(mapped(error))", "followup.storage": "\(self)"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(10))
        }
    }
}

/// Hands each wake-up to every stream of ``PostgresCaseStore/wakeUps()``.
final class WakeUpBell: Sendable {
    private struct Listeners {
        var next = 0
        var continuations: [Int: AsyncStream<Void>.Continuation] = [:]
        var finished = false
    }

    private let listeners = Mutex(Listeners())

    func stream() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id: Int? = listeners.withLock { listeners in
            guard !listeners.finished else { return nil }
            listeners.next += 1
            listeners.continuations[listeners.next] = continuation
            return listeners.next
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.listeners.withLock { $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    func ring() {
        for continuation in listeners.withLock({ Array($0.continuations.values) }) { continuation.yield() }
    }

    func finish() {
        let continuations = listeners.withLock { listeners in
            listeners.finished = true
            defer { listeners.continuations = [:] }
            return Array(listeners.continuations.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
