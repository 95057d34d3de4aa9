import Foundation
import Testing

/// `policy.max_owner_reminders` and `policy.close_returned_after` end to end (SPEC §6.10):
/// the real daemon with durations of seconds stops the owner's reminders at the cap and
/// closes a case left with the client, each on the case's timeline.
@Suite(.serialized) struct PolicyStagesTests {
    static func configure(_ workspace: Workspace) throws {
        let yaml = """
            storage:
              path: followupd.sqlite
            control:
              socket: control.sock
            policy:
              resend_after: 1h
              max_resends: 1
              report_after: 3h
              owner_reminder_after: 1s
              max_owner_reminders: 2
              close_returned_after: 2s
            mail:
              from: "Suporte <suporte@desk.example>"
              maildir: outbox
            leaders:
              - { name: Ana, email: ana@desk.example }
            owners:
              - { name: joana, email: joana@desk.example, leader: Ana }
            log:
              target: stderr
              level: info
            """
        try yaml.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
    }

    static func show(_ socket: String, _ id: String) throws -> [String: Any] {
        let answer = try RawClient.request(socket, "GET", "/v1/cases/\(id)")
        return try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any] ?? [:]
    }

    static func events(_ socket: String, _ id: String, kind: String) throws -> [[String: Any]] {
        let events = try show(socket, id)["events"] as? [[String: Any]] ?? []
        return events.filter { $0["kind"] as? String == kind }
    }

    @Test func remindersStopAtTheCapAndAReturnedCaseCloses() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try Self.configure(workspace)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        #expect(try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 })
        let body = """
            {"client":{"name":"Padaria"},"partner":{"name":"SIEG","emails":["suporte@sieg.example"]},\
            "subject":"s","verification":"v","owner":"joana"}
            """
        #expect(try RawClient.request(socket, "POST", "/v1/cases", body: body).status == 201)
        #expect(try RawClient.request(socket, "POST", "/v1/cases", body: body).status == 201)

        // FU-1 waits on us: two reminders, then none armed.
        let replied = try RawClient.request(
            socket, "POST", "/v1/cases/FU-1/returns", body: #"{"kind":"info","note":"retorno"}"#)
        #expect(replied.status == 200 || replied.status == 201, "\(replied.body)")
        #expect(
            try await eventually { try Self.events(socket, "FU-1", kind: "owner_reminded").count >= 2 },
            "\(daemon.stderr)")
        let reminded = try Self.events(socket, "FU-1", kind: "owner_reminded")
        #expect(reminded.count == 2)
        #expect((reminded.last?["note"] as? String)?.contains("max_owner_reminders: 2") == true)
        #expect(try Self.show(socket, "FU-1")["next_action"] == nil, "no third reminder armed")

        // FU-2 goes back to the client and, with nothing new, is closed by the daemon.
        let refused = try RawClient.request(
            socket, "POST", "/v1/cases/FU-2/refusal", body: #"{"note":"falem com o cliente"}"#)
        #expect(refused.status == 200 || refused.status == 201, "\(refused.body)")
        #expect(
            try await eventually { try Self.show(socket, "FU-2")["state"] as? String == "closed" }, "\(daemon.stderr)")
        let closed = try #require(try Self.events(socket, "FU-2", kind: "closed").first)
        #expect(closed["by"] as? String == "followupd")
        #expect(closed["stage"] as? String == "close_returned")

        // By now FU-1 would have had more reminders had the cap not held.
        #expect(try Self.events(socket, "FU-1", kind: "owner_reminded").count == 2)
        #expect(try Self.show(socket, "FU-1")["state"] as? String == "awaiting_us")
    }
}
