import FollowupAPI
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Answers of any size arrive whole over the control socket, however slowly the client reads
/// and however busy the machine is (§8, the last row): the real daemon with 5,000 cases of
/// long fields, read by the real `followupctl`, by curl and by raw socket clients.
@Suite(.serialized) struct LargeAnswerTests {
    static let total = 5_000

    /// One daemon for the suite's checks: the 5,000 cases take a while to open.
    @Test func everyAnswerArrivesWhole() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1000h", reportAfter: "3000h")
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let ctl = FollowupctlProcess(workspace)
        try #require(try await ctl.waitForDaemon(), "followupd did not answer: \(daemon.stderr)")
        try Self.openCases(socket: ctl.socket)

        // A page of 1,000 such cases is over 1 MB: far more than the socket's buffer.
        let page = try RawClient.request(ctl.socket, "GET", "/v1/cases?limit=1000")
        try #require(page.status == 200)
        try #require(page.body.utf8.count > 1_000_000, "a page of \(page.body.utf8.count) bytes")

        try await withBusyCores {
            for round in 1...20 {
                let listed = try ctl("list")
                #expect(listed.status == 0, "round \(round): \(listed.stderr)")
                #expect(
                    listed.stdout.split(separator: "\n").filter { $0.hasPrefix("FU-") }.count == Self.total,
                    "round \(round): every case listed")
                let json = try ctl("--json", "list")
                #expect(json.status == 0, "round \(round): \(json.stderr)")
                let decoded = try? APICoding.decoder().decode(CaseList.self, from: Data(json.stdout.utf8))
                #expect(decoded?.cases.count == Self.total, "round \(round): every case in the JSON list")
                let fetched = try Self.curl(socket: ctl.socket, "/v1/cases?limit=1000", in: workspace)
                let list = try? APICoding.decoder().decode(CaseList.self, from: fetched)
                #expect(list?.cases.count == 1000, "round \(round): curl read the whole page (\(fetched.count) bytes)")
            }
        }

        // A client that reads nothing for a second after its request, then everything.
        let sleeper = try RawClient(path: ctl.socket)
        sleeper.send("GET /v1/cases?limit=1000 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        try await Task.sleep(for: .seconds(1))
        let late = RawClient.parse(sleeper.readAll())
        #expect(late.status == 200)
        #expect(Self.declaredLength(late.headers) == late.body.utf8.count, "the whole body after a pause")
        #expect((try? APICoding.decoder().decode(CaseList.self, from: Data(late.body.utf8)))?.cases.count == 1000)

        // A client that reads 1 KB every 10 ms still gets the 1 MB answer whole.
        let slow = try RawClient(path: ctl.socket)
        slow.send("GET /v1/cases?limit=1000 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        let trickled = RawClient.parse(slow.readSlowly(chunk: 1024, pause: .milliseconds(10)))
        #expect(trickled.status == 200)
        #expect(Self.declaredLength(trickled.headers) == trickled.body.utf8.count, "the whole body, read slowly")
        #expect(trickled.body == late.body, "the same answer as the fast read")
        #expect(daemon.process.isRunning)
    }

    /// Opens `total` cases with long subjects and verifications, eight clients at once.
    static func openCases(socket: String) throws {
        let subject = String(repeating: "Notas fiscais não baixadas no portal ", count: 9)
        let verification = String(repeating: "Verificar a liberação do CNPJ na integração ", count: 10)
        let failures = Counter(0)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in stride(from: worker, to: total, by: 8) {
                let body = """
                    {"client":{"name":"Padaria \(index)","ticket":"SSC-\(index)"},
                     "partner":{"name":"SIEG","emails":["suporte@sieg.example"]},
                     "subject":"\(subject)\(index)","verification":"\(verification)\(index)"}
                    """
                if (try? RawClient.request(socket, "POST", "/v1/cases", body: body).status) != 201 {
                    failures.add(1)
                }
            }
        }
        try #require(failures.value == 0, "every case opened")
    }

    static func curl(socket: String, _ target: String, in workspace: Workspace) throws -> Data {
        let output = workspace.directory.appendingPathComponent("curl-\(UUID().uuidString.prefix(8)).out")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = [
            "-sS", "--max-time", "60", "--unix-socket", socket, "-o", output.path, "http://localhost" + target,
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "curl exit \(process.terminationStatus)")
        defer { try? FileManager.default.removeItem(at: output) }
        return try Data(contentsOf: output)
    }

    static func declaredLength(_ headers: String) -> Int? {
        headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }
    }

    /// Keeps both cores busy with two spinning processes while `body` runs.
    func withBusyCores(_ body: () async throws -> Void) async throws {
        let spinners = try (0..<2).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "while :; do :; done"]
            try process.run()
            return process
        }
        defer {
            // SIGKILL: the test runner's blocked signals are inherited, SIGTERM among them.
            for spinner in spinners {
                kill(spinner.processIdentifier, SIGKILL)
                spinner.waitUntilExit()
            }
        }
        try await body()
    }
}

/// A counter safe to bump from several threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int
    init(_ count: Int) { self.count = count }
    func add(_ amount: Int) { lock.withLock { count += amount } }
    var value: Int { lock.withLock { count } }
}

extension RawClient {
    /// Reads until the peer closes, `chunk` bytes at a time with a pause between reads.
    func readSlowly(chunk: Int, pause: Duration) -> String {
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: chunk)
        let (seconds, attoseconds) = pause.components
        let micros = useconds_t(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            result.append(buffer, count: count)
            usleep(micros)
        }
        return String(decoding: result, as: UTF8.self)
    }
}
