import FollowupAPI
import FollowupConfig
import FollowupControl
import FollowupCore
import FollowupDelivery
import FollowupEngine
import FollowupInbox
import FollowupReports
import FollowupStorage
import FollowupSystemd
import FollowupWeb
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The running daemon: storage opened, then every long-running piece (scheduler, delivery
/// worker, control socket, metrics listener, reload on SIGHUP) a `Service` of one group that stops
/// gracefully on SIGTERM or SIGINT.
public struct Daemon: Sendable {
    public let configuration: Configuration
    /// The file the configuration came from (read again on reload).
    public let configurationPath: String
    /// A listening control socket passed by systemd, used instead of binding one.
    public let adoptedControlSocket: CInt?
    public let environment: [String: String]
    public let logger: Logger
    /// Test-only: the scheduler stops going round after its first pass (the watchdog must notice).
    public let stallSchedulerForTesting: Bool

    public init(
        configuration: Configuration, configurationPath: String, adoptedControlSocket: CInt? = nil,
        environment: [String: String], logger: Logger, stallSchedulerForTesting: Bool = false
    ) {
        self.stallSchedulerForTesting = stallSchedulerForTesting
        self.configuration = configuration
        self.configurationPath = configurationPath
        self.adoptedControlSocket = adoptedControlSocket
        self.environment = environment
        self.logger = logger
    }

    /// Parses the report templates the configuration names (`reports.templates`), so a bad
    /// one is refused at start like any other configuration mistake.
    public static func checkTemplates(_ configuration: Configuration) throws(FollowupError) {
        _ = try ReportRenderer(for: configuration)
    }

    /// Opens the storage the configuration names. PostgreSQL: nothing is connected yet (see `run`);
    /// the password comes from `storage.password_file` (resolved by the configuration, possibly in
    /// `$CREDENTIALS_DIRECTORY`), else from the URL; this node's id is `$FOLLOWUPD_NODE_ID`, else
    /// the host name (two nodes on one host need ids of their own).
    public static func openStore(
        _ configuration: Configuration, environment: [String: String] = [:], logger: Logger
    ) throws -> any CaseStore {
        switch configuration.storage {
        case .sqlite(let path):
            return try SQLiteCaseStore(path: path, logger: logger)
        case .postgres(let url, let passwordFile):
            return try PostgresCaseStore(
                url: url,
                password: try passwordFile.map { path throws(FollowupError) in
                    try PostgresCaseStore.password(fromFile: path)
                },
                nodeID: environment["FOLLOWUPD_NODE_ID"].flatMap { $0.isEmpty ? nil : $0 }
                    ?? PostgresCaseStore.defaultNodeID,
                logger: logger.with("followup.component", "storage"))
        }
    }

    /// Runs until SIGTERM or SIGINT.
    public func run(clock: any WallClock = SystemClock()) async throws {
        let store = try Self.openStore(configuration, environment: environment, logger: logger)
        guard let shared = store as? PostgresCaseStore else {
            return try await serve(store: store, shared: nil, clock: clock)
        }
        // The pool must run before the first query (the status line below) and until the last
        // service has stopped: the store runs around the whole service group. `withRunning`
        // migrates first (storage_unavailable at once when the server cannot be reached).
        try await shared.withRunning { try await serve(store: shared, shared: shared, clock: clock) }
    }

    private func serve(store: any CaseStore, shared: PostgresCaseStore?, clock: any WallClock) async throws {
        let rulebooks = RulebookHolder(Rulebook(configuration))
        let access = AccessHolder(
            AccessPolicy(control: configuration.control))
        let doorbell = Doorbell()
        let outboxBell = Doorbell()
        let desk = Desk(
            store: store, rulebooks: rulebooks, clock: clock, doorbell: doorbell, outboxBell: outboxBell,
            logger: logger)
        let retention = Retention(
            desk: desk, store: store, rulebooks: rulebooks, clock: clock,
            logger: logger.with("followup.component", "retention"))
        let scheduler = Scheduler(
            store: store, rulebooks: rulebooks, clock: clock, doorbell: doorbell, outboxBell: outboxBell,
            logger: logger.with("followup.component", "scheduler"), stallForTesting: stallSchedulerForTesting)
        let reports = ReportRendererHolder(try ReportRenderer(for: configuration))
        let webhooks = WebhookTransport(settings: configuration.notifications)
        // The one-click acknowledgement links' key, read once (§6.9); nil without `web`.
        let ackLinks = try await AckLinks.load(for: configuration.web, from: store)
        let carrier = OutboxCarrier(
            store: store, webhooks: webhooks, mail: MailTransport(), reports: reports, clock: clock,
            ackLinks: ackLinks)
        let dispatcher = Dispatcher(
            store: store, rulebooks: rulebooks, carrier: carrier,
            clock: clock, doorbell: outboxBell, logger: logger.with("followup.component", "delivery"),
            hold: { scheduler.isCatchingUp },
            cases: { command, id in _ = try await desk.apply(command, to: id, by: "followupd") })
        let notifier = Notifier()
        let summary: @Sendable () async -> String? = { try? await Self.statusLine(store) }
        let reloader = Reloader(
            path: configurationPath, environment: environment, rulebooks: rulebooks, access: access,
            reports: reports, logger: logger, notifier: notifier, summary: summary)
        let metrics = MetricsExporter()
        let status: StatusSource
        switch configuration.storage {
        case .sqlite(let path):
            status = StatusSource(
                startedAt: clock.now(), node: ProcessInfo.processInfo.hostName, engine: "sqlite", location: path,
                retention: { retention.tally })
        case .postgres:
            // The URL without its password (never the configured text, which may hold one).
            let started = clock.now()
            status = StatusSource(
                startedAt: started, node: shared?.nodeID ?? ProcessInfo.processInfo.hostName,
                engine: "postgresql", location: shared.map { "\($0)" } ?? "postgresql",
                liveNodes: {
                    // Alive: a heartbeat within the last two minutes (nodes beat every 30 s).
                    try await shared?.liveNodes(since: clock.now().addingTimeInterval(-120)).map {
                        "\($0.nodeID) (\($0.host))"
                    } ?? []
                }, retention: { retention.tally })
        }
        let inboxLogger = self.logger.with("followup.component", "inbox")
        let inbox = configuration.inbound.map {
            InboxReader(desk: desk, store: store, clock: clock, settings: $0, logger: inboxLogger)
        }
        let testLogger = self.logger.with("followup.component", "delivery")
        let api = ControlAPI(
            desk: desk, store: store, rulebooks: rulebooks, access: access, clock: clock, status: status,
            metrics: metrics, reports: reports, inbox: inbox, logger: logger.with("followup.component", "control"),
            reload: { await reloader.reload() },
            notifyTest: { body, peer in
                let target: TestNotification.Target =
                    body.webhook.map { .webhook($0) } ?? .mail(body.mail ?? "")
                let outcome = try await TestNotification.send(
                    to: target, by: peer.name, carrier: carrier, rulebook: rulebooks.current, now: clock.now())
                let detail = outcome.detail
                let result: String
                switch outcome {
                case .delivered: result = "delivered"
                case .retry: result = "retry"
                case .refused: result = "refused"
                }
                testLogger.notice(
                    "test notification sent",
                    metadata: [
                        "followup.event": "notification_test", "followup.result": "\(result)",
                        "followup.by": "\(peer.name)",
                    ])
                return NotifyTestJSON(
                    delivered: result == "delivered", result: result,
                    channel: body.webhook == nil ? "mail" : "webhook", recipient: body.webhook ?? body.mail ?? "",
                    httpStatus: detail.httpStatus, exitStatus: detail.exitStatus.map(Int.init), error: detail.error)
            },
            accounts: (store as? any AccountStore).map {
                LocalAccounts(store: $0, clock: clock, logger: self.logger.with("followup.component", "web"))
            })
        let control = configuration.control
        let listener: ControlServer.Listener =
            adoptedControlSocket.map { .adopted($0) } ?? .path(control.socket, mode: control.mode, group: control.group)
        let logger = self.logger
        let initialStatus = try await Self.statusLine(store)
        // READY=1 once storage is open and the control socket listens; catch-up runs after.
        let server = ControlServer(
            listener: listener, api: api, logger: logger.with("followup.component", "control"),
            onListening: {
                notifier.ready(status: initialStatus)
                logger.info("followupd ready", metadata: ["followup.event": "ready"])
            })
        let tolerance = notifier.watchdogInterval ?? .seconds(60)
        let watchdog = WatchdogService(
            notifier: notifier, healthy: { scheduler.isHealthy(tolerance: tolerance) },
            status: summary, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: server), .init(service: scheduler), .init(service: dispatcher), .init(service: reloader),
            .init(service: watchdog),
        ]
        if let inbox { services.append(.init(service: inbox)) }
        services.append(.init(service: retention))
        if let shared {
            // Another node's commit rings this node's doorbells; this node beats every 30 s.
            services.append(
                .init(service: WakeUpRelay(wakeUps: shared.wakeUps(), doorbells: [doorbell, outboxBell])))
            services.append(
                .init(
                    service: HeartbeatService(
                        store: shared, clock: clock, logger: logger.with("followup.component", "storage"))))
        }
        if let listen = configuration.metrics {
            services.append(
                .init(
                    service: ControlServer(
                        listener: .tcp(host: listen.host, port: Int(listen.port)), api: api,
                        logger: logger.with("followup.component", "metrics"))))
        }
        if let web = configuration.web {
            guard let accounts = store as? any AccountStore, let ackLinks else {
                throw FollowupError(.storageUnavailable, "this storage keeps no web accounts")
            }
            let webLogger = logger.with("followup.component", "web")
            services.append(
                .init(
                    service: try WebServer(
                        settings: web,
                        parts: .init(
                            api: api, desk: desk, store: store, accounts: accounts, rulebooks: rulebooks, clock: clock,
                            metrics: metrics, ackLinks: ackLinks, logger: webLogger),
                        onListening: {
                            webLogger.info(
                                "web listening",
                                metadata: ["followup.event": "web_listening", "followup.address": "\(web.listen)"])
                        })))
        }
        let counts = try await store.counts()
        logger.info(
            "followupd starting",
            metadata: [
                "followup.event": "started",
                "followup.version": "\(FollowupVersion.current)",
                "followup.storage": "\(status.engine):\(status.location)",
                "followup.open_cases": "\(counts.cases.filter { $0.key.isOpen }.values.reduce(0, +))",
            ])
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            try? await webhooks.shutdown()
            throw error
        }
        try? await webhooks.shutdown()
        logger.info("followupd stopped", metadata: ["followup.event": "stopped"])
    }

    /// The one-line summary of `STATUS=`: from the counters, never counting rows.
    static func statusLine(_ store: any CaseStore) async throws -> String {
        let counts = try await store.counts()
        var parts = [
            "\(counts.cases[.awaitingPartner] ?? 0) awaiting partner", "\(counts.cases[.awaitingUs] ?? 0) awaiting us",
            "\(counts.cases[.returnedToClient] ?? 0) with the client",
        ]
        if let next = try await store.nextDeadline() { parts.append("next deadline \(Timestamp.format(next))") }
        parts.append("outbox \(counts.outbox[.pending] ?? 0) pending, \(counts.outbox[.failed] ?? 0) failed")
        return parts.joined(separator: "; ")
    }
}

/// Reloads the configuration on SIGHUP or `POST /v1/reload`: a refused configuration leaves
/// the running one in force and says why.
final class Reloader: Service {
    let path: String
    let environment: [String: String]
    let rulebooks: RulebookHolder
    let access: AccessHolder
    let reports: ReportRendererHolder
    let logger: Logger
    let notifier: Notifier
    let summary: @Sendable () async -> String?

    init(
        path: String, environment: [String: String], rulebooks: RulebookHolder, access: AccessHolder,
        reports: ReportRendererHolder, logger: Logger, notifier: Notifier,
        summary: @escaping @Sendable () async -> String?
    ) {
        self.reports = reports
        self.notifier = notifier
        self.summary = summary
        self.path = path
        self.environment = environment
        self.rulebooks = rulebooks
        self.access = access
        self.logger = logger
    }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals { _ = await self.reload() }
        }
    }

    /// Reads the file again and puts it in force, or refuses it; systemd is told
    /// `RELOADING=1` before and `READY=1` after, either way.
    func reload() async -> ReloadJSON {
        notifier.reloading()
        let outcome = apply()
        notifier.ready(status: await summary() ?? "running")
        return outcome
    }

    private func apply() -> ReloadJSON {
        let running = rulebooks.current.configuration
        let next: Configuration
        do {
            next = try Configuration.load(contentsOf: path, environment: environment)
        } catch {
            logger.warning(
                "configuration refused; the running one stays",
                metadata: ["followup.error": "\(error)", "followup.event": "reload_refused"])
            return ReloadJSON(reloaded: false, message: "\(path): \(error)")
        }
        if let refusal = next.reloadRefusal(comparedTo: running) {
            logger.warning(
                "configuration refused; the running one stays",
                metadata: ["followup.error": "\(refusal)", "followup.event": "reload_refused"])
            return ReloadJSON(reloaded: false, message: "\(path): \(refusal)")
        }
        let renderer: ReportRenderer
        do {
            renderer = try ReportRenderer(for: next)
        } catch {
            logger.warning(
                "configuration refused; the running one stays",
                metadata: ["followup.error": "\(error)", "followup.event": "reload_refused"])
            return ReloadJSON(reloaded: false, message: "\(path): \(error)")
        }
        rulebooks.replace(with: Rulebook(next))
        reports.replace(with: renderer)
        access.replace(with: AccessPolicy(control: next.control))
        logger.info("configuration reloaded", metadata: ["followup.event": "reloaded"])
        return ReloadJSON(
            reloaded: true, message: "configuration reloaded from \(path); armed deadlines keep their times")
    }
}

extension Logger {
    /// A copy with one more metadata value.
    func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = .string(value)
        return copy
    }
}

/// Rings the scheduler's and the delivery worker's doorbells when another node committed
/// something that may concern this one (`LISTEN followupd_wake`).
struct WakeUpRelay: Service {
    let wakeUps: AsyncStream<Void>
    let doorbells: [Doorbell]

    func run() async {
        await cancelWhenGracefulShutdown {
            for await _ in wakeUps {
                for doorbell in doorbells { doorbell.ring() }
            }
        }
    }
}

/// Records this node in the shared database's `nodes` every 30 seconds.
struct HeartbeatService: Service {
    let store: PostgresCaseStore
    let clock: any WallClock
    let logger: Logger

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await store.heartbeat(now: clock.now())
                } catch {
                    logger.warning("heartbeat not recorded", metadata: ["followup.error": "\(error)"])
                }
                try? await clock.sleep(until: clock.now().addingTimeInterval(30))
            }
        }
    }
}
