import Foundation
import Testing

/// The board (§6.9, `/`) on the real daemon: open cases by state with what comes next,
/// filters, the desk's language, and sign-in first.
@Suite struct WebBoardTests {
    @Test func theBoardShowsOpenCasesByStateAndFilters() async throws {
        try await WebSignInTests.withWebDaemon { workspace, ctl, port in
            try WebSignInTests.addUser(ctl, "joana", role: "technician", password: "senha-da-joana-1")
            try WebSignInTests.addUser(ctl, "leitor", role: "reader", password: "senha-do-leitor-1")
            for (client, partner) in [
                ("Padaria Pão Quente", "SIEG"), ("Mercado Sol", "Fiscosoft"), ("Açougue", "SIEG"),
            ] {
                let opened = try ctl(
                    "open", "--client", client, "--partner", partner, "--partner-email",
                    "s@\(partner.lowercased()).example",
                    "--subject", "Notas de \(client)", "--verification", "verificar", "--owner", "joana")
                #expect(opened.status == 0, "\(opened.stderr)")
            }
            #expect(try ctl("reply", "FU-2", "--kind", "info", "--note", "segue").status == 0)
            #expect(try ctl("flag", "FU-3", "urgent").status == 0)

            let anonymous = WebClient(port: port, directory: workspace.directory)
            let away = try anonymous.get("/")
            #expect(away.status == 303 && away.headers["location"] == "/sign-in?next=%2F")

            let reader = WebClient(port: port, directory: workspace.directory)
            let signed = try reader.signIn("leitor", "senha-do-leitor-1")
            #expect(signed.status == 303 && signed.headers["location"] == "/", "the board is the first page")
            let board = try reader.get("/")
            #expect(board.status == 200, "\(board.body.prefix(500))")
            let waiting = try #require(Self.section(board.body, "awaiting_partner"))
            let ours = try #require(Self.section(board.body, "awaiting_us"))
            #expect(waiting.contains("Aguardando o parceiro") && ours.contains("Aguardando a gente"))
            #expect(waiting.contains(#"id="row-FU-1""#) && waiting.contains(#"id="row-FU-3""#))
            #expect(!waiting.contains(#"id="row-FU-2""#) && ours.contains(#"id="row-FU-2""#))
            #expect(waiting.contains("Padaria Pão Quente") && waiting.contains("reenviar ao parceiro"))
            #expect(waiting.contains("· em "), "when, as a person says it")
            #expect(waiting.contains(#"<span class="tag urgent">urgente</span>"#))

            let sieg = try reader.get("/?partner=SIEG")
            #expect(sieg.body.contains(#"id="row-FU-1""#) && sieg.body.contains(#"id="row-FU-3""#))
            #expect(!sieg.body.contains(#"id="row-FU-2""#), "filtered by partner")
            let onlyOurs = try reader.get("/?state=awaiting_us")
            #expect(onlyOurs.body.contains(#"id="row-FU-2""#) && !onlyOurs.body.contains(#"id="row-FU-1""#))
            #expect(onlyOurs.body.contains(#"<option value="awaiting_us" selected>"#))
            let nobody = try reader.get("/?owner=ninguem")
            #expect(nobody.body.contains("Nenhum caso aqui."))
            #expect(!nobody.body.contains(#"id="row-"#))
        }
    }

    /// The HTML of one state's section of the board.
    static func section(_ page: String, _ state: String) -> String? {
        guard let start = page.range(of: #"aria-labelledby="h-\#(state)""#) else { return nil }
        let rest = page[start.upperBound...]
        return String(rest[..<(rest.range(of: "</section>")?.lowerBound ?? rest.endIndex)])
    }
}
