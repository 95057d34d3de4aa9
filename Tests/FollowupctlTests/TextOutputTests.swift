import FollowupAPI
import FollowupCore
import Foundation
import Testing

@testable import followupctl

/// What people read: times in the desk's zone, tables and pages that fit 80 columns, and the
/// JSON of `--json` passed through unchanged.
struct TextOutputTests {
    static let now = Timestamp.parse("2026-11-29T18:00:00Z")!
    let times = TimeText(zone: TimeZone(identifier: "America/Sao_Paulo")!, now: now)

    /// A case as the daemon answers `GET /v1/cases/FU-12`.
    static let caseJSON = #"""
        {"attempts":[{"at":"2026-11-29T17:05:00Z","by":"joana","channel":"email","failed":false,
        "message_id":"<abc123@desk.example>","number":1,"to":["suporte@sieg.example"]},
        {"at":"2026-11-30T17:05:00Z","by":"followupd","channel":"email","failed":true,"message_id":null,"number":2,
        "to":["suporte@sieg.example","a-very-long-address-for-the-second-level-team@suporte.sieg.example"]}],
        "client":{"email":"ti@msj.example","name":"Mercado São João Ltda","ticket":"SSC-4411"},
        "created_at":"2026-11-29T17:05:00Z","cycle":{"acknowledged":true,"number":1,"resends":1,
        "started_at":"2026-11-29T17:05:00Z"},"deadline":"2026-12-04T21:00:00Z","escalated_to":"N2",
        "events":[{"at":"2026-11-29T17:05:00Z","attempt":1,"by":"joana","cycle":1,"kind":"opened","seq":1},
        {"at":"2026-11-29T18:00:00Z","by":"joana","kind":"partner_replied","note":"Atendente do SIEG disse que vai verificar com o time do cofre e retornar por e-mail ainda hoje, sem falta, antes das 18h.","return_kind":"ack","seq":2},
        {"at":"2026-11-29T18:01:00Z","by":"joana","field":"deadline","kind":"updated","new_value":"2026-12-04T21:00:00Z","old_value":null,"seq":3}],
        "first_message_id":"<abc123@desk.example>","flags":[{"at":"2026-11-29T17:10:00Z","by":"ana","flag":"urgent"}],
        "id":"FU-12","implementation_at":null,"kind":"third_party","leader":"Ana",
        "next_action":{"due_at":"2026-12-02T17:05:00Z","kind":"report"},"owner":"joana",
        "partner":{"emails":["suporte@sieg.example"],"name":"SIEG"},"priority":false,
        "reports":[{"generated_at":"2026-11-26T12:00:00Z","id":"R-1","path":"/var/lib/followupd/reports/FU-12-R-1.txt","reason":"no_reply"}],
        "sensitive":["certificate"],"state":"awaiting_partner","subject":"Nota fiscal rejeitada na integração com o SIEG Cofre",
        "updated_at":"2026-11-29T18:01:00Z",
        "verification":"Confirmar se o certificado A1 do cliente foi cadastrado no cofre e se a consulta automática de notas de entrada está ativa desde 01/11."}
        """#

    func subject() throws -> CaseJSON {
        try APICoding.decoder().decode(CaseJSON.self, from: Data(Self.caseJSON.utf8))
    }

    @Test func timesAreWrittenInTheDesksZone() {
        let date = Timestamp.parse("2026-11-29T17:05:00Z")!
        #expect(times.full(date) == "2026-11-29 14:05 -03")
        #expect(times.minute(date) == "2026-11-29 14:05")
        #expect(times.compact(date) == "11-29 14:05", "the current year goes without saying")
        #expect(times.compact(Timestamp.parse("2027-01-04T12:00:00Z")!) == "2027-01-04 09:00")
        #expect(TimeText(zone: TimeZone(identifier: "Asia/Kolkata")!).full(date) == "2026-11-29 22:35 +05:30")
        #expect(TimeText(zone: TimeZone(identifier: "UTC")!).full(date) == "2026-11-29 17:05 +00")
        #expect(
            times.withDistance(Self.now.addingTimeInterval(3 * 3600 + 20 * 60)) == "2026-11-29 18:20 -03 (in 3h 20m)")
        #expect(times.distance(Self.now.addingTimeInterval(-2 * 86_400 - 3600)) == "2d 1h ago")
        #expect(times.distance(Self.now.addingTimeInterval(20)) == "in 20s")
        #expect(times.distance(Self.now) == "now")
    }

    @Test(arguments: [
        (0, "0s"), (45, "45s"), (60, "1m"), (3600, "1h"), (3660, "1h 1m"), (86_430, "1d"), (273_600, "3d 4h"),
    ])
    func spans(seconds: Int, text: String) {
        #expect(TimeText.span(seconds: seconds) == text)
    }

    @Test func tablesFitTheWidthAndCutLongCells() {
        var table = TextTable(
            [
                .init("CASE"), .init("CLIENT", flexible: true, minimum: 8), .init("OWNER", flexible: true, minimum: 5),
                .init("N", rightAligned: true),
            ], width: 40)
        table.append(["FU-1", "Cliente com um nome bem comprido de verdade S.A.", "joana", "2"])
        table.append(["FU-100", "ACME", "pedro.henrique.da.silva", "12"])
        let lines = table.lines
        #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
        #expect(lines[0].hasPrefix("CASE    CLIENT"))
        #expect(lines[1].contains("…"))
        #expect(lines[1].hasSuffix(" 2"), "numbers are right-aligned")
        #expect(lines[2].hasPrefix("FU-100  ACME"))
    }

    @Test func tablesThatFitAreLeftAlone() {
        var table = TextTable([.init("A", flexible: true), .init("B")])
        table.append(["one\ttwo\nthree", "x"])
        #expect(table.text == "A              B\none two three  x\n")
    }

    @Test func wrapping() {
        #expect(TextTable.wrap("a bb ccc dddd", width: 6) == ["a bb", "ccc", "dddd"])
        #expect(TextTable.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(TextTable.wrap("one\n\ntwo", width: 10) == ["one", "", "two"])
        #expect(TextTable.fit("abcdef", 4) == "abc…")
        #expect(TextTable.fit("abc", 4) == "abc")
    }

    @Test func theCasePageFits80ColumnsAndSaysWhatMatters() throws {
        let page = CaseText(try subject(), times: times).page
        let lines = page.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.filter { $0.count > 80 })")
        #expect(lines[0] == "FU-12  awaiting_partner  (third_party)")
        for expected in [
            "Mercado São João Ltda <ti@msj.example>, ticket SSC-4411", "SIEG <suporte@sieg.example>",
            "joana (leader Ana)", "urgent (2026-11-29 14:10 -03, ana)", "certificate",
            "2026-12-04 18:00 -03 (in 5d 3h)", "1, started 2026-11-29 14:05 -03; 1 resend; ack received",
            "report 2026-12-02 14:05 -03 (in 2d 23h)", "FAILED suporte@sieg.example", "partner_replied",
            "return ack", "| Atendente do SIEG", "deadline: none → 2026-12-04 18:00 -03",
            "R-1  no_reply  2026-11-26 09:00 -03", "/var/lib/followupd/reports/FU-12-R-1.txt",
        ] {
            #expect(page.contains(expected), "missing \(expected) in\n\(page)")
        }
    }

    @Test func confirmationsGiveTheNewStateAndWhatComesNext() throws {
        var subject = try subject()
        #expect(
            CaseText(subject, times: times).confirmation("ack return recorded")
                == "FU-12 ack return recorded: now awaiting_partner; next report 2026-12-02 14:05 -03 (in 2d 23h)")
        subject.state = .closed
        subject.nextAction = nil
        #expect(
            CaseText(subject, times: times).confirmation("closed") == "FU-12 closed: now closed; nothing more is due")
    }

    @Test func listRows() throws {
        var table = CaseText.listTable(zoneOffset: "-03")
        table.append(CaseText(try subject(), times: times).listRow)
        #expect(table.lines.allSatisfy { $0.count <= 80 })
        #expect(table.lines[1].hasPrefix("FU-12  awaiting_partner  Mercado São João …  SIEG"))
        #expect(table.lines[1].hasSuffix("report  12-02 14:05"))
    }

    @Test func theStatusBlock() throws {
        let json = #"""
            {"cases":{"awaiting_partner":5,"awaiting_us":4,"closed":40,"returned_to_client":3},"next_deadline":null,
            "node":"desk-01","open_cases":12,"outbox":{"delivered":120,"failed":1,"pending":3},"pid":4242,
            "stages":{"report":4,"resend":10},"started_at":"2026-11-26T13:00:00Z",
            "storage":{"engine":"sqlite","location":"/var/lib/followupd/followupd.sqlite"},
            "timezone":"America/Sao_Paulo","uptime_seconds":273600,"version":"0.1.0"}
            """#
        let status = try APICoding.decoder().decode(StatusJSON.self, from: Data(json.utf8))
        let text = StatusCommand.text(status, times: times)
        #expect(text.hasPrefix("followupd 0.1.0 on desk-01, pid 4242, up 3d 4h (since 2026-11-26 10:00 -03)\n"))
        #expect(text.contains("12 open (awaiting_partner 5, awaiting_us 4, returned_to_client 3); 40 closed"))
        #expect(text.contains("Next deadline  none"))
        #expect(text.contains("pending 3, failed 1, delivered 120"))
        #expect(text.contains("followupctl outbox --state failed"))
        #expect(text.contains("resend 10, report 4"))
        #expect(!text.contains("Retention"), "absent when retention keeps everything")
    }

    @Test func theStatusBlockCountsRetention() throws {
        let json = #"""
            {"cases":{},"next_deadline":null,"node":"desk-01","open_cases":0,"outbox":{},"pid":4242,"stages":{},
            "started_at":"2026-11-26T13:00:00Z","storage":{"engine":"sqlite","location":"/x.sqlite"},
            "timezone":"America/Sao_Paulo","uptime_seconds":60,"version":"0.1.0",
            "retention":{"closed_cases_erased":3,"inbound_files_removed":7,"report_files_removed":0}}
            """#
        let status = try APICoding.decoder().decode(StatusJSON.self, from: Data(json.utf8))
        #expect(
            StatusCommand.text(status, times: times).contains(
                "erased 3 closed case(s), removed 7 inbound mail and 0 report file(s) since start"))
    }

    @Test func jsonIsReindentedWithoutChangingAValue() throws {
        let source = #"{"b":1.50,"a":[1e3,-0,true,null,{}],"s":"olá \"x\" \u00e9\n","e":[],"n":{"z":"/"}}"#
        let document = try JSONText(parsing: Data(source.utf8))
        let pretty = document.pretty()
        #expect(
            pretty == """
                {
                  "b": 1.50,
                  "a": [
                    1e3,
                    -0,
                    true,
                    null,
                    {}
                  ],
                  "s": "olá \\"x\\" \\u00e9\\n",
                  "e": [],
                  "n": {
                    "z": "/"
                  }
                }
                """)
        // Foundation reads the same values from both.
        let original = try JSONSerialization.jsonObject(with: Data(source.utf8)) as? NSDictionary
        let reread = try JSONSerialization.jsonObject(with: Data(pretty.utf8)) as? NSDictionary
        #expect(original == reread)
        #expect(document["n"] == .object([("z", .string(raw: "/"))]))
    }

    @Test(arguments: ["", "{", "{\"a\" 1}", "[1,]", "{\"a\":tru}", "[1] 2", "\"open", "{1:2}"])
    func notJSON(text: String) {
        #expect(throws: JSONText.Malformed.self) { _ = try JSONText(parsing: Data(text.utf8)) }
    }
}
