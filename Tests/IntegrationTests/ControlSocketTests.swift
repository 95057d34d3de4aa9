import FollowupAPI
import FollowupCore
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The control socket of the real daemon: answers, errors, limits and bad input (§6.3).
@Suite(.serialized) struct ControlSocketTests {
    static let openBody = #"""
        {"client":{"name":"Padaria Pão Quente","ticket":"SSC-9"},"partner":{"name":"SIEG","emails":["suporte@sieg.example"]},
         "subject":"Notas não baixadas","verification":"Verificar a integração"}
        """#

    /// Starts the daemon on a fresh workspace and waits until the socket answers.
    static func running(extra: String = "", _ body: (Workspace, String) async throws -> Void) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1h", reportAfter: "3h", extra: extra)
        let daemon = try workspace.startDaemon()
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        let up = try await eventually(timeout: 30) {
            (try? RawClient.request(socket, "GET", "/v1/status").status) == 200
        }
        #expect(up, "the daemon answered on its socket: \(daemon.stderr)")
        try await body(workspace, socket)
        #expect(daemon.terminate() == 0, "\(daemon.stderr)")
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket file is removed on a clean stop")
    }

    @Test func createReadAndEventsWithTheirErrors() async throws {
        try await Self.running { _, socket in
            let created = try RawClient.request(socket, "POST", "/v1/cases", body: Self.openBody)
            #expect(created.status == 201)
            #expect(created.headers.lowercased().contains("location: /v1/cases/fu-1"))
            let subject = try APICoding.decoder().decode(CaseJSON.self, from: Data(created.body.utf8))
            #expect(subject.state == .awaitingPartner)
            #expect(subject.owner == TestUser.currentLogin)
            #expect(subject.nextAction?.kind == "resend")

            let shown = try RawClient.request(socket, "GET", "/v1/cases/FU-1")
            let read = try APICoding.decoder().decode(CaseJSON.self, from: Data(shown.body.utf8))
            #expect(read.events?.map(\.kind) == [.opened])

            let conflict = try RawClient.request(socket, "POST", "/v1/cases/FU-1/reopen", body: #"{"reason":"x"}"#)
            #expect(conflict.status == 409)
            #expect(conflict.body.contains("awaiting_partner") && conflict.body.contains("reopened"))

            #expect(try RawClient.request(socket, "GET", "/v1/cases/FU-77").status == 404)
            #expect(try RawClient.request(socket, "GET", "/v1/nothing").status == 404)
            #expect(try RawClient.request(socket, "DELETE", "/v1/cases/FU-1").status == 405)
            let noReport = try RawClient.request(socket, "GET", "/v1/cases/FU-1/report")
            #expect(noReport.status == 404)
            #expect(noReport.body.contains("no report yet"))

            let refused = try RawClient.request(
                socket, "POST", "/v1/cases/FU-1/refusal", body: #"{"note":"pedem contato direto"}"#)
            #expect(refused.status == 200)
            let report = try RawClient.request(socket, "GET", "/v1/cases/FU-1/report?format=json")
            #expect(report.status == 200)
            #expect(report.body.contains("\"reason\":\"partner_refused\""))
        }
    }

    @Test func badInputGetsAClearErrorAndChangesNothing() async throws {
        try await Self.running { _, socket in
            let cases: [(String, String)] = [
                (#"{"client":{"name":1}}"#, "client.name"),
                (#"{"client":{"name":"A"},"subject":"s","verification":"v"}"#, "partner"),
                (
                    #"{"client":{"name":"A"},"partner":{"name":"P","emails":["x"]},"subject":"s","verification":"v"}"#,
                    "partner.emails"
                ),
                (
                    #"{"client":{"name":"A"},"partner":{"name":"P"},"subject":"s","verification":"v","sent_at":"ontem"}"#,
                    "sent_at"
                ),
                (
                    #"{"client":{"name":"A"},"partner":{"name":"P"},"subject":"s","verification":"v","sensitive":["senha"]}"#,
                    "sensitive[0]"
                ),
                (#"{"client":{"name":"A"},"partner":{"name":"P"},"subject":"","verification":"v"}"#, "subject"),
                (
                    #"{"client":{"name":"A"},"partner":{"name":"P"},"subject":"s","verification":"v","escalated_to":"N9"}"#,
                    "escalated_to"
                ),
                (#"[1,2,3]"#, "body"),
                (#"{"client":"#, "body"),
                ("", "body"),
            ]
            for (body, field) in cases {
                let answer = try RawClient.request(socket, "POST", "/v1/cases", body: body)
                #expect(answer.status == 400, "\(body)")
                let error = try APICoding.decoder().decode(ErrorBody.self, from: Data(answer.body.utf8))
                #expect(error.error.field == field, "\(body) → \(answer.body)")
            }
            // A huge number where a flag name is expected, and invalid UTF-8.
            let huge = try RawClient.request(socket, "POST", "/v1/cases/FU-1/flags", body: #"{"flag":1e999999}"#)
            #expect(huge.status == 400, "the body is read before the case is looked up")
            let client = try RawClient(path: socket)
            var bytes = Data(
                "POST /v1/cases HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 4\r\n\r\n".utf8)
            bytes.append(contentsOf: [0x7B, 0xFF, 0xFE, 0x7D])
            client.send(bytes)
            #expect(RawClient.parse(client.readAll()).status == 400)

            let status = try RawClient.request(socket, "GET", "/v1/status")
            let parsed = try APICoding.decoder().decode(StatusJSON.self, from: Data(status.body.utf8))
            #expect(parsed.openCases == 0, "nothing was created by bad input")
        }
    }

    @Test func limitsMalformedHTTPIdleAndManyClients() async throws {
        try await Self.running { _, socket in
            // Over 1 MiB: 413.
            let big = String(repeating: "a", count: (1 << 20) + 10)
            let tooLarge = try RawClient.request(socket, "POST", "/v1/cases", body: "{\"subject\":\"\(big)\"}")
            #expect(tooLarge.status == 413)

            // Malformed HTTP: 400 and a close, the daemon stays up.
            let garbage = try RawClient(path: socket)
            garbage.send("THIS IS NOT HTTP\r\n\r\n")
            #expect(garbage.readAll().contains("400"))

            // A truncated body: the client goes away mid-request.
            do {
                let truncated = try RawClient(path: socket)
                truncated.send("POST /v1/cases HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{\"client\":")
            }

            // Hundreds of concurrent connections, each answered.
            let statuses = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<300 {
                    group.addTask { (try? RawClient.request(socket, "GET", "/v1/status").status) ?? 0 }
                }
                return await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 300)

            // Keep-alive: two requests on one connection.
            let keep = try RawClient(path: socket)
            keep.send(
                "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/due HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            let both = keep.readAll()
            #expect(both.components(separatedBy: "HTTP/1.1 200").count == 3)

            #expect(try RawClient.request(socket, "GET", "/v1/status").status == 200, "still up")
        }
    }

    /// Concurrent opens are committed together (group commit), each answered once durable
    /// with its own id, none lost.
    @Test func concurrentOpensGetDistinctIDs() async throws {
        try await Self.running { _, socket in
            let ids = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<60 {
                    group.addTask {
                        guard let answer = try? RawClient.request(socket, "POST", "/v1/cases", body: Self.openBody),
                            answer.status == 201
                        else { return nil }
                        return try? APICoding.decoder().decode(CaseJSON.self, from: Data(answer.body.utf8)).id
                    }
                }
                return await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(ids.compactMap { $0 }.count == 60)
            #expect(Set(ids.compactMap { $0 }) == Set((1...60).map { "FU-\($0)" }))
            let status = try RawClient.request(socket, "GET", "/v1/status")
            let parsed = try APICoding.decoder().decode(StatusJSON.self, from: Data(status.body.utf8))
            #expect(parsed.cases["awaiting_partner"] == 60)
        }
    }

    @Test func idempotencyKeyReturnsTheFirstAnswer() async throws {
        try await Self.running { _, socket in
            let first = try RawClient.request(
                socket, "POST", "/v1/cases", body: Self.openBody, headers: ["Idempotency-Key": "abc-1"])
            let again = try RawClient.request(
                socket, "POST", "/v1/cases", body: Self.openBody, headers: ["Idempotency-Key": "abc-1"])
            #expect(first.status == 201)
            #expect(again.status == 201)
            #expect(again.body == first.body)
            #expect(again.headers.lowercased().contains("idempotent-replayed: true"))
            let other = try RawClient.request(
                socket, "POST", "/v1/cases", body: Self.openBody, headers: ["Idempotency-Key": "abc-2"])
            #expect(other.body.contains("\"id\":\"FU-2\""))
            let note = #"{"note":"liguei"}"#
            _ = try RawClient.request(
                socket, "POST", "/v1/cases/FU-1/notes", body: note, headers: ["Idempotency-Key": "n1"])
            _ = try RawClient.request(
                socket, "POST", "/v1/cases/FU-1/notes", body: note, headers: ["Idempotency-Key": "n1"])
            let shown = try RawClient.request(socket, "GET", "/v1/cases/FU-1")
            let read = try APICoding.decoder().decode(CaseJSON.self, from: Data(shown.body.utf8))
            #expect(read.events?.filter { $0.kind == .noteAdded }.count == 1)
        }
    }

    @Test func staleSocketFileIsReplacedAndModeApplied() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(extra: "")
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        // A crash leaves a socket file nobody listens on.
        let stale = try DaemonProcess(arguments: ["--config", workspace.configPath], directory: workspace.directory)
        _ = try await eventually { FileManager.default.fileExists(atPath: socket) }
        stale.kill9()
        #expect(FileManager.default.fileExists(atPath: socket))
        let daemon = try workspace.startDaemon()
        let up = try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 }
        #expect(up, "\(daemon.stderr)")
        var info = stat()
        stat(socket, &info)
        #expect(info.st_mode & 0o777 == 0o660, "control.mode defaults to 0660")
        // A second daemon on the same socket refuses to start instead of stealing it.
        let second = try DaemonProcess.run(["--config", workspace.configPath], directory: workspace.directory)
        #expect(second.status != 0)
        #expect(second.stderr.contains("already listening"))
        #expect(daemon.terminate() == 0)
    }
}

enum TestUser {
    /// The login name of the user running the tests (what the daemon records as `by`).
    static var currentLogin: String {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "uid:\(getuid())" }
        return String(cString: name)
    }
}
