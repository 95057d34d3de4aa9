import FollowupConfig
import FollowupCore
import FollowupDelivery
import FollowupEngine
import FollowupReports
import FollowupStorage
import FollowupTestSupport
import Foundation
import Logging
import Testing

/// The real carrier on a real SQLite file, a real Maildir and a real webhook receiver, with
/// `web` configured: what the one-click acknowledgement tests deliver through.
///
/// Leaders Ana (mail, Teams and Slack) and Bia (mail, Teams) share the Teams channel;
/// technicians Joana (mail, Teams) and Caio (mail only).
struct AckLinkBench {
    /// 2026-11-27 17:05:00 UTC: the clock's time when the tests compose.
    static let t0 = Date(timeIntervalSince1970: 1_795_799_100)
    static let publicURL = "https://followup.example.com"
    static let lifetime = Duration.seconds(7 * 86_400)

    let folder: URL
    let store: SQLiteCaseStore
    let clock: ManualClock
    let rulebooks: RulebookHolder
    let carrier: OutboxCarrier
    let webhooks: WebhookTransport
    /// A verifier holding the same key the carrier signs with.
    let verifier: AckLinks

    var maildir: URL { folder.appendingPathComponent("outbox") }

    /// A bench whose webhooks post to `receiver`; `web: false` leaves `web` out.
    init(
        folder: URL, receiver: String = "http://127.0.0.1:9/hook", web: Bool = true,
        language: ReportSettings.Language = .ptBR, configure: (inout Configuration) -> Void = { _ in }
    ) throws {
        self.folder = folder
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        store = try SQLiteCaseStore(path: folder.appendingPathComponent("db.sqlite").path, logger: logger)
        var configuration = Configuration(
            notifications: NotificationSettings(timeout: .seconds(5)),
            mail: MailSettings(
                transport: .maildir, maildir: folder.appendingPathComponent("outbox").path,
                from: "Suporte <followup@desk.example>"),
            webhooks: [
                "teams": WebhookSettings(url: receiver, format: .teams),
                "slack": WebhookSettings(url: receiver, format: .slack),
            ],
            leaders: [
                Leader(name: "Ana", email: "ana@desk.example", webhooks: ["teams", "slack"]),
                Leader(name: "Bia", email: "bia@desk.example", webhooks: ["teams"]),
            ],
            owners: [
                Owner(name: "Joana", email: "joana@desk.example", leader: "Ana", webhooks: ["teams"]),
                Owner(name: "Caio", email: "caio@desk.example"),
            ],
            reports: ReportSettings(locale: language))
        if web {
            configuration.web = WebSettings(
                listen: MetricsSettings(host: "127.0.0.1", port: 8080), publicURL: Self.publicURL,
                ackLinksTTL: Self.lifetime)
        }
        configure(&configuration)
        rulebooks = RulebookHolder(Rulebook(configuration))
        clock = ManualClock(now: Self.t0)
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        // The carrier's own address and lifetime are stale on purpose: the running
        // configuration's `web` is what links use.
        let signer = AckLinks(key: key, baseURL: "http://stale.example", lifetime: .seconds(60))
        verifier = AckLinks(key: key, baseURL: Self.publicURL, lifetime: Self.lifetime)
        webhooks = WebhookTransport(settings: NotificationSettings(timeout: .seconds(5)))
        carrier = OutboxCarrier(
            store: store, webhooks: webhooks, mail: MailTransport(),
            reports: ReportRendererHolder(try ReportRenderer(for: configuration)), clock: clock, ackLinks: signer)
    }

    /// Runs `body` with a bench in a scratch folder, its HTTP client shut down afterwards.
    static func with<T>(
        receiver: String = "http://127.0.0.1:9/hook", web: Bool = true, language: ReportSettings.Language = .ptBR,
        configure: (inout Configuration) -> Void = { _ in }, _ body: (AckLinkBench) async throws -> T
    ) async throws -> T {
        try await withScratchFolder { folder in
            let bench = try AckLinkBench(
                folder: folder, receiver: receiver, web: web, language: language, configure: configure)
            do {
                let result = try await body(bench)
                try? await bench.webhooks.shutdown()
                return result
            } catch {
                try? await bench.webhooks.shutdown()
                throw error
            }
        }
    }

    /// Carries `message` with the running configuration; fails the test unless it was delivered.
    func deliver(_ message: OutboxMessage) async throws {
        let outcome = await carrier.carry(message, rulebook: rulebooks.current)
        guard case .delivered = outcome else {
            Issue.record("\(message.event.rawValue) to \(message.recipient) was not delivered: \(outcome)")
            return
        }
    }

    /// The message delivered into the Maildir under notification `id`, as Python reads it.
    func mail(_ id: String) async throws -> ReadMail {
        try await ReadMail.parse(try Data(contentsOf: maildir.appendingPathComponent("new/\(id)")))
    }

    /// An outbox row of `event` for `document`, to `recipient` on `channel`.
    static func row(
        _ id: String, _ document: NotificationDocument, channel: OutboxMessage.Channel, to recipient: String
    ) throws -> OutboxMessage {
        OutboxMessage(
            id: id, caseID: document.data.case.flatMap(CaseID.init(parsing:)),
            event: NotificationEvent(rawValue: document.type), channel: channel, recipient: recipient,
            needsAck: document.data.needsAck, createdAt: t0, nextAttemptAt: t0,
            payload: try JSONCoding.encoder().encode(document), ackGroup: document.data.acknowledge)
    }

    /// The tokens of every `public_url/a/<token>` address in `text`, in order.
    static func tokens(in text: String) -> [String] {
        let prefix = publicURL + "/a/"
        var found: [String] = []
        var rest = text[...]
        while let start = rest.range(of: prefix) {
            let token = rest[start.upperBound...].prefix { $0.isLetter || $0.isNumber || "-_.".contains($0) }
            found.append(String(token))
            rest = rest[start.upperBound...]
        }
        return found
    }

    /// What `token` names for the verifier at `now` (the compose time by default).
    func claim(_ token: String, now: Date = t0) -> AckLinks.Claim? {
        try? verifier.verify(token, now: now).get()
    }

    /// A `case.priority_requested` for FU-12 needing acknowledgement, its leader `leader`.
    static func priorityRequest(leader: String? = nil, reminder: Int? = nil) -> NotificationDocument {
        var data = NotificationData(summary: "FU-12: prazo do cliente registrado; marcar o chamado como prioritário")
        data.case = "FU-12"
        data.client = "Padaria Pão Quente"
        data.owner = "Joana"
        data.leader = leader
        data.needsAck = true
        data.acknowledge = "01jdpriority00000000000000"
        data.reminder = reminder
        return NotificationDocument(type: "case.priority_requested", timestamp: t0, data: data)
    }
}
