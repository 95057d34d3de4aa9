import FollowupAPI
import FollowupCore
import Foundation
import Testing

/// SPEC §6.3 "Correction (times)" end to end: the real daemon over the real socket refuses
/// times outside 2000-01-01 … ten years from now (naming the field, changing nothing), and
/// keeps answering everyone afterwards.
@Suite(.serialized) struct OddTimesTests {
    static func errorField(_ body: String) -> String? {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        return (object?["error"] as? [String: Any])?["field"] as? String
    }

    @Test func timesOutsideTheCalendarAreRefusedAndNothingBreaks() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1h", reportAfter: "3h")
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let ctl = FollowupctlProcess(workspace)
        let ready = try await ctl.waitForDaemon()
        try #require(ready, "followupd did not answer: \(daemon.stderr)")
        let id = try ctl.open()
        let socket = ctl.socket

        let refusals: [(String, String, String, String)] = [
            ("PATCH", "/v1/cases/\(id)", #"{"deadline":"0000-01-01T00:00:00Z"}"#, "deadline"),
            ("PATCH", "/v1/cases/\(id)", #"{"deadline":"1581-12-31T00:00:00Z"}"#, "deadline"),
            ("PATCH", "/v1/cases/\(id)", #"{"deadline":"1970-01-01T00:00:00Z"}"#, "deadline"),
            ("PATCH", "/v1/cases/\(id)", #"{"implementation_at":"9999-12-31T23:59:59Z"}"#, "implementation_at"),
            ("POST", "/v1/cases/\(id)/returns", #"{"kind":"info","at":"1970-01-01T00:00:00Z","note":"x"}"#, "at"),
            ("POST", "/v1/cases/\(id)/contacts", #"{"at":"0000-01-01T00:00:00Z"}"#, "at"),
            ("POST", "/v1/cases/\(id)/refusal", #"{"at":"2001-01-01T00:00:00Z","note":"x"}"#, "at"),
        ]
        for (method, path, body, field) in refusals {
            let answer = try RawClient.request(socket, method, path, body: body)
            #expect(answer.status == 400, "\(method) \(path) \(body): \(answer.body)")
            #expect(Self.errorField(answer.body) == field, "\(body): \(answer.body)")
        }
        let opened = try RawClient.request(
            socket, "POST", "/v1/cases",
            body: """
                {"client":{"name":"Cliente"},"partner":{"name":"SIEG","emails":["suporte@sieg.example"]},\
                "subject":"Nota","verification":"Verificar","owner":"joana","sent_at":"1999-12-31T23:59:59Z"}
                """)
        #expect(opened.status == 400 && Self.errorField(opened.body) == "sent_at", "\(opened.body)")

        // `reply --at 1970-01-01` from the command line: refused (exit 1), naming the field.
        let reply = try ctl("reply", id, "--at", "1970-01-01", "--note", "retorno")
        #expect(reply.status == 1, "\(reply.stdout)\(reply.stderr)")
        #expect(reply.stderr.contains("at: "), "\(reply.stderr)")

        // Nothing changed, and every listing still answers.
        let shown = try ctl.show(id)
        #expect(shown.deadline == nil && shown.implementationAt == nil)
        #expect(shown.state == .awaitingPartner)
        #expect(shown.attempts.count == 1)
        #expect(try RawClient.request(socket, "GET", "/v1/cases").status == 200)
        #expect(try ctl("list").status == 0)
        #expect(try ctl("outbox").status == 0)

        // A time in range is taken, and read back the same on every interface.
        let patched = try RawClient.request(
            socket, "PATCH", "/v1/cases/\(id)", body: #"{"deadline":"2030-06-30T12:00:00Z"}"#)
        #expect(patched.status == 200, "\(patched.body)")
        #expect(try ctl.show(id).deadline == Date(timeIntervalSince1970: 1_909_051_200))
        #expect(daemon.process.isRunning)
    }

    /// A partner's reply dated 1900 counts as received when read: owner reminders count from
    /// then (one hour later), not from 1900 (a reminder per elapsed hour).
    @Test func aMailDated1900CountsAsReceivedNow() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(
            resendAfter: "1h", reportAfter: "3h",
            extra: """
                inbound:
                  maildir: inbox
                  rescan: 2s
                """)
        var yaml = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "owner_reminder_after: 0", with: "owner_reminder_after: 1h")
        try yaml.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let ctl = FollowupctlProcess(workspace)
        try #require(try await ctl.waitForDaemon(), "followupd did not answer: \(daemon.stderr)")
        let id = try ctl.open()
        let before = Date()
        try InboundMailTests.deliver(
            workspace, name: "old", from: "", subject: "", body: "",
            raw: [
                "From: Suporte SIEG <suporte@sieg.example>", "To: Suporte <suporte@desk.example>",
                "Subject: Re: [\(id)] Nota fiscal rejeitada", "Date: Mon, 01 Jan 1900 00:00:00 +0000",
                "Message-ID: <old-1900@sieg.example>", "", "Segue a informacao pedida.", "",
            ].joined(separator: "\r\n"))
        #expect(try await eventually(timeout: 20) { try ctl.show(id).state == .awaitingUs }, "\(daemon.stderr)")
        try await Task.sleep(for: .seconds(2))
        let shown = try ctl.show(id)
        #expect(shown.events?.filter { $0.kind == .partnerReplied }.count == 1)
        #expect(shown.nextAction?.kind == "owner_reminder")
        // Counted from when the mail was read (1 h), not from 1900.
        #expect((shown.nextAction?.dueAt ?? .distantPast) >= before.addingTimeInterval(3600 - 1))
        #expect(shown.events?.filter { $0.kind == .ownerReminded }.isEmpty == true, "no storm of reminders")
        #expect(try ctl("outbox").status == 0)
    }
}
