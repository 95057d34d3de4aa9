import FollowupConfig
import FollowupControl
import FollowupDelivery
import FollowupEngine
import FollowupStorage
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The web application (§6.9), a `Service` of the daemon's group: Hummingbird serving the
/// sign-in pages, "my account", the one-click acknowledgement pages and the control API's
/// routes for signed-in people, each authorised by the control API's one permission table.
public struct WebServer: Service, CustomStringConvertible {
    let settings: WebSettings
    let application: Application<RouterResponder<WebContext>>
    let accounts: any AccountStore
    let clock: any WallClock
    let logger: Logger

    /// Everything the web application works with.
    public struct Parts: Sendable {
        public var api: ControlAPI
        public var desk: Desk
        public var store: any CaseStore
        public var accounts: any AccountStore
        public var rulebooks: RulebookHolder
        public var clock: any WallClock
        public var metrics: MetricsExporter
        /// The signer of acknowledgement links, with the key the daemon keeps in its database.
        public var ackLinks: AckLinks
        public var logger: Logger

        public init(
            api: ControlAPI, desk: Desk, store: any CaseStore, accounts: any AccountStore, rulebooks: RulebookHolder,
            clock: any WallClock, metrics: MetricsExporter, ackLinks: AckLinks, logger: Logger
        ) {
            self.ackLinks = ackLinks
            self.api = api
            self.desk = desk
            self.store = store
            self.accounts = accounts
            self.rulebooks = rulebooks
            self.clock = clock
            self.metrics = metrics
            self.logger = logger
        }
    }

    /// The server for `settings`; `onListening` runs once it accepts connections.
    public init(settings: WebSettings, parts: Parts, onListening: @escaping @Sendable () async -> Void = {}) throws {
        self.settings = settings
        accounts = parts.accounts
        clock = parts.clock
        logger = parts.logger
        let routes = try WebRoutes(parts: parts)
        let router = Router(context: WebContext.self)
        router.add(middleware: WebMetricsMiddleware(metrics: parts.metrics))
        routes.register(on: router)
        // An idle or stalled connection is closed after a minute; heads are kept small.
        let channel = HTTP1Channel.Configuration(
            idleTimeout: .seconds(60),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 64 * 1024, maxHeaderFieldCount: 100))
        application = Application(
            router: router, server: .http1(configuration: channel),
            configuration: .init(
                address: .hostname(settings.listen.host, port: Int(settings.listen.port)), serverName: "followupd"),
            onServerRunning: { _ in await onListening() },
            logger: parts.logger)
    }

    /// Serves until graceful shutdown; meanwhile, once an hour, forgets expired sessions and
    /// sign-ins the identity provider never answered.
    /// What ServiceLifecycle logs for this service: the address only (never the settings,
    /// which hold the identity provider's client secret).
    public var description: String { "WebServer(\(settings.listen))" }

    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await application.run() }
            group.addTask { await pruneSessions() }
        }
    }

    private func pruneSessions() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let removed = try await accounts.pruneSessions(before: clock.now())
                    if removed > 0 {
                        logger.debug("expired sessions forgotten", metadata: ["followup.count": "\(removed)"])
                    }
                } catch {
                    logger.warning("expired sessions not forgotten", metadata: ["followup.error": "\(error)"])
                }
                try? await clock.sleep(until: clock.now().addingTimeInterval(3600))
            }
        }
    }
}

/// Request counts and latencies of the web listener, in the same `/metrics` as the socket's
/// (route label `web <METHOD> <route>`).
struct WebMetricsMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let metrics: MetricsExporter

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response)
        async throws -> Response
    {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.record(
                route: "web \(request.method.rawValue) \(context.endpointPath ?? "unknown")",
                status: UInt(response.status.code), since: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.record(
                route: "web \(request.method.rawValue) \(context.endpointPath ?? "unknown")", status: UInt(status),
                since: started)
            throw error
        }
    }
}
