import FollowupAPI
import FollowupCore
import Foundation
import Testing

/// Reads that stay bounded whatever a case or a client does (issue: hostile and odd input):
/// a long timeline in pages that `followupctl show` puts back together, retried requests
/// recognised however the case id is spelled, and addresses refused by the one grammar the
/// mail writer uses.
@Suite(.serialized) struct BoundedReadsTests {
    func withDaemon(_ body: (FollowupctlProcess) async throws -> Void) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1000h", reportAfter: "3000h")
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let ctl = FollowupctlProcess(workspace)
        try #require(try await ctl.waitForDaemon(), "followupd did not answer: \(daemon.stderr)")
        try await body(ctl)
    }

    @Test func aLongTimelineIsServedInPagesAndShownWhole() async throws {
        try await withDaemon { ctl in
            let id = try ctl.open()
            for index in 1...1_200 {
                let noted = try RawClient.request(
                    ctl.socket, "POST", "/v1/cases/\(id)/notes", body: #"{"note":"nota \#(index)"}"#)
                try #require(noted.status == 200, "note \(index): \(noted.body)")
            }
            let first = try APICoding.decoder().decode(
                CaseJSON.self, from: Data(try RawClient.request(ctl.socket, "GET", "/v1/cases/\(id)").body.utf8))
            #expect(first.events?.count == 500, "one page by default")
            #expect(first.eventsNext == 500)
            let last = try APICoding.decoder().decode(
                CaseJSON.self,
                from: Data(
                    try RawClient.request(ctl.socket, "GET", "/v1/cases/\(id)?events_after=1000&events_limit=1000")
                        .body.utf8))
            #expect(last.events?.first?.seq == 1001)
            #expect(last.events?.count == 201, "the opening entry and 1,200 notes")
            #expect(last.eventsNext == nil)
            let refused = try RawClient.request(ctl.socket, "GET", "/v1/cases/\(id)?events_limit=5000")
            #expect(refused.status == 400)
            #expect(refused.body.contains("events_limit"))

            let shown = try ctl.show(id)
            #expect(shown.events?.count == 1_201, "followupctl show follows the pages")
            #expect(shown.events?.map(\.seq) == Array(1...1_201))
            #expect(shown.eventsNext == nil)
            let text = try ctl("show", id)
            #expect(text.status == 0)
            #expect(text.stdout.contains("nota 1200") && text.stdout.contains("nota 1\n"))
        }
    }

    @Test func aRetryIsRecognisedHoweverTheCaseIdIsSpelled() async throws {
        try await withDaemon { ctl in
            let id = try ctl.open()
            let number = id.dropFirst(3)
            let spellings = [id, id.lowercased(), String(number)]
            var answers: [String] = []
            for spelling in spellings {
                let answer = try RawClient.request(
                    ctl.socket, "POST", "/v1/cases/\(spelling)/notes", body: #"{"note":"uma vez só"}"#,
                    headers: ["Idempotency-Key": "nota-1"])
                #expect(answer.status == 200)
                answers.append(answer.body)
            }
            #expect(Set(answers).count == 1, "the first answer, replayed")
            let shown = try ctl.show(id)
            #expect(shown.events?.filter { $0.kind == .noteAdded }.count == 1, "the note is recorded once")
        }
    }

    @Test(arguments: ["a..b@sieg.com.br", "joão@sieg.com.br", ".a@sieg.com.br", "a@-sieg.com.br", "a@sieg"])
    func anAddressTheMailWriterCannotUseIsRefusedAtTheDoor(address: String) async throws {
        try await withDaemon { ctl in
            let body = """
                {"client":{"name":"Padaria"},"partner":{"name":"SIEG","emails":["\(address)"]},
                 "subject":"s","verification":"v"}
                """
            let answer = try RawClient.request(ctl.socket, "POST", "/v1/cases", body: body)
            #expect(answer.status == 400)
            #expect(answer.body.contains(#""field":"partner.emails""#), "\(answer.body)")
            let listed = try APICoding.decoder().decode(
                CaseList.self, from: Data(try RawClient.request(ctl.socket, "GET", "/v1/cases").body.utf8))
            #expect(listed.cases.isEmpty, "nothing was opened")
        }
    }
}
