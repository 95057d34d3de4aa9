import FollowupAPI
import FollowupCore
import Foundation
import Testing

/// `followupctl export` read back by Python's `csv` and `json` modules and compared with
/// `followupctl --json list` (§6.10).
@Suite(.serialized) struct ExportTests {
    @Test func csvAndJSONLinesHoldEveryCaseAsTheListDoes() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1h", reportAfter: "3h")
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let ctl = FollowupctlProcess(workspace)
        try #require(try await ctl.waitForDaemon(), "followupd did not answer: \(daemon.stderr)")
        for n in 1...1_203 {
            let client = n == 7 ? #"Padaria \"Pão\", Quente"# : "Cliente \(n)"
            let body = """
                {"client":{"name":"\(client)","ticket":"SSC-\(n)"},"partner":{"name":"SIEG"},
                 "subject":"s","verification":"v"}
                """
            try #require(try RawClient.request(ctl.socket, "POST", "/v1/cases", body: body).status == 201)
        }
        #expect(try ctl("refused", "FU-3", "--note", "não falam conosco").status == 0)
        let listed = try APICoding.decoder().decode(CaseList.self, from: Data(try ctl("--json", "list").stdout.utf8))

        let csv = try ctl("export")
        #expect(csv.status == 0, "\(csv.stderr)")
        let file = workspace.directory.appendingPathComponent("export.csv")
        try csv.stdout.write(to: file, atomically: true, encoding: .utf8)
        let parsed = try PythonRun.run([
            "-c",
            """
            import csv, json, sys
            with open(sys.argv[1], newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
            print(json.dumps(rows))
            """,
            file.path,
        ])
        let rows = try JSONDecoder().decode([[String: String]].self, from: Data(parsed.output.utf8))
        #expect(rows.count == listed.cases.count && rows.count == 1_203, "one row a case, over several pages")
        #expect(rows.map { $0["id"] ?? "" } == listed.cases.map(\.id))
        #expect(rows.map { $0["state"] ?? "" } == listed.cases.map(\.state.rawValue))
        #expect(rows[6]["client"] == #"Padaria "Pão", Quente"#, "quotes and commas survive")
        #expect(rows[2]["report_reason"] == "partner_refused")
        #expect(rows[0]["attempts"] == String(listed.cases[0].attempts.count) && rows[0]["ticket"] == "SSC-1")
        #expect(csv.stdout.hasPrefix("id,ticket,client,partner,owner,state,opened,last_contact,attempts,"))
        #expect(csv.stdout.contains("\r\n"), "RFC 4180 line ends")

        let lines = try ctl("export", "--format", "jsonl", "--state", "returned_to_client")
        #expect(lines.status == 0)
        let objects = lines.stdout.split(separator: "\n").compactMap {
            try? APICoding.decoder().decode(CaseJSON.self, from: Data($0.utf8))
        }
        #expect(objects.map(\.id) == ["FU-3"], "only the state asked for, one JSON object a line")
    }
}
