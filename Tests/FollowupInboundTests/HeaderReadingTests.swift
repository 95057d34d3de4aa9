import FollowupInbound
import Foundation
import Testing

@Suite("Header fields: folding, encoded words, addresses, dates, ids")
struct HeaderReadingTests {
    static func subject(_ raw: String) throws -> String {
        try InboundMessage.parse(rawMail("From: a@b.example", "Subject: " + raw, "", "x")).subject
    }

    @Test(
        "encoded words in B and Q, in several charsets; adjacent words joined without the space between",
        arguments: [
            (
                "=?UTF-8?Q?Verifica=C3=A7?= =?UTF-8?Q?=C3=A3o?= da =?ISO-8859-1?Q?integra=E7=E3o?=",
                "Verificação da integração"
            ),
            ("=?utf-8?b?w6c=?=\r\n =?utf-8?b?w6M=?=", "çã"),
            ("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A7?=", "ç"),
            ("=?windows-1252?Q?=80_100=2C00_=93ok=94?=", "€ 100,00 “ok”"),
            ("=?iso-8859-1?q?S=E3o_Paulo?=", "São Paulo"),
            ("=?us-ascii?Q?plain_text?=", "plain text"),
            ("=?ISO-8859-15?Q?=A4?=", "€"),
            ("=?x-unknown?Q?caf=E9?=", "café"),
            ("=?UTF-8*pt-BR?Q?ol=C3=A1?=", "olá"),
            ("Re: [FU-12] =?UTF-8?B?UmVlbnZpbw==?= de novo", "Re: [FU-12] Reenvio de novo"),
            ("=?UTF-8?Q?broken", "=?UTF-8?Q?broken"),
            ("=?UTF-8?X?what?=", "=?UTF-8?X?what?="),
            ("=?UTF-8?B?!!!?=", ""),
            ("folded\r\n\tsubject\r\n  line", "folded subject line"),
        ])
    func encodedWords(raw: String, decoded: String) throws {
        #expect(try Self.subject(raw) == decoded)
    }

    @Test("NUL and other control characters, raw or encoded, never reach a header value, an id or an address")
    func controlCharacters() throws {
        let message = try InboundMessage.parse(
            rawMail(
                "From: =?utf-8?q?Jo=00=C3=A3o=1B=5B2J?= <jo\u{0}ao@sieg.example>",
                "Subject: Re: [FU-1] Nota\u{0}fiscal =?utf-8?q?=00=07=7F=C2=9B?=\rfim",
                "Message-ID: <abc\u{0}def@sieg.example>", "In-Reply-To: <FU-1.x\u{1}@desk.example>",
                "References: <r\u{0}1@x.example> <r2@x.example\u{7F}>", "X-Odd: a\u{0}b\tc", "", "Corpo"))
        #expect(message.messageID == "abcdef@sieg.example")
        #expect(message.inReplyTo == ["FU-1.x@desk.example"])
        #expect(message.references == ["r1@x.example", "r2@x.example"])
        #expect(message.subject == "Re: [FU-1] Nota fiscal fim")
        #expect(message.header("X-Odd") == "a b c")
        let from = try #require(message.from.first)
        #expect(from.name == "Jo ão [2J")
        #expect(!from.address.unicodeScalars.contains { $0.value < 0x20 })
        let values = message.headers.flatMap { [$0.value, $0.rawValue] } + message.threadIDs + [from.address]
        for value in values {
            #expect(!value.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(value)")
        }
    }

    @Test("bare LF line ends, junk lines, an mbox From_ line and 8-bit headers are tolerated")
    func tolerance() throws {
        let text =
            "From sender@x Thu Feb 13 14:05:09 2025\nReceived: from mx\n by mx.example\nthis line is junk\n"
            + "From: João <JOAO@X.example>\nSubject: Olá\n\tcontinuação\n\nCorpo\n"
        let message = try InboundMessage.parse(Data(text.utf8))
        #expect(message.subject == "Olá continuação")
        #expect(message.from == [.init(address: "joao@x.example", name: "João")])
        #expect(message.text == "Corpo")
        #expect(message.header("received") == "from mx by mx.example")
        var latin1 = Data("From: a@x.example\nSubject: ".utf8)
        latin1.append(contentsOf: [0x41, 0xE7, 0xE3, 0x6F])
        latin1.append(contentsOf: Array("\n\nx".utf8))
        #expect(try InboundMessage.parse(latin1).subject == "Ação")
    }

    @Test("address lists: names quoted or encoded, comments, groups, routes, commas in names")
    func addresses() throws {
        let message = try InboundMessage.parse(
            rawMail(
                "From: \"Silva, João\" <Joao@SIEG.example>",
                "To: =?UTF-8?Q?Jos=C3=A9?= <jose@x.example>, plain@x.example (Plain Person),",
                " Equipe: ana@x.example, \"Bia \\\"B\\\"\" <bia@x.example>;, <@relay.example:route@x.example>",
                "Cc: Souza, Carla <carla@x.example>, undisclosed-recipients:;",
                "Reply-To: \"=?utf-8?q?Jo=C3=A3o?=\" <reply@x.example>",
                "Subject: x", "", "x"))
        #expect(message.from == [.init(address: "joao@sieg.example", name: "Silva, João")])
        #expect(
            message.to == [
                .init(address: "jose@x.example", name: "José"),
                .init(address: "plain@x.example", name: "Plain Person"),
                .init(address: "ana@x.example"),
                .init(address: "bia@x.example", name: "Bia \"B\""),
                .init(address: "route@x.example"),
            ])
        #expect(message.cc == [.init(address: "carla@x.example", name: "Souza, Carla")])
        #expect(message.replyTo == [.init(address: "reply@x.example", name: "João")])
        #expect(message.from.first?.domain == "sieg.example")
    }

    @Test(
        "dates in the forms mail clients write",
        arguments: [
            ("Thu, 13 Feb 2025 14:05:09 -0300", 1_739_466_309.0),
            ("13 Feb 2025 14:05:09 -0300", 1_739_466_309.0),
            ("Thu, 13 Feb 2025 17:05:09 +0000 (UTC)", 1_739_466_309.0),
            ("Thu, 13 Feb 25 17:05:09 GMT", 1_739_466_309.0),
            ("Thu, 13 Feb 2025 14:05:09 BRT", 1_739_466_309.0),
            ("Thu, 13 Feb 2025 17:05 +0000", 1_739_466_300.0),
            ("Thu Feb 13 17:05:09 2025", 1_739_466_309.0),
            ("2025-02-13T14:05:09-03:00", 1_739_466_309.0),
            ("qui, 13 fev 2025 14:05:09 -0300", 1_739_466_309.0),
        ])
    func dates(text: String, seconds: Double) throws {
        let message = try InboundMessage.parse(rawMail("From: a@b.example", "Date: " + text, "", "x"))
        #expect(message.date?.timeIntervalSince1970 == seconds, "\(text)")
    }

    @Test("unreadable dates are nil, not a guess", arguments: ["yesterday", "", "32 Foo 2025 25:61:00", "13 Feb 2025"])
    func badDates(text: String) throws {
        let message = try InboundMessage.parse(rawMail("From: a@b.example", "Date: " + text, "", "x"))
        #expect(message.date == nil)
    }

    @Test("message ids: brackets removed, comments and junk ignored, thread ids deduplicated in order")
    func messageIDs() throws {
        let message = try InboundMessage.parse(
            rawMail(
                "From: a@b.example", "Message-ID: <abc@x.example> (comment)",
                "In-Reply-To: <FU-3.resend.1@desk.example> (Suporte's message of 13 Feb)",
                "References: <first@x.example>\r\n <FU-3.resend.1@desk.example>\r\n\t<second@x.example>",
                "", "x"))
        #expect(message.messageID == "abc@x.example")
        #expect(message.inReplyTo == ["FU-3.resend.1@desk.example"])
        #expect(message.references == ["first@x.example", "FU-3.resend.1@desk.example", "second@x.example"])
        #expect(message.threadIDs == ["FU-3.resend.1@desk.example", "first@x.example", "second@x.example"])
        let bare = try InboundMessage.parse(rawMail("From: a@b.example", "Message-ID: naked@x.example", "", "x"))
        #expect(bare.messageID == "naked@x.example")
    }

    @Test("the raw header list keeps every field in order with decoded and undecoded values")
    func headerList() throws {
        let message = try InboundMessage.parse(
            rawMail("From: a@b.example", "X-Tag: =?UTF-8?Q?a=C3=A7=C3=A3o?=", "x-tag: second", "", "x"))
        #expect(message.headers.map(\.name) == ["From", "X-Tag", "x-tag"])
        #expect(message.headers(named: "X-TAG") == ["ação", "second"])
        #expect(message.headers[1].rawValue == "=?UTF-8?Q?a=C3=A7=C3=A3o?=")
    }
}
