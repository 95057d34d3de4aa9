import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupMail
import FollowupReports
import FollowupStorage
import Foundation

/// The carrier the daemon uses: renders each outbox row for its channel from the running
/// configuration and hands it to the webhook or mail transport.
///
/// A row the configuration can no longer carry (a webhook removed by a reload, an address
/// that is not one) is refused at once: retrying would not fix it, `followupctl outbox retry`
/// after fixing the configuration does. A transient failure while composing (storage
/// unavailable) is retried like a transport error.
///
/// With `web` configured, a notification needing acknowledgement is signed one-click links
/// (§6.9) for the people its channel reaches, when it is composed: each attempt signs afresh,
/// valid for `web.ack_links_ttl` from then.
public struct OutboxCarrier: NotificationCarrier {
    let store: any CaseStore
    let webhooks: WebhookTransport
    let mail: MailTransport
    let reports: ReportRendererHolder
    let clock: any WallClock
    /// The signer of acknowledgement links, with the key read once from the database; nil
    /// without `web` (no links).
    let ackLinks: AckLinks?

    public init(
        store: any CaseStore, webhooks: WebhookTransport, mail: MailTransport, reports: ReportRendererHolder,
        clock: any WallClock, ackLinks: AckLinks? = nil
    ) {
        self.ackLinks = ackLinks
        self.store = store
        self.reports = reports
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
                let document = try JSONCoding.decoder().decode(NotificationDocument.self, from: message.payload)
                let body = try WebhookBody.render(
                    document, format: webhook.format, language: configuration.reports.locale,
                    timeZone: configuration.calendar.timeZone, tickets: configuration.tickets,
                    ackLinks: links(for: message, document: document, in: configuration))
                return await webhooks.deliver(body, id: message.id, at: clock.now(), to: webhook, timeout: timeout)
            case .reportFile:
                return await writeReportFiles(message)
            case .mail, .clientMail, .partnerMail:
                let composed = try await compose(message, rulebook: rulebook)
                return await mail.deliver(composed, id: message.id, settings: configuration.mail, timeout: timeout)
            }
        } catch {
            return Self.outcome(ofComposing: error)
        }
    }

    /// A failure while composing: one that a later attempt cannot fix (a stored document that
    /// does not decode, an address the mail writer refuses, invalid input) refuses the row; any
    /// other (storage unavailable, a file that cannot be read now) is retried like a transport
    /// error, with the same backoff and the same limit.
    public static func outcome(ofComposing error: any Error) -> DeliveryOutcome {
        let detail = DeliveryDetail(error: "cannot be written: \(error)")
        switch error {
        case is DecodingError, is EncodingError, is MailError: return .refused(detail)
        case let failure as FollowupError where failure.code == .invalidInput: return .refused(detail)
        default: return .retry(after: nil, detail)
        }
    }

    /// The e-mail of a mail row.
    func compose(_ message: OutboxMessage, rulebook: Rulebook) async throws -> MailMessage {
        let configuration = rulebook.configuration
        let language = configuration.reports.locale
        let zone = configuration.calendar.timeZone
        let from = try MailAddress(parsing: configuration.mail.from)
        let decoder = JSONCoding.decoder()
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
            // §5 rule 2: mail to the client of a case requesting sensitive data ends with the OBS note.
            var requested: [SensitiveData] = []
            if let id = message.caseID, let subject = try await store.findCase(id) { requested = subject.sensitive }
            return try MailComposer.client(
                document, id: message.id, to: try MailAddress(parsing: message.recipient), from: from,
                owner: try owner?.email.map { try MailAddress($0) },
                ownerName: owner?.name ?? document.data.owner ?? "",
                host: rulebook.mailHost, language: language, timeZone: zone,
                attachments: try await reportAttachments(document, for: .client),
                closingNote: ObsNote.text(for: requested, language: DeskLanguage(rawValue: language.rawValue) ?? .ptBR))
        case .mail, .webhook, .reportFile:
            let document = try decoder.decode(NotificationDocument.self, from: message.payload)
            let owner = document.data.owner.flatMap(configuration.owner(named:))
            // The owner's mail carries the request ready to send to the client, with the client's
            // report to forward; everyone else (the leaders) gets the desk's report.
            let toOwner = owner?.email.map { Self.sameAddress($0, message.recipient) } ?? false
            var draft: MailComposer.ClientDraft?
            if document.data.report != nil, toOwner {
                var requested: [SensitiveData] = []
                if let id = message.caseID, let subject = try await store.findCase(id) { requested = subject.sensitive }
                draft = MailComposer.ClientDraft(
                    ownerName: owner?.name ?? document.data.owner ?? "",
                    closingNote: ObsNote.text(
                        for: requested, language: DeskLanguage(rawValue: language.rawValue) ?? .ptBR))
            }
            return try MailComposer.desk(
                document, id: message.id, to: try MailAddress(parsing: message.recipient), from: from,
                host: rulebook.mailHost, language: language, timeZone: zone,
                attachments: try await reportAttachments(document, for: toOwner ? .client : .desk),
                clientDraft: draft, tickets: configuration.tickets,
                ackLinks: links(for: message, document: document, in: configuration))
        }
    }

    /// The acknowledgement links of `message`, signed now; none without `web`.
    func links(for message: OutboxMessage, document: NotificationDocument, in configuration: Configuration)
        -> [AckLink]
    {
        ackLinks?.links(for: message, document: document, in: configuration, now: clock.now()) ?? []
    }

    /// Whether two addresses name the same mailbox (the domain ignoring case, as mail does).
    static func sameAddress(_ a: String, _ b: String) -> Bool {
        a.trimmingCharacters(in: .whitespaces).lowercased() == b.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The attempts report a notification is about, for `audience`, attached as a page and as
    /// plain text: `relatorio-FU-12.html` for the client (no internal id in its name),
    /// `relatorio-FU-12-<report id>-equipe.html` for the desk.
    func reportAttachments(_ document: NotificationDocument, for audience: ReportAudience) async throws
        -> [MailAttachment]
    {
        guard let id = document.data.report, let stored = try await store.report(id: id) else { return [] }
        let report = try JSONCoding.decoder().decode(ReportDocument.self, from: stored.document)
        let renderer = reports.current
        let base =
            audience == .client ? "relatorio-\(stored.caseID)" : "relatorio-\(stored.caseID)-\(stored.id)-equipe"
        return try [ReportFormat.html, .text].map { format in
            try MailAttachment(
                filename: "\(base).\(format.fileExtension)", contentType: format.mimeType,
                bytes: try renderer.render(report, as: format, for: audience))
        }
    }

    /// Writes the report in every format and for both audiences under `<reports.dir>/<case>/`
    /// (§4.4): `<report id>.<ext>` the desk's, `<report id>.client.<ext>` the client's; each file
    /// written aside, synced and renamed into place: a repeat replaces, never doubles.
    func writeReportFiles(_ message: OutboxMessage) async -> DeliveryOutcome {
        do {
            let id = String(decoding: message.payload, as: UTF8.self)
            guard let stored = try await store.report(id: id) else {
                return .refused(DeliveryDetail(error: "report \(id) is not in the database"))
            }
            let report = try JSONCoding.decoder().decode(ReportDocument.self, from: stored.document)
            let renderer = reports.current
            let files = try ReportAudience.allCases.flatMap { audience in
                try ReportFormat.allCases.map { format in
                    let infix = audience == .client ? ".client" : ""
                    return (
                        "\(stored.id)\(infix).\(format.fileExtension)",
                        try renderer.render(report, as: format, for: audience)
                    )
                }
            }
            let folder = URL(fileURLWithPath: message.recipient).appendingPathComponent(stored.caseID.description)
            let written = await BlockingWork.run("followupd-report") {
                Result { () throws -> Void in
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    for (name, bytes) in files { try ReportFile.write(bytes, named: name, in: folder.path) }
                }
            }
            try written.get()
            return .delivered(DeliveryDetail())
        } catch {
            return .retry(after: nil, DeliveryDetail(error: "cannot write the report files: \(error)"))
        }
    }
}
