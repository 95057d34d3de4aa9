import FollowupConfig
import FollowupCore
import Foundation

/// What a notification says, laid out once for every rendering (Teams, Slack, desk mail): the
/// headline, the case's facts that are present, the summary, the acknowledgement instruction
/// and a digest's items.
struct NotificationContent: Sendable, Hashable {
    /// One labelled fact, such as `Cliente: Padaria Pão Quente`.
    struct Fact: Sendable, Hashable {
        var label: String
        var value: String
        /// Where the value links to (the ticket, with `tickets.url`).
        var link: String? = nil
    }

    /// The button that opens the case's ticket (`tickets.url`): "Abrir SSC" and its address.
    struct Link: Sendable, Hashable {
        var title: String
        var url: String
    }

    /// ``NotificationTitles/headline(of:language:)``: the title, urgent prefix, ` — FU-12`.
    var headline: String
    /// The title with the urgent prefix, without the case (for mail subjects).
    var title: String
    var urgent: Bool
    var facts: [Fact]
    /// The one-line summary of the event (in the desk's words).
    var summary: String
    /// For `needs_ack`: the sentence before the command, such as `Para confirmar, execute:`.
    var ackPrompt: String?
    /// For `needs_ack`: `followupctl ack <id>`.
    var ackCommand: String?
    /// For `needs_ack` with `web` set: each recipient person's one-click link (§6.9), titled
    /// "Confirmar ciência", with the person's name when the channel reaches several.
    var ackLinks: [Link] = []
    /// When more people than ``AckLink/buttonLimit`` share the channel: the line under the
    /// buttons saying how many more may acknowledge by the command.
    var ackLinksOmitted: String?
    /// For a digest: one line per folded notification, oldest first.
    var items: [String]
    /// The heading of ``items`` (`Notificações agrupadas (3)`).
    var itemsHeading: String?
    /// The case's ticket in the desk's ticket system, when `tickets.url` is set.
    var ticket: Link?

    init(
        _ document: NotificationDocument, language: ReportSettings.Language, timeZone: TimeZone,
        tickets: TicketSettings = TicketSettings(), ackLinks: [AckLink] = []
    ) {
        let data = document.data
        let words = Words(language)
        headline = NotificationTitles.headline(of: document, language: language)
        title = NotificationTitles.title(of: document, language: language)
        urgent = NotificationTitles.isUrgent(document)
        summary = data.summary
        func time(_ date: Date) -> String { DeskTime.format(date, language: language, timeZone: timeZone) }

        var facts: [Fact] = []
        func add(_ label: String, _ value: String?, link: String? = nil) {
            guard let value, !value.isEmpty else { return }
            facts.append(Fact(label: label, value: value, link: link))
        }
        let ticketURL = tickets.link(for: data.ticket)
        ticket = ticketURL.map { Link(title: words.openTicket(tickets.name), url: $0) }
        add(words.case, data.case)
        add(words.client, data.client)
        add(words.ticket, data.ticket, link: ticketURL)
        add(words.partner, data.partner)
        add(words.subject, data.subject)
        add(words.owner, data.owner)
        add(words.leader, data.leader)
        add(words.attempts, data.attempts.map(String.init))
        add(words.report, data.report)
        add(words.reason, data.reason.map { words.reason(of: $0) })
        add(words.deadline, data.deadline.map(time))
        add(words.implementation, data.implementationAt.map(time))
        if data.priority { add(words.priority, words.yes) }
        add(words.reminder, data.reminder.map(String.init))
        add(words.repeats, data.repeats.map { NotificationTitles.title(for: $0, language: language) })
        if let failed = data.failed {
            add(words.notification, "\(failed.id) (\(NotificationTitles.title(for: failed.type, language: language)))")
            add(words.channel, failed.channel)
            add(words.recipient, failed.recipient)
            add(words.deliveryAttempts, String(failed.attempts))
            add(words.error, failed.error)
        }
        self.facts = facts

        if data.needsAck {
            ackPrompt = words.ackPrompt
            ackCommand = data.acknowledge.map { "followupctl ack \($0)" } ?? "followupctl ack"
            self.ackLinks = ackLinks.map { link in
                Link(title: ackLinks.count == 1 ? words.ackButton : words.ackButton(for: link.person), url: link.url)
            }
            if ackLinks.count > AckLink.buttonLimit {
                ackLinksOmitted = words.ackLinksOmitted(ackLinks.count - AckLink.buttonLimit)
            }
        }
        let folded = data.items ?? []
        items = folded.map { item in
            let title = NotificationTitles.title(for: item.type, language: language)
            return "\(time(item.timestamp)) — \(title): \(item.summary)"
        }
        itemsHeading = folded.isEmpty ? nil : words.itemsHeading(folded.count)
    }

    /// The labels and phrases of one language.
    struct Words {
        let language: ReportSettings.Language
        init(_ language: ReportSettings.Language) { self.language = language }

        private func say(_ pt: String, _ en: String) -> String { language == .en ? en : pt }

        var `case`: String { say("Caso", "Case") }
        var client: String { say("Cliente", "Client") }
        var ticket: String { say("Chamado", "Ticket") }
        /// The button that opens the ticket: "Abrir SSC", or "Abrir chamado" without a name.
        func openTicket(_ name: String?) -> String {
            name.map { say("Abrir \($0)", "Open \($0)") } ?? say("Abrir chamado", "Open ticket")
        }
        var partner: String { say("Parceiro", "Partner") }
        var subject: String { say("Assunto", "Subject") }
        var owner: String { say("Responsável", "Owner") }
        var leader: String { say("Líder", "Leader") }
        var attempts: String { say("Tentativas", "Attempts") }
        var report: String { say("Relatório", "Report") }
        var reason: String { say("Motivo", "Reason") }
        var deadline: String { say("Prazo do cliente", "Client's deadline") }
        var implementation: String { say("Implantação agendada", "Scheduled implementation") }
        var priority: String { say("Prioridade", "Priority") }
        var yes: String { say("sim", "yes") }
        var reminder: String { say("Lembrete nº", "Reminder no.") }
        var repeats: String { say("Repete", "Repeats") }
        var notification: String { say("Notificação", "Notification") }
        var channel: String { say("Canal", "Channel") }
        var recipient: String { say("Destinatário", "Recipient") }
        var deliveryAttempts: String { say("Tentativas de entrega", "Delivery attempts") }
        var error: String { say("Erro", "Error") }
        var ackPrompt: String {
            say(
                "É preciso confirmar o recebimento. Para confirmar, execute:",
                "Acknowledgement needed. To acknowledge, run:")
        }

        /// The one-click acknowledgement button (§6.9).
        var ackButton: String { say("Confirmar ciência", "Acknowledge") }
        /// The button of one of several people on a channel: "Confirmar ciência — Ana".
        func ackButton(for person: String) -> String { "\(ackButton) — \(person)" }
        /// Under the buttons of a channel shared by more people than fit.
        func ackLinksOmitted(_ count: Int) -> String {
            count == 1
                ? say(
                    "Mais 1 pessoa deste canal pode confirmar pelo comando acima.",
                    "1 more person on this channel can acknowledge with the command above.")
                : say(
                    "Mais \(count) pessoas deste canal podem confirmar pelo comando acima.",
                    "\(count) more people on this channel can acknowledge with the command above.")
        }

        func itemsHeading(_ count: Int) -> String {
            say("Notificações agrupadas (\(count))", "Notifications folded into this digest (\(count))")
        }

        /// A report reason (§2) in words; an unknown one as it is.
        func reason(of raw: String) -> String {
            switch ReportReason(rawValue: raw) {
            case .noReply: say("sem retorno do parceiro", "no reply from the partner")
            case .noInformation:
                say("sem informação (só confirmações de recebimento)", "no information (only acknowledgements)")
            case .partnerRefused:
                say("recusa do parceiro, a pedido do próprio parceiro", "the partner refused, at its own request")
            case nil: raw
            }
        }
    }
}
