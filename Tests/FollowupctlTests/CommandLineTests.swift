import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation
import Glibc
import Testing

@testable import followupctl

/// The command line as parsed, the exit statuses, and the socket transport against a real
/// Unix socket served by the test.
struct CommandLineTests {
    @Test func globalOptionsGoBeforeOrAfterTheCommand() throws {
        let before = try #require(
            try Followupctl.parseAsRoot(["--json", "--socket", "/tmp/a.sock", "show", "fu-3"]) as? ShowCommand)
        #expect(before.global.json)
        #expect(before.global.socketPath == "/tmp/a.sock")
        #expect(before.target.id == CaseID(3))
        let after = try #require(try Followupctl.parseAsRoot(["show", "12", "--json"]) as? ShowCommand)
        #expect(after.global.json)
    }

    @Test(arguments: [
        ["show", "abc"], ["show"], ["sent", "12", "--at", "yesterday"], ["reply", "12"],
        ["reply", "12", "--kind", "maybe", "--note", "x"], ["flag", "12", "vip"], ["edit", "12"],
        ["open", "--client", "A", "--partner", "P", "--subject", "S", "--verification", "V"],
        [
            "open", "--client", "A", "--partner", "P", "--partner-email", "p@x.example", "--subject", "S",
            "--verification", "V", "--send", "--sent-at", "2026-11-29",
        ],
        ["due", "--within", "soon"], ["list", "--limit", "0"], ["list", "--state", "open"], ["bogus"],
        ["report", "12", "--audience", "leaders"], ["note", "12", "--internal"],
    ])
    func usageErrorsExit64(arguments: [String]) {
        do {
            var command = try Followupctl.parseAsRoot(arguments)
            try command.validate()
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(Followupctl.exitCode(for: error).rawValue == 64, "\(arguments): \(error)")
        }
    }

    /// The report a technician prints is the client's unless the desk's is asked for; a note is
    /// for the client's report unless marked internal.
    @Test func reportsAreTheClientsAndNotesPublicByDefault() throws {
        let report = try #require(try Followupctl.parseAsRoot(["report", "12"]) as? ReportCommand)
        #expect(report.chosenAudience == .client)
        let desk = try #require(try Followupctl.parseAsRoot(["report", "12", "--audience", "desk"]) as? ReportCommand)
        #expect(desk.chosenAudience == .desk)
        let note = try #require(try Followupctl.parseAsRoot(["note", "12", "liguei"]) as? NoteCommand)
        #expect(!note.isInternal)
        let kept = try #require(
            try Followupctl.parseAsRoot(["note", "12", "cliente irritado", "--internal"]) as? NoteCommand)
        #expect(kept.isInternal && kept.text == "cliente irritado")
    }

    @Test func openTakesSeveralPartnerAddresses() throws {
        let open = try #require(
            try Followupctl.parseAsRoot([
                "open", "--client", "ACME", "--partner", "SIEG", "--partner-email", "a@sieg.example", "b@sieg.example",
                "--partner-email", "c@sieg.example", "--subject", "S", "--verification", "V", "--sensitive",
                "certificate,password", "--escalated-to", "N2", "--idempotency-key", "k-1", "--message-id", "<m@x>",
            ]) as? OpenCommand)
        #expect(open.partnerEmail == ["a@sieg.example", "b@sieg.example", "c@sieg.example"])
        #expect(open.sensitive?.items == [.password, .certificate])
        #expect(open.change.idempotencyKey == "k-1")
        #expect(open.messageID == "<m@x>")
    }

    @Test func theSocketComesFromTheOptionThenTheEnvironment() throws {
        let options = try GlobalOptions.parse([])
        let fromEnvironment = ProcessInfo.processInfo.environment["FOLLOWUPD_SOCKET"]
        #expect(
            options.socketPath == (fromEnvironment?.isEmpty == false ? fromEnvironment! : "/run/followupd/control.sock")
        )
        #expect(try GlobalOptions.parse(["--socket", "x.sock"]).socketPath == "x.sock")
    }

    @Test(arguments: [
        (400, "invalid_input", 1), (404, "not_found", 1), (409, "conflict", 1), (413, "too_large", 1),
        (403, "forbidden", 77), (503, "storage_unavailable", 75), (500, "internal", 70), (502, "x", 70),
    ])
    func daemonRefusalsMapToExitStatuses(status: Int, code: String, exit: Int32) {
        let body = Data(#"{"error":{"code":"\#(code)","message":"FU-3 is closed: no"}}"#.utf8)
        let error = FollowupError(answer: HTTPResponse(status: status, reason: "Reason", headers: [], body: body))
        #expect(error.exitStatus == exit)
        #expect(error.message.contains("FU-3 is closed: no"))
    }

    @Test func anAnswerWithoutAnErrorBodyStillSaysSomething() {
        let error = FollowupError(
            answer: HTTPResponse(status: 502, reason: "Bad Gateway", headers: [], body: Data("<html>oops</html>".utf8)))
        #expect(error.message == "followupd answered 502 Bad Gateway: <html>oops</html>")
        let empty = FollowupError(answer: HTTPResponse(status: 404, reason: "Not Found", headers: [], body: Data()))
        #expect(empty.message == "404 Not Found")
    }

    @Test func noDaemonMeansExit69NamingTheSocket() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-daemon-\(UUID()).sock").path
        do {
            _ = try UnixSocketTransport(path: path).send(HTTPRequest(method: "GET", target: "/v1/status"))
            Issue.record("connected to nothing")
        } catch {
            #expect(error.exitStatus == 69)
            #expect(error.message == "cannot reach followupd at \(path): No such file or directory")
        }
    }

    @Test func aSocketPathTooLongIsAUsageError() {
        let path = "/tmp/" + String(repeating: "x", count: 200)
        #expect(throws: FollowupError.self) {
            _ = try UnixSocketTransport(path: path).send(HTTPRequest(method: "GET", target: "/"))
        }
    }

    @Test func aRequestTravelsOverARealUnixSocket() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ctl-\(UUID().uuidString.prefix(8)).sock"
        ).path
        let answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        let server = try OneShotServer(path: path, answer: answer)
        defer { unlink(path) }
        let received = server.start()
        let response = try UnixSocketTransport(path: path, timeout: .seconds(5)).send(
            HTTPRequest(method: "POST", target: "/v1/cases/FU-1/notes", body: Data(#"{"note":"x"}"#.utf8)))
        #expect(response.status == 200)
        #expect(response.text == "hello world")
        let request = try received.value()
        #expect(request.hasPrefix("POST /v1/cases/FU-1/notes HTTP/1.1\r\nHost: localhost\r\n"))
        #expect(request.hasSuffix("\r\n\r\n{\"note\":\"x\"}"))
    }

    @Test func aDaemonThatDoesNotAnswerIsBusy() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ctl-\(UUID().uuidString.prefix(8)).sock"
        ).path
        let server = try OneShotServer(path: path, answer: nil)
        defer { unlink(path) }
        let received = server.start()
        do {
            _ = try UnixSocketTransport(path: path, timeout: .milliseconds(300)).send(
                HTTPRequest(method: "GET", target: "/v1/status"))
            Issue.record("an answer from a silent server")
        } catch {
            #expect(error.exitStatus == 75)
            #expect(error.message.contains(path))
        }
        _ = try received.value()
    }
}

/// A listening Unix socket that takes one connection, reads one request and answers `answer`
/// (or nothing, then waits for the client to leave).
struct OneShotServer: Sendable {
    let descriptor: Int32
    let answer: String?

    init(path: String, answer: String?) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(descriptor, 1) == 0 else { throw POSIXError(.EADDRINUSE) }
        self.descriptor = descriptor
        self.answer = answer
    }

    /// Serves one connection on a thread started right away (not on the cooperative pool,
    /// which the blocking client under test may be holding); `value()` is the request it read.
    func start() -> Served {
        let served = Served()
        let continuation = served
        Thread.detachNewThread {
            defer { close(descriptor) }
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { return continuation.resume(throwing: POSIXError(.EBADF)) }
            defer { close(client) }
            var request: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !Self.complete(request) {
                let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress!, $0.count, 0) }
                if count <= 0 { break }
                request += buffer[0..<count]
            }
            if let answer {
                _ = Array(answer.utf8).withUnsafeBytes {
                    send(client, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL))
                }
            } else {
                // Stay silent until the client gives up and closes.
                while buffer.withUnsafeMutableBytes({ recv(client, $0.baseAddress!, $0.count, 0) }) > 0 {}
            }
            continuation.resume(returning: String(decoding: request, as: UTF8.self))
        }
        return served
    }

    /// The outcome of one served connection.
    final class Served: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<String, any Error> = .failure(POSIXError(.EIO))

        func resume(returning request: String) {
            result = .success(request)
            done.signal()
        }

        func resume(throwing error: any Error) {
            result = .failure(error)
            done.signal()
        }

        func value() throws -> String {
            done.wait()
            return try result.get()
        }
    }

    /// Whether the bytes hold a whole request (headers, and the body its Content-Length says).
    static func complete(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<end.lowerBound]
        let length =
            head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        return text.utf8.count - text.utf8.distance(from: text.utf8.startIndex, to: end.upperBound) >= length
    }
}
