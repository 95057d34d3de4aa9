import FollowupAPI
import Foundation
import Testing

/// The whole path of a one-click acknowledgement (§6.9) on the real daemon: the link in the
/// mail it spooled, opened and pressed on its own web listener.
@Suite struct AckLinkEndToEndTests {
    @Test func theLinkInTheSpooledMailAcknowledgesAsItsPerson() async throws {
        try await WebSignInTests.withWebDaemon { workspace, ctl, port in
            let sent = try ctl("escalate", "--service", "Busca NF-e parada", "--client", "Mercado Sol", "--note", "x")
            #expect(sent.status == 0, "\(sent.stderr)")
            let notification = try #require(
                try PlaybookTests.outbox(ctl).first {
                    $0.event == "escalation.urgent" && $0.recipient == "ana@desk.example"
                })
            let file = workspace.directory.appendingPathComponent("outbox/new/\(notification.id)")
            let spooled = try await eventually { FileManager.default.fileExists(atPath: file.path) }
            try #require(spooled, "the escalation reached Ana's mail in the spool")

            // Quoted-printable: soft line breaks joined; a token holds no character it encodes.
            let text = try String(contentsOf: file, encoding: .utf8)
                .replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "")
            let prefix = "http://127.0.0.1:\(port)/a/"
            let start = try #require(text.range(of: prefix), "the mail carries a link to this desk")
            let token = text[start.upperBound...].prefix { $0.isLetter || $0.isNumber || "-_.".contains($0) }
            let path = "/a/" + token

            let browser = WebClient(port: port, directory: workspace.directory)
            let page = try browser.get(path)
            #expect(page.status == 200, "\(page.body)")
            #expect(page.body.contains(#"<dd id="for">Ana</dd>"#))
            let done = try browser.send("POST", path)
            #expect(done.status == 200)
            #expect(done.body.contains("Ciência confirmada por Ana"), "\(done.body)")
            let row = try #require(try PlaybookTests.outbox(ctl).first { $0.id == notification.id })
            #expect(row.acknowledgedBy == "Ana")
        }
    }
}
