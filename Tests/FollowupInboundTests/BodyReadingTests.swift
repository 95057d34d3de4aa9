import FollowupInbound
import Foundation
import Testing

@Suite("Bodies: MIME structure, transfer encodings, charsets, HTML")
struct BodyReadingTests {
    static func text(_ headers: [String], _ body: String) throws -> String {
        try InboundMessage.parse(rawMail(["From: a@b.example", "Subject: x"] + headers + ["", body])).text
    }

    @Test("charsets: invalid UTF-8 becomes U+FFFD, an unknown charset reads as Latin-1, a missing one as UTF-8")
    func charsets() throws {
        var invalid = Data("From: a@b.example\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nok ".utf8)
        invalid.append(contentsOf: [0xC3, 0x28, 0xFF])
        #expect(try InboundMessage.parse(invalid).text == "ok \u{FFFD}(\u{FFFD}")
        var unknown = Data("From: a@b.example\r\nContent-Type: text/plain; charset=x-mystery\r\n\r\n".utf8)
        unknown.append(contentsOf: [0x63, 0x61, 0x66, 0xE9])
        #expect(try InboundMessage.parse(unknown).text == "café")
        #expect(try Self.text([], "sem charset: ação") == "sem charset: ação")
    }

    @Test("quoted-printable: soft breaks, lower-case hex, a stray = kept, trailing blanks dropped")
    func quotedPrintable() throws {
        let text = try Self.text(
            ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: Quoted-Printable"],
            "Integra=c3=a7=C3=A3o con=\r\nclu=C3=ADda =3D 100% =ZZ  \r\nfim")
        #expect(text == "Integração concluída = 100% =ZZ\nfim")
    }

    @Test("base64 with junk characters and missing padding still decodes")
    func base64() throws {
        let text = try Self.text(
            ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"],
            "T2zDoSwg*bXVu\r\nZG8hIQ")
        #expect(text == "Olá, mundo!!")
    }

    @Test("format=flowed lines are joined; quoted flowed lines keep their depth")
    func flowed() throws {
        let text = try Self.text(
            ["Content-Type: text/plain; charset=utf-8; format=flowed; delsp=no"],
            "Uma frase longa que \r\ncontinua aqui.\r\n> citada que \r\n> segue\r\n-- \r\nAssinatura")
        #expect(text == "Uma frase longa que continua aqui.\n> citada que segue\n--\nAssinatura")
    }

    @Test("a 1 MiB format=flowed part is joined whole: one paragraph, quoted lines at their depth, DelSp honoured")
    func largeFlowed() throws {
        // 32,000 soft lines of 29 bytes, accented (folding them for quote detection was the slow
        // part): one paragraph just under the 1 MiB text limit.
        let words = (0..<32_000).map { String(format: "ação%05d órgão público ", $0) }
        let paragraph = words.joined()
        let body = words.joined(separator: "\r\n") + "\r\nfim.\r\n> citada \r\n> ainda\r\nsolta"
        #expect(body.utf8.count > 990_000 && body.utf8.count < 1024 * 1024)
        let text = try Self.text(["Content-Type: text/plain; charset=utf-8; format=flowed"], body)
        #expect(text == paragraph + "fim.\n> citada ainda\nsolta")
        // DelSp=yes: the space before each soft break goes, so the words run together.
        let joined = try Self.text(
            ["Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes"],
            words.prefix(3_000).joined(separator: "\r\n") + "\r\nfim")
        #expect(joined == words.prefix(3_000).map { String($0.dropLast()) }.joined() + "fim")
    }

    @Test("multipart: boundary quoted, unquoted or in RFC 2231 form; missing closing; nested; epilogue ignored")
    func boundaries() throws {
        let forms = [
            "multipart/mixed; boundary=\"b 1\"", "multipart/mixed; boundary=b 1",
            "multipart/mixed; boundary*=us-ascii''b%201", "multipart/mixed; BOUNDARY*0=\"b \"; boundary*1=\"1\"",
        ]
        for form in forms {
            let text = try Self.text(
                ["Content-Type: " + form],
                "preamble\r\n--b 1\r\nContent-Type: text/plain\r\n\r\nParte um\r\n--b 1--\r\n")
            #expect(text == "Parte um", "\(form)")
        }
        let nested = try Self.text(
            ["Content-Type: multipart/mixed; boundary=outer"],
            "--outer\r\nContent-Type: multipart/alternative; boundary=\"outer-inner\"\r\n\r\n--outer-inner\r\n"
                + "Content-Type: text/html\r\n\r\n<p>html</p>\r\n--outer-inner\r\nContent-Type: text/plain\r\n\r\n"
                + "plain\r\n--outer\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n"
                + "\r\nanexo\r\n--outer--\r\nepilogue\r\n")
        #expect(nested == "plain")
        let guessed = try Self.text(
            ["Content-Type: multipart/mixed"], "--guess\r\nContent-Type: text/plain\r\n\r\nAchado\r\n--guess--")
        #expect(guessed == "Achado")
        let none = try Self.text(["Content-Type: multipart/mixed; boundary=nowhere"], "Sem partes.")
        #expect(none == "Sem partes.")
    }

    @Test("HTML: entities named and numeric, blocks and breaks, scripts and comments dropped, pre kept")
    func html() throws {
        let html =
            "<!DOCTYPE html><html><head><style>x{}</style></head><body><!-- hidden -->"
            + "<p>Cora&ccedil;&atilde;o &Aacute;gua &#231;&#xE3; &euro;&nbsp;5 &lt;tag&gt; &bogus; &amp;</p>"
            + "<div>um<br/>dois</div><SCRIPT type='x'>var a = '</p>';</SCRIPT><table><tr><td>a</td><td>b</td></tr>"
            + "</table><pre>  x\n  y</pre><blockquote><p>citado</p><blockquote>duplo</blockquote></blockquote>fim"
        let text = try Self.text(["Content-Type: text/html; charset=utf-8"], html)
        #expect(
            text
                == "Coração Água çã € 5 <tag> &bogus; &\num\ndois\na b\n  x\n  y\n> citado\n>> duplo\nfim")
    }

    @Test("an inline text part with a file name is an attachment, not the text")
    func namedTextIsAttachment() throws {
        let message = try InboundMessage.parse(
            rawMail(
                "From: a@b.example", "Content-Type: multipart/mixed; boundary=b", "", "--b",
                "Content-Type: text/plain", "", "Corpo", "--b",
                "Content-Type: text/plain; name=\"=?UTF-8?Q?relat=C3=B3rio.txt?=\"", "", "conteúdo", "--b--"))
        #expect(message.text == "Corpo")
        #expect(message.attachments == [.init(name: "relatório.txt", contentType: "text/plain", size: 9)])
    }
}
