import FollowupInbound
import Testing

@Suite("The client marker of a request captured by Bcc: [SSC-1234 Client name]")
struct CaptureMarkerTests {
    @Test(
        "a ticket, a space and the client's name, in the subject first",
        arguments: [
            ("Certificado A1 [SSC-1234 Padaria Pão Quente]", "", "SSC-1234", "Padaria Pão Quente"),
            ("[EXTERNO] Pedido [ssc-9  Mercado   Central ]", "", "ssc-9", "Mercado Central"),
            ("Pedido", "Olá,\n\n[CH-77 Açougue São João]\nPrecisamos…", "CH-77", "Açougue São João"),
            ("[FU-3 Padaria] [SSC-1 Loja]", "", "SSC-1", "Loja"),
            ("[SSC-2 Do assunto]", "[SSC-3 Do corpo]", "SSC-2", "Do assunto"),
        ])
    func markers(subject: String, body: String, ticket: String, client: String) {
        #expect(CaptureMarker.find(subject: subject, body: body) == CaptureMarker(ticket: ticket, client: client))
    }

    @Test(
        "what is not a marker",
        arguments: [
            "[FU-12] Reenvio", "[SSC-1234]", "[SSC Padaria]", "[1234 Padaria]", "[SSC-12a Padaria]", "[-1 Padaria]",
            "[SSC-1\nPadaria]", "SSC-1234 Padaria", "[SSC-1234 Padaria",
        ])
    func notMarkers(text: String) {
        #expect(CaptureMarker.find(subject: text, body: text) == nil)
    }

    @Test("the case's subject leaves the markers and tags out")
    func subject() {
        #expect(
            CaptureMarker.subject("Certificado A1 rejeitado [SSC-1234 Padaria Pão Quente]")
                == "Certificado A1 rejeitado")
        #expect(CaptureMarker.subject("[FU-12]  Complemento  [SSC-1 Loja] do pedido") == "Complemento do pedido")
    }

    @Test("the verification is the first paragraph that says something")
    func firstParagraph() {
        let body = "Olá,\n\nSou a Joana, do suporte.\nPrecisamos verificar o CNPJ. [SSC-1 Loja]\n\nObrigada,\nJoana"
        #expect(CaptureMarker.firstParagraph(of: body) == "Sou a Joana, do suporte. Precisamos verificar o CNPJ.")
        #expect(CaptureMarker.firstParagraph(of: "Bom dia!") == "Bom dia!")
        #expect(CaptureMarker.firstParagraph(of: "") == "")
        #expect(CaptureMarker.firstParagraph(of: String(repeating: "a", count: 5_000)).count == 2_000)
    }
}
