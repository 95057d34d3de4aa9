import FollowupCore
import Foundation

/// The report's words in one language: names of channels and return kinds, reasons, the
/// sentences the templates place, and times in the desk's zone.
struct ReportWording: Sendable {
    let language: DeskLanguage
    let timeZone: TimeZone
    private let calendar: Calendar

    init(language: DeskLanguage, timeZone: TimeZone) {
        self.language = language
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// `27/11/2026 14:05` in pt-BR; `2026-11-27 14:05 -03:00` in English, with the zone's offset
    /// at that instant. Seconds are left out.
    func time(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let (year, month, day) = (parts.year ?? 0, pad(parts.month ?? 0), pad(parts.day ?? 0))
        let clock = pad(parts.hour ?? 0) + ":" + pad(parts.minute ?? 0)
        switch language {
        case .ptBR:
            return "\(day)/\(month)/\(year) \(clock)"
        case .en:
            let offset = timeZone.secondsFromGMT(for: date)
            let sign = offset < 0 ? "-" : "+"
            let minutes = abs(offset) / 60
            return "\(year)-\(month)-\(day) \(clock) \(sign)\(pad(minutes / 60)):\(pad(minutes % 60))"
        }
    }

    private func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// How a contact reached the partner.
    func channel(_ channel: ContactChannel) -> String {
        switch (language, channel) {
        case (.ptBR, .email), (.en, .email): "e-mail"
        case (.ptBR, .phone): "telefone"
        case (.en, .phone): "phone"
        case (_, .portal): "portal"
        case (.ptBR, .other): "outro"
        case (.en, .other): "other"
        }
    }

    /// What a partner's return brought.
    func returnKind(_ kind: ReturnKind) -> String {
        switch (language, kind) {
        case (.ptBR, .info): "informação"
        case (.ptBR, .ack): "confirmação de recebimento"
        case (.ptBR, .auto): "resposta automática"
        case (.en, .info): "information"
        case (.en, .ack): "acknowledgement"
        case (.en, .auto): "automatic reply"
        }
    }

    /// Why the report was issued, as a phrase starting in lower case.
    func reason(_ reason: ReportReason) -> String {
        switch (language, reason) {
        case (.ptBR, .noReply): "sem retorno do parceiro"
        case (.ptBR, .noInformation): "o parceiro respondeu, mas não trouxe a informação"
        case (.ptBR, .partnerRefused):
            "recusa do parceiro (o próprio parceiro pediu que o cliente entre em contato diretamente com ele)"
        case (.en, .noReply): "no return from the partner"
        case (.en, .noInformation): "the partner replied but did not bring the information"
        case (.en, .partnerRefused): "partner refused (the partner itself asked that the client contact it directly)"
        }
    }

    /// `sim`/`não`, `yes`/`no`.
    func yesNo(_ value: Bool) -> String {
        switch language {
        case .ptBR: value ? "sim" : "não"
        case .en: value ? "yes" : "no"
        }
    }

    /// What stands for a missing value in a table cell.
    var none: String { "—" }

    /// The partner's name, or what stands for it when the case names none.
    func partner(_ name: String?) -> String {
        if let name { return name }
        return language == .ptBR ? "(parceiro não informado)" : "(no partner recorded)"
    }

    /// The warning a refusal report opens with: the third party's own request.
    func refusalNotice(partner name: String?) -> String {
        switch language {
        case .ptBR:
            "ATENÇÃO: o próprio parceiro \(name.map { "\($0) " } ?? "")pediu que o cliente entre em contato "
                + "diretamente com ele."
        case .en:
            "ATTENTION: the partner \(name.map { "\($0) " } ?? "")itself asked that the client contact it "
                + "directly."
        }
    }

    /// What the client is asked to do next.
    func nextStep(_ step: ReportDocument.NextStep, partner name: String?) -> String {
        let partner = name.map { " \($0)" } ?? ""
        switch (language, step) {
        case (.ptBR, .anotherRouteOrDirectContact):
            return "O cliente deve nos informar outra forma de contato com o parceiro\(partner) (outro e-mail, "
                + "telefone ou pessoa responsável) ou entrar em contato diretamente com ele."
        case (.ptBR, .contactPartnerDirectly):
            return "O cliente deve entrar em contato diretamente com o parceiro\(partner), como o próprio parceiro "
                + "pediu."
        case (.en, .anotherRouteOrDirectContact):
            return "The client should give us another way to reach the partner\(partner) (another e-mail "
                + "address, phone number or contact person), or contact it directly."
        case (.en, .contactPartnerDirectly):
            return "The client should contact the partner\(partner) directly, as the partner itself asked."
        }
    }

    /// What a report on a sensitive case says instead of its notes: that they exist and where.
    func sensitiveNotice(_ command: String) -> String {
        switch language {
        case .ptBR:
            "Caso com dados sensíveis: as notas e o texto dos retornos do parceiro ficam apenas no banco de "
                + "dados do followupd e não constam deste relatório. Leia-os com \(command)."
        case .en:
            "Sensitive case: its notes and the text of the partner's returns are kept in followupd's "
                + "database only and are not in this report. Read them with \(command)."
        }
    }
}
