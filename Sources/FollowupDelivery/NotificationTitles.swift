import FollowupConfig
import FollowupCore

/// The title of each notification event (§4.1), in the desk's languages: the one place the
/// webhook cards and the mail subjects take them from.
public enum NotificationTitles {
    /// The title of `type` (a webhook type such as `case.report_generated`), without the case
    /// or the urgent prefix; an unknown type reads "Notificação: <type>".
    public static func title(for type: String, language: ReportSettings.Language) -> String {
        guard let titles = known[type] else {
            return language == .en ? "Notification: \(type)" : "Notificação: \(type)"
        }
        return language == .en ? titles.en : titles.pt
    }

    /// The word put before the title of an urgent notification, followed by `: `.
    public static func urgentPrefix(language: ReportSettings.Language) -> String {
        language == .en ? "URGENT: " : "URGENTE: "
    }

    /// Whether a notification is shown as urgent: the case is flagged urgent, or the event is
    /// an `escalation.urgent` (§5 rule 3).
    public static func isUrgent(_ document: NotificationDocument) -> Bool {
        document.data.urgent || document.type == NotificationEvent.escalationUrgent.rawValue
    }

    /// The title with the urgent prefix when urgent: what a mail subject carries after its tag.
    public static func title(of document: NotificationDocument, language: ReportSettings.Language) -> String {
        (isUrgent(document) ? urgentPrefix(language: language) : "")
            + title(for: document.type, language: language)
    }

    /// The heading of a card: ``title(of:language:)`` followed by ` — FU-12` when there is a case.
    public static func headline(of document: NotificationDocument, language: ReportSettings.Language) -> String {
        let title = title(of: document, language: language)
        guard let subject = document.data.case else { return title }
        return "\(title) — \(subject)"
    }

    /// Every event of §4.1 with its Portuguese and English titles.
    static let known: [String: (pt: String, en: String)] = [
        "notification.test": ("Teste de notificação do followupd", "followupd test notification"),
        NotificationEvent.resent.rawValue: ("Solicitação reenviada ao parceiro", "Request sent again to the partner"),
        NotificationEvent.partnerReplied.rawValue: ("O parceiro respondeu", "The partner replied"),
        NotificationEvent.resendFailed.rawValue: ("Falha no reenvio ao parceiro", "Resend to the partner failed"),
        NotificationEvent.manualResendRequested.rawValue: (
            "Reenvio manual necessário", "Manual resend needed"
        ),
        NotificationEvent.reportGenerated.rawValue: ("Relatório de tentativas gerado", "Attempts report generated"),
        NotificationEvent.partnerRefused.rawValue: (
            "O parceiro recusou o atendimento", "The partner refused to deal with us"
        ),
        NotificationEvent.ownerReminder.rawValue: (
            "Lembrete: o caso aguarda o próximo passo", "Reminder: the case awaits the next step"
        ),
        NotificationEvent.clientReminder.rawValue: (
            "Lembrete: aguardando retorno do cliente", "Reminder: waiting for the client"
        ),
        NotificationEvent.deadlineApproaching.rawValue: ("Prazo se aproximando", "Deadline approaching"),
        NotificationEvent.priorityRequested.rawValue: (
            "Solicitar prioridade para o chamado", "Prioritisation requested for the ticket"
        ),
        NotificationEvent.escalationUrgent.rawValue: ("Escalonamento urgente", "Urgent escalation"),
        NotificationEvent.handoffCreated.rawValue: (
            "Avisar o suporte do parceiro (repasse)", "Notify the partner's support (hand-off)"
        ),
        NotificationEvent.handoffReminder.rawValue: (
            "Lembrete: avisar o suporte do parceiro", "Reminder: notify the partner's support"
        ),
        NotificationEvent.cancellationReminder.rawValue: (
            "Lembrete: contatar o cliente sobre o cancelamento", "Reminder: contact the client about the cancellation"
        ),
        NotificationEvent.noticePosted.rawValue: ("Novo aviso importante", "New important notice"),
        NotificationEvent.noticeReminder.rawValue: (
            "Lembrete: confirme a leitura do aviso", "Reminder: acknowledge the notice"
        ),
        NotificationEvent.unacknowledged.rawValue: ("Notificação sem confirmação", "Notification not acknowledged"),
        NotificationEvent.deliveryFailed.rawValue: (
            "Falha na entrega de uma notificação", "A notification could not be delivered"
        ),
        NotificationEvent.digest.rawValue: ("Resumo de notificações", "Notification digest"),
    ]
}
