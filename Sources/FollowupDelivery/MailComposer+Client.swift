import FollowupConfig
import FollowupCore
import FollowupMail
import Foundation

extension MailComposer {
    /// The request to the client (§1, §4.4 with `report_to_client: auto`): the partner could not
    /// be brought to the verification, so the client is asked for another way to reach it, or to
    /// contact it directly; on a refusal, that this was the partner's own request is stated first.
    ///
    /// Ordinary correspondence: no `Auto-Submitted`; `Reply-To` and `Cc` the owner when known.
    /// Subject `[FU-12] …`; Message-ID `FU-12.client.<id>@<host>`; `Date` the event's time. The
    /// report goes in `attachments`. `closingNote` ends the message when given: the adapted
    /// `OBS:` note of a case that requests sensitive data from the client (§5 rule 2).
    /// - Throws: ``FollowupMail/MailError`` when the id or host cannot make a Message-ID.
    public static func client(
        _ document: NotificationDocument, id: String, to: MailAddress, from: MailAddress, owner: MailAddress?,
        ownerName: String, host: String, language: ReportSettings.Language, timeZone: TimeZone,
        attachments: [MailAttachment] = [], closingNote: String? = nil
    ) throws -> MailMessage {
        let caseID = document.data.case.flatMap(CaseID.init(parsing:))
        let text =
            document.type == NotificationEvent.handoffCreated.rawValue
            ? HandoffClientText(data: document.data, ownerName: ownerName, language: language).asRequest
            : ClientRequestText(
                data: document.data, ownerName: ownerName, language: language, hasReport: !attachments.isEmpty,
                closingNote: closingNote)
        return MailMessage(
            from: from, to: [to], cc: owner.map { [$0] } ?? [], replyTo: owner.map { [$0] } ?? [],
            subject: tagged(text.subject, caseID), date: document.timestamp, timeZone: timeZone,
            messageID: try messageID(caseID, stage: "client", id: id, host: host), autoSubmitted: false,
            text: text.body.text, html: text.body.html, attachments: attachments)
    }
}

/// The words of a request to the client, in one language.
struct ClientRequestText {
    var subject: String
    var body = MailText()

    /// Empty words under `subject`, for other messages to the client to fill.
    init(subject: String) { self.subject = subject }

    init(
        data: NotificationData, ownerName: String, language: ReportSettings.Language, hasReport: Bool,
        closingNote: String?
    ) {
        let refused = data.reason == ReportReason.partnerRefused.rawValue
        let name = ownerName.trimmingCharacters(in: .whitespaces)
        let attempts = data.attempts ?? 0
        switch language {
        case .ptBR:
            let partner = data.partner ?? "o parceiro"
            subject = "Verificação com \(partner): precisamos da sua ajuda"
            body.add(.paragraph(data.client.map { "Prezado(a) cliente \($0)," } ?? "Prezado(a) cliente,"))
            let about = [data.ticket.map { "chamado \($0)" }, data.subject.map { "\"\($0)\"" }].compactMap { $0 }
            body.add(
                .paragraph(
                    (name.isEmpty ? "Aqui é o suporte técnico." : "Meu nome é \(name), do suporte técnico.")
                        + (about.isEmpty ? "" : " Escrevo sobre o \(about.joined(separator: ", ")).")
                        + " Para concluir o atendimento, precisamos de uma verificação de \(partner)."))
            if refused {
                body.add(
                    .paragraph(
                        "\(partner) recusou-se a tratar o assunto conosco e pediu, por iniciativa própria, "
                            + "que o contato seja feito diretamente pelo cliente. Por isso, pedimos que entre em "
                            + "contato diretamente com \(partner); seguimos à disposição para ajudar no que for preciso."
                    ))
            } else {
                let count = attempts == 1 ? "1 tentativa" : "\(attempts) tentativas"
                let why =
                    data.reason == ReportReason.noInformation.rawValue
                    ? "recebemos apenas confirmações de recebimento, sem a informação necessária"
                    : "não obtivemos retorno"
                body.add(.paragraph("Fizemos \(count) de contato com \(partner) e \(why)."))
                body.add(
                    .paragraph(
                        "Para seguirmos, pedimos que nos indique outra forma de contato com \(partner) "
                            + "(telefone, e-mail ou pessoa responsável) ou, se preferir, que entre em contato "
                            + "diretamente com eles."))
            }
            if hasReport { body.add(.paragraph("O relatório com todas as tentativas de contato segue em anexo.")) }
            body.add(.closing(["Atenciosamente,"] + (name.isEmpty ? [] : [name]) + ["Suporte técnico"]))
        case .en:
            let partner = data.partner ?? "the partner"
            subject = "Verification with \(partner): we need your help"
            body.add(.paragraph("Dear \(data.client ?? "client"),"))
            let about = [data.ticket.map { "ticket \($0)" }, data.subject.map { "\"\($0)\"" }].compactMap { $0 }
            body.add(
                .paragraph(
                    (name.isEmpty ? "This is technical support." : "My name is \(name), from technical support.")
                        + (about.isEmpty ? "" : " I am writing about \(about.joined(separator: ", ")).")
                        + " To complete our work we need a verification from \(partner)."))
            if refused {
                body.add(
                    .paragraph(
                        "\(partner) declined to deal with us and asked, at its own request, to be contacted by "
                            + "you directly. Please get in touch with \(partner) directly; we remain available "
                            + "to help."))
            } else {
                let count = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
                let why =
                    data.reason == ReportReason.noInformation.rawValue
                    ? "received only acknowledgements, without the information needed" : "received no reply"
                body.add(.paragraph("We made \(count) to contact \(partner) and \(why)."))
                body.add(
                    .paragraph(
                        "Could you give us another way to reach \(partner) (phone, e-mail or a contact person), "
                            + "or, if you prefer, contact them directly?"))
            }
            if hasReport { body.add(.paragraph("The report of every contact attempt is attached.")) }
            body.add(.closing(["Kind regards,"] + (name.isEmpty ? [] : [name]) + ["Technical support"]))
        }
        if let note = closingNote?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty {
            body.add(.paragraph(note))
        }
    }
}

/// The words telling a client that the partner company will get in touch (§5 rule 7).
struct HandoffClientText {
    var subject: String
    var body = MailText()

    init(data: NotificationData, ownerName: String, language: ReportSettings.Language) {
        let partner = data.partner ?? (language == .en ? "the partner company" : "a empresa parceira")
        let name = ownerName.trimmingCharacters(in: .whitespaces)
        let ticket = data.ticket
        switch language {
        case .ptBR:
            subject = "\(partner) entrará em contato"
            body.add(.paragraph(data.client.map { "Prezado(a) cliente \($0)," } ?? "Prezado(a) cliente,"))
            body.add(
                .paragraph(
                    "Informamos que a empresa parceira \(partner) entrará em contato com você para dar continuidade "
                        + "ao atendimento" + (ticket.map { " do chamado \($0)" } ?? "") + "."))
            body.add(.paragraph("Seguimos à disposição para o que precisar."))
            body.add(.closing(["Atenciosamente,"] + (name.isEmpty ? [] : [name]) + ["Suporte técnico"]))
        case .en:
            subject = "\(partner) will get in touch"
            body.add(.paragraph(data.client.map { "Dear \($0)," } ?? "Dear client,"))
            body.add(
                .paragraph(
                    "The partner company \(partner) will get in touch with you to continue the support"
                        + (ticket.map { " of ticket \($0)" } ?? "") + "."))
            body.add(.paragraph("We remain at your disposal."))
            body.add(.closing(["Kind regards,"] + (name.isEmpty ? [] : [name]) + ["Technical support"]))
        }
    }

    /// The same words in the shape of a client request.
    var asRequest: ClientRequestText {
        var request = ClientRequestText(subject: subject)
        request.body = body
        return request
    }
}
