import FollowupConfig
import FollowupCore
import FollowupMail
import Foundation

extension MailComposer {
    /// The evaluation request sent again to the partner (§4.3): ordinary correspondence in the
    /// original thread.
    ///
    /// To the partner's addresses; `Reply-To` and `Cc` the owner when `owner` is known;
    /// Subject `Re: <subject> [FU-12]` (neither added twice); `In-Reply-To` and `References`
    /// from the document (ids with or without angle brackets; one that is not a usable
    /// Message-ID is left out, which only loosens the threading); Message-ID the document's,
    /// or `FU-12.resend.<id>@<host>` when it has none. The body introduces the sender as the
    /// support technician `ownerName`, restates the verification needed, the attempt number and
    /// when the first request went out (in `timeZone`). `Date` is when the resend was queued.
    /// - Throws: ``FollowupMail/MailError`` when a partner address or the Message-ID is not usable.
    public static func partnerResend(
        _ document: PartnerMailDocument, id: String, from: MailAddress, owner: MailAddress?, ownerName: String,
        host: String, language: ReportSettings.Language, timeZone: TimeZone
    ) throws -> MailMessage {
        let caseID = CaseID(parsing: document.case)
        let to = try document.to.map { try MailAddress(parsing: $0) }
        let messageID =
            document.messageID.trimmingCharacters(in: .whitespaces).isEmpty
            ? try Self.messageID(caseID, stage: "resend", id: id, host: host)
            : try MailMessageID(document.messageID)
        let references = document.references.compactMap { try? MailMessageID($0) }
        let inReplyTo = document.inReplyTo.flatMap { try? MailMessageID($0) }
        let text = PartnerResendText(document: document, ownerName: ownerName, language: language, timeZone: timeZone)
        return MailMessage(
            from: from, to: to, cc: owner.map { [$0] } ?? [], replyTo: owner.map { [$0] } ?? [],
            subject: document.isFirstRequest
                ? taggedSubject(document.subject, caseID) : replySubject(document.subject, caseID),
            date: document.queuedAt, timeZone: timeZone,
            messageID: messageID, inReplyTo: inReplyTo, references: references, autoSubmitted: false,
            text: text.body.text, html: text.body.html)
    }

    /// `<subject> [FU-12]` (the first request), adding the tag only when missing.
    static func taggedSubject(_ subject: String, _ caseID: CaseID?) -> String {
        var text = subject.trimmingCharacters(in: .whitespacesAndNewlines)
        if let caseID, !text.contains(caseID.tag) { text += text.isEmpty ? caseID.tag : " \(caseID.tag)" }
        return text
    }

    /// `Re: <subject> [FU-12]`, adding neither when already there.
    static func replySubject(_ subject: String, _ caseID: CaseID?) -> String {
        var text = subject.trimmingCharacters(in: .whitespacesAndNewlines)
        if let caseID, !text.contains(caseID.tag) { text += text.isEmpty ? caseID.tag : " \(caseID.tag)" }
        if !text.lowercased().hasPrefix("re:") { text = "Re: " + text }
        return text
    }
}

/// The words of a partner resend, in one language.
struct PartnerResendText {
    var body = MailText()

    init(document: PartnerMailDocument, ownerName: String, language: ReportSettings.Language, timeZone: TimeZone) {
        let partner = document.partner.trimmingCharacters(in: .whitespaces)
        let first = document.firstRequestAt.map { DeskTime.format($0, language: language, timeZone: timeZone) }
        let tag = CaseID(parsing: document.case)?.tag ?? document.case
        let name = ownerName.trimmingCharacters(in: .whitespaces)
        switch language {
        case .ptBR:
            body.add(.paragraph(partner.isEmpty ? "Prezados(as)," : "Prezados(as) da equipe \(partner),"))
            let purpose =
                document.isFirstRequest
                ? "Escrevo para pedir a avaliação de vocês sobre a solicitação abaixo."
                : "Escrevo novamente sobre a solicitação abaixo, que ainda aguarda o retorno de vocês."
            body.add(
                .paragraph(
                    (name.isEmpty ? "Somos" : "Meu nome é \(name) e sou")
                        + " do suporte técnico responsável pelo atendimento ao nosso cliente \(document.client). "
                        + purpose))
            body.add(.list("Verificação necessária:", [document.verification]))
            if !document.isFirstRequest {
                let when = first.map { "; a primeira solicitação foi enviada em \($0)" } ?? ""
                body.add(.paragraph("Esta é a tentativa nº \(document.attempt) de contato\(when)."))
            }
            body.add(
                .paragraph(
                    "Pedimos, por gentileza, que respondam a este e-mail mantendo o código \(tag) no assunto. "
                        + "Ficamos no aguardo do retorno."))
            body.add(.closing(["Atenciosamente,"] + (name.isEmpty ? [] : [name]) + ["Suporte técnico"]))
        case .en:
            body.add(.paragraph(partner.isEmpty ? "Hello," : "Hello \(partner) team,"))
            let purpose =
                document.isFirstRequest
                ? "I am writing to ask for your evaluation of the request below."
                : "I am writing again about the request below, which is still awaiting your reply."
            body.add(
                .paragraph(
                    (name.isEmpty ? "We are" : "My name is \(name), and I am")
                        + " with the support team serving our client \(document.client). " + purpose))
            body.add(.list("Verification needed:", [document.verification]))
            if !document.isFirstRequest {
                let when = first.map { "; the first request was sent on \($0)" } ?? ""
                body.add(.paragraph("This is contact attempt no. \(document.attempt)\(when)."))
            }
            body.add(
                .paragraph("Please reply to this e-mail keeping \(tag) in the subject. We look forward to your reply."))
            body.add(.closing(["Kind regards,"] + (name.isEmpty ? [] : [name]) + ["Technical support"]))
        }
    }
}
