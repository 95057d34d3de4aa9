import FollowupCore
import Foundation

// The client's report in the client's words: sentences, not tables; the desk as "we".
extension ReportWording {
    /// One attempt as a sentence. A failed attempt is said as tried, never as sent.
    func attemptSentence(_ attempt: Attempt, partner name: String?) -> String {
        let partner = name ?? (language == .ptBR ? "o parceiro" : "the partner")
        let to = attempt.to.joined(separator: ", ")
        let resend = attempt.by == CaseEnvironment.daemon && attempt.number > 1
        switch (language, attempt.channel, attempt.failed) {
        case (.ptBR, .email, false):
            return resend ? "Reenviamos a solicitação por e-mail para \(to)." : "Enviamos e-mail para \(to)."
        case (.ptBR, .email, true): return "Tentamos enviar e-mail para \(to)."
        case (.ptBR, .phone, false): return "Ligamos para \(partner)\(detail(to))."
        case (.ptBR, .phone, true): return "Tentamos ligar para \(partner)\(detail(to))."
        case (.ptBR, .portal, false): return "Registramos a solicitação no portal de \(partner)."
        case (.ptBR, .portal, true): return "Tentamos registrar a solicitação no portal de \(partner)."
        case (.ptBR, .other, false): return "Entramos em contato com \(partner)\(detail(to))."
        case (.ptBR, .other, true): return "Tentamos contato com \(partner)\(detail(to))."
        case (.en, .email, false):
            return resend ? "We sent the request again by e-mail to \(to)." : "We sent an e-mail to \(to)."
        case (.en, .email, true): return "We tried to send an e-mail to \(to)."
        case (.en, .phone, false): return "We called \(partner)\(detail(to))."
        case (.en, .phone, true): return "We tried to call \(partner)\(detail(to))."
        case (.en, .portal, false): return "We opened a request on \(partner)'s portal."
        case (.en, .portal, true): return "We tried to open a request on \(partner)'s portal."
        case (.en, .other, false): return "We contacted \(partner)\(detail(to))."
        case (.en, .other, true): return "We tried to contact \(partner)\(detail(to))."
        }
    }

    private func detail(_ to: String) -> String { to.isEmpty ? "" : " (\(to))" }

    /// One return as a sentence: what kind of answer came back.
    func returnSentence(_ kind: ReturnKind, partner name: String?) -> String {
        let partner = name ?? (language == .ptBR ? "O parceiro" : "The partner")
        switch (language, kind) {
        case (.ptBR, .info): return "\(partner) respondeu com informações."
        case (.ptBR, .ack): return "\(partner) confirmou o recebimento e informou que está verificando."
        case (.ptBR, .auto): return "\(partner) enviou uma resposta automática."
        case (.en, .info): return "\(partner) replied with information."
        case (.en, .ack): return "\(partner) acknowledged our request and said it is looking into it."
        case (.en, .auto): return "\(partner) sent an automatic reply."
        }
    }

    /// Where the case stands, in one sentence the client reads first.
    func status(_ reason: ReportReason, partner name: String?) -> String {
        let partner = name ?? (language == .ptBR ? "O parceiro" : "The partner")
        switch (language, reason) {
        case (.ptBR, .noReply): return "\(partner) não respondeu às nossas tentativas de contato."
        case (.ptBR, .noInformation):
            return "\(partner) respondeu, mas ainda não trouxe a informação necessária."
        case (.ptBR, .partnerRefused):
            return "A verificação não pode seguir por nosso intermédio, por decisão "
                + (name.map { "de \($0)." } ?? "do parceiro.")
        case (.en, .noReply): return "\(partner) has not answered our contact attempts."
        case (.en, .noInformation): return "\(partner) replied, but has not yet brought the information needed."
        case (.en, .partnerRefused):
            return "The verification cannot go on through us, by " + (name.map { "\($0)'s" } ?? "the partner's")
                + " decision."
        }
    }

    /// The notice a refusal opens with, in the client's words: the partner's own request.
    func clientRefusalNotice(partner name: String?) -> String {
        let partner = name ?? (language == .ptBR ? "o parceiro" : "the partner")
        switch language {
        case .ptBR:
            return "Este pedido é do próprio parceiro: \(partner) pediu que o cliente entre em contato "
                + "diretamente com a empresa, sem a nossa intermediação."
        case .en:
            return "This is the partner's own request: \(partner) asked that the client contact it directly, "
                + "without us in between."
        }
    }

    /// What the client is asked to do next, addressed to the client.
    func clientNextStep(_ step: ReportDocument.NextStep, partner name: String?) -> String {
        let partner = name ?? (language == .ptBR ? "o parceiro" : "the partner")
        switch (language, step) {
        case (.ptBR, .anotherRouteOrDirectContact):
            return "Para continuarmos, pedimos que nos informe outra forma de contato com \(partner) (outro "
                + "e-mail, telefone ou pessoa responsável). Se preferir, entre em contato diretamente com "
                + "\(partner); seguimos à disposição para ajudar."
        case (.ptBR, .contactPartnerDirectly):
            return "Como \(partner) pediu, o próximo passo é o contato direto do cliente com a empresa. "
                + "Seguimos à disposição para ajudar no que for preciso."
        case (.en, .anotherRouteOrDirectContact):
            return "To go on, please give us another way to reach \(partner) (another e-mail address, phone "
                + "number or contact person). If you prefer, contact \(partner) directly; we remain available "
                + "to help."
        case (.en, .contactPartnerDirectly):
            return "As \(partner) asked, the next step is for the client to contact it directly. We remain "
                + "available to help with whatever is needed."
        }
    }

    /// What the client's report of a sensitive case says instead of its notes: the technician has them.
    func clientSensitiveNotice(technician: String?) -> String {
        switch language {
        case .ptBR:
            let who = technician.map { "o técnico responsável, \($0)" } ?? "o técnico responsável"
            return "Por envolver dados sensíveis, os detalhes das conversas deste caso não constam deste "
                + "relatório: estão com \(who), que pode informá-los sempre que precisar."
        case .en:
            let who = technician.map { "the technician in charge, \($0)" } ?? "the technician in charge"
            return "As this case involves sensitive data, the details of its conversations are not in this "
                + "report: they are with \(who), who can tell you about them whenever you need."
        }
    }
}
