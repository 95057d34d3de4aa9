import FollowupCore
import Foundation
import Testing

/// The fixed documents every rendering test uses: one per kind of report, with notes of every
/// kind (one internal) and the desk's identity in full, in part, and absent (a report issued
/// before it was recorded).
struct ReportFixture: Sendable, CustomTestStringConvertible {
    /// The golden files' base name: `no_reply`, `no_information`, `partner_refused`, `sensitive`.
    var name: String
    var document: ReportDocument

    var testDescription: String { name }

    static let all = [noReply, noInformation, partnerRefused, sensitive]

    /// The desk's zone: every time in the pt-BR and en reports is written in it.
    static let zone = TimeZone(identifier: "America/Sao_Paulo")!

    /// An instant written as RFC 3339 with the desk's offset.
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }

    /// No return at 72 h; the daemon's resend bounced.
    static let noReply = ReportFixture(
        name: "no_reply",
        document: document(
            id: "3f9a1c52-6d1e-4b0a-9f43-2c8e7d5b1a01", case: 12, reason: .noReply,
            generatedAt: "2026-11-26T09:00:00-03:00",
            client: Client(name: "Padaria Pão Quente Ltda", email: "dono@paoquente.example", ticket: "SSC-48213"),
            partner: PartnerContact(name: "SIEG", emails: ["suporte@sieg.example"]),
            subject: "NF-e de entrada não baixadas desde 20/11",
            verification:
                "Confirmar se o certificado A1 do cliente está válido na integração SIEG e por que as NF-e de "
                + "entrada deixaram de ser baixadas.",
            owner: "ana.souza",
            attempts: [
                Attempt(
                    number: 1, at: at("2026-11-23T09:00:00-03:00"), channel: .email, by: "ana.souza",
                    to: ["suporte@sieg.example"], messageID: "<fu-12.1@suporte.dominio.example>"),
                Attempt(
                    number: 2, at: at("2026-11-24T09:00:00-03:00"), channel: .email, by: "followupd",
                    to: ["suporte@sieg.example"], messageID: "<fu-12.2@suporte.dominio.example>", failed: true),
            ],
            returns: [],
            notes: [
                CaseNote(
                    seq: 1, kind: .contact, at: at("2026-11-23T09:00:00-03:00"), by: "ana.souza",
                    text: "Pedido de verificação do certificado A1 e do download das NF-e de entrada.", attempt: 1),
                CaseNote(
                    seq: 4, kind: .note, at: at("2026-11-25T10:00:00-03:00"), by: "ana.souza",
                    text: "Cliente avisado por telefone de que seguimos aguardando a SIEG."),
            ],
            desk: .init(
                company: "Domínio Sistemas", technician: "Ana Souza", email: "asouza@dominio.example",
                phone: "+55 11 4004-0000")))

    /// Only an acknowledgement and an auto-reply came back; the client's name and the subject
    /// carry characters HTML and Markdown would read as markup.
    static let noInformation = ReportFixture(
        name: "no_information",
        document: document(
            id: "8b2e4f10-93c7-4d5e-a1b2-c3d4e5f60718", case: 27, reason: .noInformation,
            generatedAt: "2026-11-25T14:30:00-03:00",
            client: Client(name: "Silva & Filhos Comércio de Alimentos <Matriz>", ticket: "SSC-50102"),
            partner: PartnerContact(
                name: "Fiscosoft", emails: ["atendimento@fiscosoft.example", "n2@fiscosoft.example"]),
            subject: "Divergência de CFOP no XML | notas de devolução *urgente*",
            verification: "Verificar por que o XML importado traz CFOP 5.202 em vez de 1.202 nas notas de devolução.",
            owner: "carlos_lima",
            attempts: [
                Attempt(
                    number: 1, at: at("2026-11-20T14:30:00-03:00"), channel: .email, by: "carlos_lima",
                    to: ["atendimento@fiscosoft.example", "n2@fiscosoft.example"],
                    messageID: "<fu-27.1@suporte.dominio.example>"),
                Attempt(number: 2, at: at("2026-11-21T10:15:00-03:00"), channel: .phone, by: "carlos_lima"),
                Attempt(
                    number: 3, at: at("2026-11-21T14:30:00-03:00"), channel: .email, by: "followupd",
                    to: ["atendimento@fiscosoft.example", "n2@fiscosoft.example"],
                    messageID: "<fu-27.3@suporte.dominio.example>"),
            ],
            returns: [
                PartnerReturn(seq: 5, at: at("2026-11-21T16:02:00-03:00"), kind: .ack),
                PartnerReturn(seq: 6, at: at("2026-11-22T08:00:00-03:00"), kind: .auto),
            ],
            notes: [
                CaseNote(
                    seq: 2, kind: .contact, at: at("2026-11-21T10:15:00-03:00"), by: "carlos_lima",
                    text: "Liguei para o suporte da Fiscosoft; pediram para aguardar o retorno do N2.", attempt: 2),
                CaseNote(
                    seq: 5, kind: .partnerReturn, at: at("2026-11-21T16:02:00-03:00"), by: "carlos_lima",
                    text: "Estão verificando a regra de CFOP <devolução> & retorno no importador."),
                CaseNote(
                    seq: 7, kind: .note, at: at("2026-11-22T09:00:00-03:00"), by: "carlos_lima",
                    text: "Cliente insatisfeito; não prometer prazo.", isInternal: true),
            ],
            desk: .init(company: "Domínio Sistemas", email: "suporte@dominio.example")))

    /// The partner itself asked the client to contact it directly.
    static let partnerRefused = ReportFixture(
        name: "partner_refused",
        document: document(
            id: "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f", case: 31, reason: .partnerRefused,
            generatedAt: "2026-11-25T11:25:00-03:00",
            client: Client(name: "Contabilidade Horizonte S/S", ticket: "SSC-50877"),
            partner: PartnerContact(name: "SIEG", emails: ["suporte@sieg.example"]),
            subject: "Integração de XML bloqueada para o CNPJ do cliente",
            verification: "Liberar a integração de XML para o CNPJ 12.345.678/0001-90 no portal SIEG.",
            owner: "joana.prado",
            attempts: [
                Attempt(
                    number: 1, at: at("2026-11-24T10:00:00-03:00"), channel: .email, by: "joana.prado",
                    to: ["suporte@sieg.example"], messageID: "<fu-31.1@suporte.dominio.example>"),
                Attempt(number: 2, at: at("2026-11-24T15:40:00-03:00"), channel: .portal, by: "joana.prado"),
            ],
            returns: [PartnerReturn(seq: 4, at: at("2026-11-25T11:20:00-03:00"), kind: .info)],
            notes: [
                CaseNote(
                    seq: 3, kind: .contact, at: at("2026-11-24T15:40:00-03:00"), by: "joana.prado",
                    text: "Chamado 88231 aberto no portal pedindo a liberação do CNPJ.", attempt: 2),
                CaseNote(
                    seq: 4, kind: .partnerReturn, at: at("2026-11-25T11:20:00-03:00"), by: "joana.prado",
                    text: "A liberação do CNPJ só pode ser pedida pelo titular da conta."),
                CaseNote(
                    seq: 5, kind: .refusal, at: at("2026-11-25T11:25:00-03:00"), by: "joana.prado",
                    text: "A SIEG só trata a liberação diretamente com o cliente, pelo telefone 0800 000 0000."),
            ],
            desk: .init(
                company: "Domínio Sistemas", technician: "Joana Prado", email: "jprado@dominio.example",
                phone: "(11) 4004-0012")))

    /// A case asking the client for a password and a certificate: its notes stay out of the report.
    /// The partner has no address and the client no ticket.
    static let sensitive = ReportFixture(
        name: "sensitive",
        document: document(
            id: "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d", case: 40, reason: .noReply,
            generatedAt: "2026-11-26T16:00:00-03:00",
            client: Client(name: "Auto Peças Rodovia Ltda"),
            partner: PartnerContact(name: "NFe Fácil Sistemas"),
            subject: "Senha do certificado digital para reinstalação",
            verification:
                "Confirmar com o parceiro se a senha do certificado enviada pelo cliente foi aplicada no servidor.",
            owner: "marcos.teixeira",
            attempts: [
                Attempt(number: 1, at: at("2026-11-23T16:00:00-03:00"), channel: .phone, by: "marcos.teixeira"),
                Attempt(number: 2, at: at("2026-11-24T16:00:00-03:00"), channel: .other, by: "marcos.teixeira"),
            ],
            returns: [],
            sensitive: [.password, .certificate]))

    /// A report document made the way the desk makes it (from an opened case), then given the
    /// fixture's attempts and returns.
    static func document(
        id: String, case number: Int64, reason: ReportReason, generatedAt: String, client: Client,
        partner: PartnerContact?, subject: String, verification: String, owner: String, attempts: [Attempt],
        returns: [PartnerReturn], sensitive: [SensitiveData] = [], notes: [CaseNote] = [],
        desk: ReportDocument.DeskContact? = nil
    ) -> ReportDocument {
        let first = attempts[0]
        let opening = NewCase(
            client: client, partner: partner, subject: subject, verification: verification, owner: owner,
            sensitive: sensitive, sentAt: first.at, messageID: first.messageID, channel: first.channel)
        let env = CaseEnvironment(now: first.at, by: first.by, mailHost: "suporte.dominio.example", makeID: { id })
        let opened = try! CaseMachine.open(opening, id: CaseID(number), in: env).case
        var document = ReportDocument(id: id, of: opened, reason: reason, generatedAt: at(generatedAt), desk: desk)
        document.attempts = attempts
        document.returns = returns
        // A sensitive case's report carries no note (the document is made so; see the report tests).
        document.notes = sensitive.isEmpty ? notes : []
        return document
    }
}
