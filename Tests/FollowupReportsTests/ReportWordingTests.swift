import FollowupCore
import Foundation
import Testing

@testable import FollowupReports

@Suite struct ReportWordingTests {
    static let instant = Timestamp.parse("2026-11-27T17:05:42Z")!

    @Test(arguments: [
        (DeskLanguage.ptBR, "America/Sao_Paulo", "27/11/2026 14:05"),
        (.en, "America/Sao_Paulo", "2026-11-27 14:05 -03:00"),
        (.ptBR, "UTC", "27/11/2026 17:05"),
        (.en, "Asia/Kolkata", "2026-11-27 22:35 +05:30"),
        (.en, "America/St_Johns", "2026-11-27 13:35 -03:30"),
        (.ptBR, "Pacific/Kiritimati", "28/11/2026 07:05"),
    ])
    func writesTimesInTheZone(language: DeskLanguage, zone: String, expected: String) throws {
        let wording = ReportWording(language: language, timeZone: try #require(TimeZone(identifier: zone)))
        #expect(wording.time(Self.instant) == expected)
    }

    /// The offset is the one in force at that instant (summer time in Lisbon).
    @Test func usesTheOffsetOfTheInstant() throws {
        let wording = ReportWording(language: .en, timeZone: try #require(TimeZone(identifier: "Europe/Lisbon")))
        #expect(wording.time(try #require(Timestamp.parse("2026-07-01T12:00:00Z"))) == "2026-07-01 13:00 +01:00")
        #expect(wording.time(try #require(Timestamp.parse("2026-01-01T12:00:00Z"))) == "2026-01-01 12:00 +00:00")
    }

    @Test func namesChannelsKindsAndReasonsInPortuguese() {
        let words = ReportWording(language: .ptBR, timeZone: ReportFixture.zone)
        #expect(ContactChannel.allCases.map(words.channel) == ["e-mail", "telefone", "portal", "outro"])
        #expect(
            ReturnKind.allCases.map(words.returnKind)
                == ["informação", "confirmação de recebimento", "resposta automática"])
        #expect(words.reason(.noReply) == "sem retorno do parceiro")
        #expect(words.reason(.noInformation) == "o parceiro respondeu, mas não trouxe a informação")
        #expect(words.reason(.partnerRefused).contains("o próprio parceiro pediu"))
        #expect([words.yesNo(true), words.yesNo(false)] == ["sim", "não"])
    }

    @Test func namesChannelsKindsAndReasonsInEnglish() {
        let words = ReportWording(language: .en, timeZone: ReportFixture.zone)
        #expect(ContactChannel.allCases.map(words.channel) == ["e-mail", "phone", "portal", "other"])
        #expect(ReturnKind.allCases.map(words.returnKind) == ["information", "acknowledgement", "automatic reply"])
        #expect(words.reason(.noReply) == "no return from the partner")
        #expect([words.yesNo(true), words.yesNo(false)] == ["yes", "no"])
    }

    /// Without a partner's name the sentences still read well (no doubled spaces).
    @Test(arguments: DeskLanguage.allCases)
    func writesSentencesWithoutAPartnerName(language: DeskLanguage) {
        let words = ReportWording(language: language, timeZone: ReportFixture.zone)
        let sentences = [
            words.refusalNotice(partner: nil), words.nextStep(.anotherRouteOrDirectContact, partner: nil),
            words.nextStep(.contactPartnerDirectly, partner: nil),
        ]
        for sentence in sentences {
            #expect(!sentence.contains("  ") && !sentence.contains(" ,") && sentence.hasSuffix("."), "\(sentence)")
        }
        #expect(
            words.refusalNotice(partner: "SIEG")
                == (language == .ptBR
                    ? "ATENÇÃO: o próprio parceiro SIEG pediu que o cliente entre em contato diretamente com ele."
                    : "ATTENTION: the partner SIEG itself asked that the client contact it directly."))
    }

    @Test func escapesMarkdown() {
        let escaped = MarkdownEscaping().escapeText("a|b *c* <d@e> \\ _f_ [g](h) `i` ~j~\nk\r\nl")
        #expect(escaped == #"a\|b \*c\* \<d@e\> \\ \_f\_ \[g\](h) \`i\` \~j\~ k l"#)
        #expect(
            MarkdownEscaping().escapeText("Padaria Pão Quente Ltda — SSC-48213")
                == "Padaria Pão Quente Ltda — SSC-48213")
    }

    @Test(arguments: [
        (ReportFormat.text, "txt", "text/plain; charset=utf-8"),
        (.md, "md", "text/markdown; charset=utf-8"),
        (.html, "html", "text/html; charset=utf-8"),
        (.json, "json", "application/json"),
    ])
    func describesFormats(format: ReportFormat, fileExtension: String, mimeType: String) {
        #expect(format.fileExtension == fileExtension)
        #expect(format.mimeType == mimeType)
        #expect(ReportFormat(rawValue: format.rawValue) == format)
    }

    @Test func takesTheAPIFormatNames() {
        #expect(ReportFormat.allCases.map(\.rawValue) == ["text", "md", "html", "json"])
        #expect(ReportFormat(rawValue: "markdown") == nil)
    }
}
