import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupMail
import FollowupStorage
import Foundation

/// The carrier the daemon uses: renders each outbox row for its channel from the running
/// configuration and hands it to the webhook or mail transport.
///
/// A row the configuration can no longer carry (a webhook removed by a reload, an address
/// that is not one) is refused at once: retrying would not fix it, `followupctl outbox retry`
/// after fixing the configuration does.
public struct OutboxCarrier: NotificationCarrier {
    let store: any CaseStore
    let webhooks: WebhookTransport
    let mail: MailTransport
    let clock: any WallClock

    public init(store: any CaseStore, webhooks: WebhookTransport, mail: MailTransport, clock: any WallClock) {
        self.store = store
        self.webhooks = webhooks
        self.mail = mail
        self.clock = clock
    }

    public func carry(_ message: OutboxMessage, rulebook: Rulebook) async -> DeliveryOutcome {
        let configuration = rulebook.configuration
        let timeout = configuration.notifications.timeout
        do {
            switch message.channel {
            case .webhook:
                guard let webhook = configuration.webhooks[message.recipient] else {
                    return .refused(
                        DeliveryDetail(error: "the webhook \(message.recipient) is no longer in the configuration"))
                }
                let document = try NotificationCoding.decoder().decode(NotificationDocument.self, from: message.payload)
                let body = try WebhookBody.render(
                    document, format: webhook.format, language: configuration.reports.locale,
                    timeZone: configuration.calendar.timeZone)
                return await webhooks.deliver(body, id: message.id, at: clock.now(), to: webhook, timeout: timeout)
            case .mail, .clientMail, .partnerMail:
                let composed = try await compose(message, rulebook: rulebook)
                return await mail.deliver(composed, id: message.id, settings: configuration.mail, timeout: timeout)
            }
        } catch {
            return .refused(DeliveryDetail(error: "cannot be written: \(error)"))
        }
    }

    /// The e-mail of a mail row.
    func compose(_ message: OutboxMessage, rulebook: Rulebook) async throws -> MailMessage {
        let configuration = rulebook.configuration
        let language = configuration.reports.locale
        let zone = configuration.calendar.timeZone
        let from = try MailAddress(parsing: configuration.mail.from)
        let decoder = NotificationCoding.decoder()
        switch message.channel {
        case .partnerMail:
            let document = try decoder.decode(PartnerMailDocument.self, from: message.payload)
            let owner = configuration.owner(named: document.owner)
            return try MailComposer.partnerResend(
                document, id: message.id, from: from, owner: try owner?.email.map { try MailAddress($0) },
                ownerName: owner?.name ?? document.owner, host: rulebook.mailHost, language: language, timeZone: zone)
        case .clientMail:
            let document = try decoder.decode(NotificationDocument.self, from: message.payload)
            let owner = document.data.owner.flatMap(configuration.owner(named:))
            return try MailComposer.client(
                document, id: message.id, to: try MailAddress(parsing: message.recipient), from: from,
                owner: try owner?.email.map { try MailAddress($0) },
                ownerName: owner?.name ?? document.data.owner ?? "",
                host: rulebook.mailHost, language: language, timeZone: zone,
                attachments: try await reportAttachments(document))
        case .mail, .webhook:
            let document = try decoder.decode(NotificationDocument.self, from: message.payload)
            return try MailComposer.desk(
                document, id: message.id, to: try MailAddress(parsing: message.recipient), from: from,
                host: rulebook.mailHost, language: language, timeZone: zone,
                attachments: try await reportAttachments(document))
        }
    }

    /// The attempts report a notification is about, attached as stored (the database's document).
    func reportAttachments(_ document: NotificationDocument) async throws -> [MailAttachment] {
        guard let id = document.data.report, let report = try await store.report(id: id) else { return [] }
        return [
            try MailAttachment(
                filename: "relatorio-\(report.caseID)-\(report.id).json", contentType: "application/json",
                bytes: report.document)
        ]
    }
}
