import FollowupControl
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The control server's own limits (§6.3), on a real Unix socket with a responder of the
/// test's: deadlines a trickle cannot stretch, refusal from the head, a cap on connections,
/// and requests that are answered whatever time they take.
@Suite struct ControlServerLimitsTests {
    /// Answers `{"bytes":N}` after `delay`; refuses `/forbidden` from its head; counts calls.
    struct Responder: HTTPResponder {
        var delay: Duration = .zero
        var answerBytes = 0
        let calls = Counter(0)

        func admit(_ head: HTTPRequestHead, from peer: Peer?) -> HTTPResponse? {
            head.uri.hasPrefix("/forbidden")
                ? HTTPResponse(status: .forbidden, body: ByteBuffer(string: #"{"error":{"code":"forbidden"}}"#)) : nil
        }

        func respond(to request: HTTPRequest, from peer: Peer?) async -> HTTPResponse {
            try? await Task.sleep(for: delay)
            calls.add(1)
            if answerBytes > 0 {
                return HTTPResponse(status: .ok, body: ByteBuffer(repeating: UInt8(ascii: "x"), count: answerBytes))
            }
            return HTTPResponse(status: .ok, body: ByteBuffer(string: #"{"bytes":\#(request.body.readableBytes)}"#))
        }
    }

    /// Runs a server with `limits` on a fresh socket while `body` runs.
    func withServer(
        _ limits: ControlServer.Limits, _ responder: Responder, _ body: (String) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("followupd-srv-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("s.sock").path
        let (listening, ready) = AsyncStream<Void>.makeStream()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = ControlServer(
            listener: .path(path, mode: 0o600, group: nil), api: responder, logger: logger, limits: limits,
            onListening: { ready.yield() })
        let group = ServiceGroup(services: [server], logger: logger)
        // The server's tasks run on threads of their own: the other suites' blocking calls on
        // the small shared pool must not starve it (the daemon's own process has no such).
        try await withTaskExecutorPreference(DedicatedExecutor()) {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                for await _ in listening { break }
                try await body(path)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    static func limits(head: Int64 = 30, body: Int64 = 30, connections: Int = 256, stall: Int64 = 60)
        -> ControlServer.Limits
    {
        var limits = ControlServer.Limits()
        limits.head = .seconds(head)
        limits.body = .seconds(body)
        limits.connections = connections
        limits.writeStall = .seconds(stall)
        return limits
    }

    @Test func aHeadTrickledByteByByteIsCutAtItsDeadline() async throws {
        let responder = Responder()
        try await withServer(Self.limits(head: 1), responder) { path in
            let client = try RawClient(path: path)
            client.send("GET /v1/status HTTP/1.1\r\n")
            // One byte every 100 ms for up to 10 s: each byte would reset an idle timer.
            var cut = false
            for _ in 0..<100 {
                try await Task.sleep(for: .milliseconds(100))
                if !client.trySend("X") || client.peerClosed() {
                    cut = true
                    break
                }
            }
            #expect(cut, "the connection was closed while the head still trickled in")
            #expect(responder.calls.value == 0)
        }
    }

    @Test func aBodyThatStopsShortIsAnswered408() async throws {
        let responder = Responder()
        try await withServer(Self.limits(body: 1), responder) { path in
            let client = try RawClient(path: path)
            client.send("POST /v1/cases HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
            let answer = RawClient.parse(await blocking { client.readAll() })
            #expect(answer.status == 408)
            #expect(answer.body.contains("request_timeout"))
            #expect(responder.calls.value == 0, "a half-received request is never carried out")
        }
    }

    @Test func aRefusedRequestIsAnsweredFromItsHeadWithoutItsBody() async throws {
        let responder = Responder()
        try await withServer(Self.limits(), responder) { path in
            let client = try RawClient(path: path)
            // The body (512 KiB) is never sent: the answer must not wait for it.
            client.send("POST /forbidden HTTP/1.1\r\nHost: x\r\nContent-Length: 524288\r\n\r\n")
            let answer = RawClient.parse(await blocking { client.readAll() })
            #expect(answer.status == 403)
            #expect(responder.calls.value == 0)
        }
    }

    @Test func connectionsOverTheCapAreTurnedAwayAndRoomIsMadeAgain() async throws {
        let responder = Responder()
        try await withServer(Self.limits(connections: 2), responder) { path in
            let first = AnswerReader(try RawClient(path: path))
            let second = AnswerReader(try RawClient(path: path))
            first.client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
            second.client.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await blocking { first.next() }?.status == 200)
            #expect(await blocking { second.next() }?.status == 200)
            // Both are kept alive: a third is over the cap.
            let thirdClient = try RawClient(path: path)
            let third = RawClient.parse(await blocking { thirdClient.readAll() })
            #expect(third.status == 503)
            #expect(third.headers.lowercased().contains("retry-after: 1"))
            first.client.hangUp()
            let room = try await eventually(timeout: 10) {
                await blocking { (try? RawClient.request(path, "GET", "/again").status) == 200 }
            }
            #expect(room, "a closed connection makes room for a new one")
            _ = second
        }
    }

    @Test func aRequestSlowerThanEveryDeadlineIsStillAnswered() async throws {
        let responder = Responder(delay: .milliseconds(2500))
        try await withServer(Self.limits(head: 1, body: 1), responder) { path in
            let answer = try await blocking { try RawClient.request(path, "POST", "/v1/cases", body: #"{"a":1}"#) }
            #expect(answer.status == 200)
            #expect(answer.body == #"{"bytes":7}"#)
        }
    }

    @Test func keptAliveRequestsAreAnsweredInTurnPipelinedOrNot() async throws {
        let responder = Responder()
        try await withServer(Self.limits(head: 2), responder) { path in
            let reader = AnswerReader(try RawClient(path: path))
            reader.client.send(
                "POST /1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nabPOST /2 HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await blocking { reader.next() }?.body == #"{"bytes":2}"#)
            #expect(await blocking { reader.next() }?.body == #"{"bytes":0}"#)
            // Past the head deadline counted from the connection's start, but within it counted
            // from the last answer.
            try await Task.sleep(for: .milliseconds(1500))
            reader.client.send("GET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await blocking { reader.next() }?.status == 200, "the idle deadline starts again after each answer")
        }
    }

    @Test func aClientThatReadsNothingIsCutOffAfterTheStall() async throws {
        let responder = Responder(answerBytes: 8 << 20)
        try await withServer(Self.limits(stall: 1), responder) { path in
            let client = try RawClient(path: path)
            client.send("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            try await Task.sleep(for: .seconds(3))
            let received = await blocking { client.readAll() }.utf8.count
            #expect(received > 0 && received < 8 << 20, "cut off after \(received) bytes")
        }
    }
}

/// Runs blocking socket calls on a thread of their own: the server under test runs in this
/// process, on the same small cooperative pool that a blocked `recv` would starve.
func blocking<T>(_ work: @escaping () -> T) async -> T {
    let box = UncheckedBox(work)
    let result: UncheckedBox<T> = await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: UncheckedBox(box.value())) }.start()
    }
    return result.value
}

/// ``blocking(_:)`` for work that throws.
func blocking<T>(_ work: @escaping () throws -> T) async throws -> T {
    try await blocking { Result { try work() } }.get()
}

/// Runs jobs on a dispatch queue of its own, which grows threads as they block.
final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
    let queue = DispatchQueue(label: "followupd-test-server", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// Carries a value the test hands to one thread at a time.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

extension RawClient {
    /// Sends without waiting; false when the peer has closed.
    func trySend(_ text: String) -> Bool {
        text.utf8CString.withUnsafeBytes { raw in
            Glibc.send(fd, raw.baseAddress!, raw.count - 1, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) > 0
        }
    }

    /// Whether the peer has closed its side (a read would return end of stream at once).
    func peerClosed() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
    }

    func hangUp() { shutdown(fd, Int32(SHUT_RDWR)) }
}

/// Reads answers framed by Content-Length one after the other from a kept-alive connection.
final class AnswerReader {
    let client: RawClient
    private var data = Data()

    init(_ client: RawClient) { self.client = client }

    /// The next answer, or nil when the connection ends first.
    func next() -> (status: Int, headers: String, body: String)? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let end = data.range(of: Data("\r\n\r\n".utf8)) {
                let head = String(decoding: data[..<end.lowerBound], as: UTF8.self)
                let length =
                    head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if data.count - end.upperBound >= length {
                    let body = data[end.upperBound..<(end.upperBound + length)]
                    let answer = RawClient.parse(head + "\r\n\r\n" + String(decoding: body, as: UTF8.self))
                    data = Data(data[(end.upperBound + length)...])
                    return answer
                }
            }
            let count = recv(client.fd, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            data.append(buffer, count: count)
        }
    }
}
