import FollowupCore
import FollowupReports
import Foundation
import Testing

/// The client's report: what was said in each attempt and return, and nothing of the desk's
/// internals; internal notes and a sensitive case's notes kept out.
@Suite struct ClientReportTests {
    static let formats: [ReportFormat] = [.text, .md, .html, .json]
    static let cases = ReportFixture.all.flatMap { fixture in
        DeskLanguage.allCases.flatMap { language in formats.map { (fixture, language, $0) } }
    }

    /// The report as a person reads it: HTML through Python's parser (entities decoded), Markdown
    /// with its escaping backslashes taken out, JSON decoded back to text.
    static func readable(
        _ document: ReportDocument, _ language: DeskLanguage, _ format: ReportFormat, for audience: ReportAudience
    ) throws -> String {
        let renderer = try ReportRenderer(language: language, timeZone: ReportFixture.zone)
        let bytes = try renderer.render(document, as: format, for: audience)
        switch format {
        case .html: return try HTMLReportTests.parse(bytes).text
        case .md:
            return String(decoding: bytes, as: UTF8.self).replacingOccurrences(
                of: #"\\([\\`*_\[\]<>|~])"#, with: "$1", options: .regularExpression)
        case .json:
            let object = try JSONSerialization.jsonObject(with: bytes)
            return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
                .replacingOccurrences(of: #"\/"#, with: "/")
        case .text: return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Every login name a fixture knows: who sent, who wrote notes, the owner, the daemon.
    static func logins(_ document: ReportDocument) -> Set<String> {
        Set(document.attempts.map(\.by) + (document.notes ?? []).map(\.by) + [document.owner, "followupd"])
    }

    @Test(arguments: cases)
    func carriesEveryNoteTheClientMayRead(fixture: ReportFixture, language: DeskLanguage, format: ReportFormat)
        throws
    {
        let report = try Self.readable(fixture.document, language, format, for: .client)
        let notes = fixture.document.notes ?? []
        for note in notes where !note.isInternal {
            let text = format == .md ? note.text.replacingOccurrences(of: "\n", with: " ") : note.text
            #expect(report.contains(text), "\(note.kind) note \(note.seq) missing")
        }
        for note in notes where note.isInternal {
            #expect(!report.contains(note.text), "internal note \(note.seq) reached the client")
        }
        if let desk = fixture.document.desk {
            for part in [desk.company, desk.technician, desk.email, desk.phone].compactMap({ $0 }) {
                #expect(report.contains(part), "\(part) missing")
            }
        }
        #expect(report.contains(fixture.document.verification))
    }

    @Test(arguments: cases)
    func showsNoneOfTheDesksInternals(fixture: ReportFixture, language: DeskLanguage, format: ReportFormat) throws {
        let document = fixture.document
        let report = try Self.readable(document, language, format, for: .client)
        for case let messageID? in document.attempts.map(\.messageID) {
            #expect(!report.contains(messageID), "\(messageID) shown")
            #expect(!report.contains(messageID.dropFirst().dropLast()), "\(messageID) shown")
        }
        #expect(!report.lowercased().contains("message-id") && !report.contains("message_id"))
        for login in Self.logins(document) {
            #expect(
                report.range(of: #"(?<![\w.@])\#(login)(?![\w@])"#, options: .regularExpression) == nil,
                "login \(login) shown")
        }
        #expect(!report.contains(document.id), "the report's id shown")
        #expect(!report.contains(document.caseID.description), "the case's internal id shown")
        #expect(!report.contains("\"failed\"") && !report.contains("Falhou") && !report.contains("Failed"))
        #expect(!report.contains("followupctl"))
        // A failed attempt is not claimed as sent.
        for attempt in document.attempts where attempt.failed {
            let tried = language == .ptBR ? "Tentamos" : "We tried"
            if format != .json { #expect(report.contains(tried)) }
        }
    }

    /// A refusal is quoted as the partner's own request, in the partner's words.
    @Test(arguments: DeskLanguage.allCases)
    func quotesARefusalAsThePartnersRequest(language: DeskLanguage) throws {
        let fixture = ReportFixture.partnerRefused
        let refusal = try #require(fixture.document.notes?.first { $0.kind == .refusal })
        for format in [ReportFormat.text, .md, .html] {
            let report = try Self.readable(fixture.document, language, format, for: .client)
            let request = language == .ptBR ? "Este pedido é do próprio parceiro" : "This is the partner's own request"
            let notice = try #require(report.range(of: request), "\(format)")
            let words = try #require(report.range(of: refusal.text), "\(format)")
            #expect(notice.lowerBound < words.lowerBound)
            // Both come before the list of attempts.
            let attempts = language == .ptBR ? "tentativas de contato (" : "contact attempts ("
            let list = try #require(report.range(of: attempts, options: .caseInsensitive), "\(format)")
            #expect(words.upperBound < list.lowerBound, "\(format)")
        }
    }

    /// The desk's report keeps every note, an internal one marked as such.
    @Test(arguments: DeskLanguage.allCases)
    func theDesksReportKeepsEveryNote(language: DeskLanguage) throws {
        for fixture in ReportFixture.all {
            for format in [ReportFormat.text, .html, .json] {
                let report = try Self.readable(fixture.document, language, format, for: .desk)
                for note in fixture.document.notes ?? [] {
                    #expect(report.contains(note.text), "\(fixture.name) \(format): note \(note.seq) missing")
                }
            }
        }
        let report = try Self.readable(ReportFixture.noInformation.document, language, .text, for: .desk)
        #expect(report.contains(language == .ptBR ? "(interna: não vai ao cliente)" : "(internal: not for the client)"))
    }

    /// Notes recorded on a case flagged sensitive reach no report, for either audience; the
    /// client's says the technician has the details. An internal note never reaches the client.
    @Test(arguments: DeskLanguage.allCases)
    func keepsInternalAndSensitiveNotesOut(language: DeskLanguage) throws {
        let said = "Liguei para o suporte; a senha do certificado é 1234"
        let answered = "Estão verificando a liberação do CNPJ"
        let kept = "Cliente insatisfeito: tratar com cuidado"
        let open = "Cliente avisado de que seguimos aguardando"
        func report(sensitive: [SensitiveData]) throws -> ReportDocument {
            var env = CaseEnvironment(
                now: ReportFixture.at("2026-11-23T09:00:00-03:00"), by: "ana.souza", makeID: { "r-1" })
            var subject = try CaseMachine.open(
                NewCase(
                    client: Client(name: "Padaria Pão Quente"), partner: PartnerContact(name: "SIEG"),
                    subject: "NF-e", verification: "Liberar o CNPJ", owner: "ana.souza", sensitive: sensitive,
                    channel: .phone),
                id: CaseID(5), in: env
            ).case
            env.now = env.now.addingTimeInterval(3600)
            let commands: [CaseCommand] = [
                .contactSent(ContactRecord(channel: .phone, note: said)),
                .partnerReplied(kind: .ack, at: nil, note: answered),
                .addNote(kept, internal: true),
                .addNote(open),
            ]
            for command in commands { subject = try CaseMachine.apply(command, to: subject, in: env).case }
            #expect(subject.recordedNotes.count == 4, "the case keeps every note in the database")
            return ReportDocument(id: "r-1", of: subject, reason: .noInformation, generatedAt: env.now)
        }
        let plain = try report(sensitive: [])
        let sensitive = try report(sensitive: [.password])
        #expect(sensitive.notes == [])
        for format in Self.formats {
            let client = try Self.readable(plain, language, format, for: .client)
            #expect(client.contains(said) && client.contains(answered) && client.contains(open), "\(format)")
            #expect(!client.contains(kept), "\(format): the internal note reached the client")
            let desk = try Self.readable(plain, language, format, for: .desk)
            #expect(desk.contains(kept), "\(format): the desk's report lost the internal note")
            for audience in ReportAudience.allCases {
                let text = try Self.readable(sensitive, language, format, for: audience)
                for note in [said, answered, kept, open] {
                    #expect(!text.contains(note), "\(format) \(audience): a sensitive case's note is in the report")
                }
            }
            if format != .json {
                let client = try Self.readable(sensitive, language, format, for: .client)
                #expect(client.contains(language == .ptBR ? "técnico responsável" : "technician in charge"))
            }
        }
    }
}
