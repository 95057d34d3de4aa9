import FollowupAPI
import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupInbox
import FollowupReports
import FollowupStorage
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// The routes of §6.3: authorisation from the peer's credentials, JSON in and out, errors as
/// `{"error":{…}}` with the status their code maps to (the one place that mapping lives).
public struct ControlAPI: HTTPResponder {
    /// Every route served, as `METHOD /path/{param}`, with the role it needs (§6.3
    /// "Correction (roles)"): the one table every request's authorization reads. What a route
    /// allows only to a higher role within its body (the `priority` flag, another case's
    /// owner, acknowledging for someone else) is checked where that body is read, through
    /// ``require(_:_:for:)``. The OpenAPI document states the same roles (`x-role`).
    public static let permissions: KeyValuePairs<String, Role> = [
        "GET /v1/status": .reader,
        "GET /v1/cases": .reader, "POST /v1/cases": .technician,
        "GET /v1/cases/{id}": .reader, "PATCH /v1/cases/{id}": .technician,
        "POST /v1/cases/{id}/contacts": .technician, "POST /v1/cases/{id}/returns": .technician,
        "POST /v1/cases/{id}/refusal": .technician, "POST /v1/cases/{id}/notes": .technician,
        "POST /v1/cases/{id}/close": .technician, "POST /v1/cases/{id}/reopen": .technician,
        "POST /v1/cases/{id}/flags": .technician,
        "GET /v1/cases/{id}/report": .reader,
        "GET /v1/due": .reader,
        "GET /v1/obs-note": .reader,
        "POST /v1/cases/{id}/client-contact": .technician,
        "POST /v1/escalations": .technician, "POST /v1/handoffs": .technician,
        "GET /v1/notices": .reader, "POST /v1/notices": .leader, "GET /v1/notices/{id}": .reader,
        "POST /v1/notices/{id}/ack": .technician,
        "GET /v1/inbox": .reader, "GET /v1/inbox/{id}": .reader, "POST /v1/inbox/{id}/assign": .technician,
        "POST /v1/inbox/{id}/open": .technician, "POST /v1/inbox/{id}/dismiss": .technician,
        "GET /v1/queue": .reader, "GET /v1/can-take": .reader, "GET /v1/entitlements/premium-site": .reader,
        "GET /v1/cancellations": .reader,
        "GET /v1/notifications": .reader, "GET /v1/notifications/{id}": .reader,
        "POST /v1/notifications/{id}/ack": .leader, "POST /v1/notifications/{id}/retry": .admin,
        "POST /v1/reload": .admin, "POST /v1/backup": .admin, "POST /v1/notify-test": .admin,
        "POST /v1/erase": .admin,
        "GET /v1/users": .admin, "POST /v1/users": .admin, "POST /v1/users/{id}/password": .admin,
        "POST /v1/users/{id}/disable": .admin,
        "GET /metrics": .reader,
    ]

    /// Every route served, as `METHOD /path/{param}` (the OpenAPI document is checked against it).
    public static let routes: [String] = permissions.map(\.key)

    /// The role `METHOD /route` needs; nil for a route not served.
    public static func role(for route: String) -> Role? {
        permissions.first { $0.key == route }?.value
    }

    let desk: Desk
    let store: any CaseStore
    let rulebooks: RulebookHolder
    let access: AccessHolder
    let clock: any WallClock
    let status: StatusSource
    let reload: @Sendable () async -> ReloadJSON
    let metrics: MetricsExporter
    let reports: ReportRendererHolder
    /// The inbox reader, when `inbound.maildir` is configured.
    let inbox: InboxReader?
    let logger: Logger
    /// Sends a test notification now (the daemon's carrier); nil where there is none.
    let notifyTest: (@Sendable (NotifyTestBody, Peer) async throws -> NotifyTestJSON)?
    /// When stored idempotency answers were last pruned.
    let answerKeeping = AnswerKeeping()
    /// The web's local accounts (`followupctl user …`).
    let accounts: LocalAccounts?

    public init(
        desk: Desk, store: any CaseStore, rulebooks: RulebookHolder, access: AccessHolder, clock: any WallClock,
        status: StatusSource, metrics: MetricsExporter, reports: ReportRendererHolder, inbox: InboxReader? = nil,
        logger: Logger, reload: @escaping @Sendable () async -> ReloadJSON,
        notifyTest: (@Sendable (NotifyTestBody, Peer) async throws -> NotifyTestJSON)? = nil,
        accounts: LocalAccounts? = nil
    ) {
        self.accounts = accounts
        self.notifyTest = notifyTest
        self.reports = reports
        self.inbox = inbox
        self.desk = desk
        self.store = store
        self.rulebooks = rulebooks
        self.access = access
        self.clock = clock
        self.status = status
        self.metrics = metrics
        self.logger = logger
        self.reload = reload
    }

    public func respond(to request: HTTPRequest, from peer: Peer?) async -> HTTPResponse {
        let started = ContinuousClock.now
        let segments = Self.segments(of: request.path)
        let route = Self.template(of: segments)
        let response: HTTPResponse
        do {
            response = try await dispatch(request, segments: segments, route: route, peer: peer)
        } catch {
            response = Self.errorResponse(error)
        }
        metrics.record(
            route: "\(request.method.rawValue) \(route ?? "unknown")", status: response.status.code, since: started)
        if let peer, request.method != .GET { logChange(request, segments: segments, peer: peer, response: response) }
        return response
    }

    /// Decides from the request head alone, before any byte of its body is read, whether the
    /// request may go on: nil to read the body and answer, or the refusal (404, 405, 403).
    public func admit(_ head: HTTPRequestHead, from peer: Peer?) -> HTTPResponse? {
        let path = String(head.uri.prefix { $0 != "?" })
        let segments = Self.segments(of: path)
        do {
            _ = try authorize(head.method, path: path, route: Self.template(of: segments), peer: peer)
            return nil
        } catch {
            return Self.errorResponse(error)
        }
    }

    /// The route a request may take, or the reason it may not: no such route, not this
    /// method, or a peer whose role does not allow it. The metrics listener (no peer) serves
    /// only `/metrics`.
    private func authorize(_ method: HTTPMethod, path: String, route: String?, peer: Peer?) throws -> String {
        guard let route else {
            throw FollowupError(
                .notFound, "there is no route \(method.rawValue) \(path) (see docs/openapi.yaml)")
        }
        guard Self.routes.contains("\(method.rawValue) \(route)") else {
            throw FollowupError(Self.methodNotAllowed, "\(path) does not take \(method.rawValue)", field: nil)
        }
        guard let peer else {
            guard route == "/metrics" else { throw FollowupError(.forbidden, "only /metrics is served here") }
            return route
        }
        let role = access.current.role(of: peer)
        let needed = Self.role(for: "\(method.rawValue) \(route)") ?? .admin
        guard role >= needed else { throw Self.refusal(peer, has: role, needs: needed) }
        return route
    }

    /// Refuses `peer`, whose role is `has`, what needs `needs`: the message names the group to ask for.
    static func refusal(_ peer: Peer, has: Role, needs: Role, for what: String = "this") -> FollowupError {
        guard has > .none else {
            return FollowupError(
                .forbidden,
                "\(peer.name) may not use followupd: ask for a group listed in control.readers (or a role above)")
        }
        let groups = "a group listed in \(needs.groupsKey)" + (needs == .admin ? ", or root" : "")
        return FollowupError(.forbidden, "\(peer.name) is a \(has): \(what) needs the \(needs) role (\(groups))")
    }

    /// Checks that `peer` has `role` for what a body asks beyond its route's role (the
    /// `priority` flag, another case's owner, acknowledging for someone else).
    func require(_ role: Role, _ peer: Peer, for what: String) throws {
        let has = access.current.role(of: peer)
        guard has >= role else { throw Self.refusal(peer, has: has, needs: role, for: what) }
    }

    private func dispatch(_ request: HTTPRequest, segments: [String], route: String?, peer: Peer?) async throws
        -> HTTPResponse
    {
        let method = request.method
        let route = try authorize(method, path: request.path, route: route, peer: peer)
        guard let connected = peer else { return try await metricsResponse() }
        // Who records: the person (owner or leader) whose login the peer has, else the login.
        var peer = connected
        if connected.web == nil {
            peer.name = rulebooks.current.configuration.person(withLogin: connected.name) ?? connected.name
        }
        switch route {
        case "/v1/status": return try Self.json(.ok, await statusJSON())
        case "/metrics": return try await metricsResponse()
        case "/v1/due": return try await due(request)
        case "/v1/obs-note": return try obsNote(request)
        case "/v1/notifications": return try await notifications(request)
        case "/v1/reload":
            let outcome = await reload()
            guard outcome.reloaded else { throw FollowupError(Self.reloadRefused, outcome.message) }
            return try Self.json(.ok, outcome)
        case "/v1/notify-test":
            let body = try Self.decode(NotifyTestBody.self, from: request)
            guard (body.webhook == nil) != (body.mail == nil) else {
                throw FollowupError.invalid("webhook", "give one of webhook (a configured name) or mail (an address)")
            }
            guard let notifyTest else { throw FollowupError(.storageUnavailable, "notifications are not running") }
            return try Self.json(.ok, try await notifyTest(body, peer))
        case "/v1/erase":
            let body = try Self.decode(EraseBody.self, from: request)
            var caseID: CaseID?
            if let text = body.case {
                guard let id = CaseID(parsing: text) else {
                    throw FollowupError.invalid("case", "\(text) is not a case id")
                }
                caseID = id
            }
            let outcome = try await desk.erase(
                ErasureRequest(
                    client: body.client, caseID: caseID, dryRun: body.dryRun ?? false, force: body.force ?? false),
                by: peer.name)
            return try Self.json(
                .ok,
                ErasureJSON(
                    dryRun: outcome.dryRun,
                    cases: outcome.cases.map { .init(id: $0.id, state: $0.state, client: $0.client) },
                    notifications: outcome.notifications, files: outcome.files))
        case "/v1/backup":
            let body = try Self.decode(BackupBody.self, from: request)
            let outcome = try await store.backup(to: body.path)
            logger.notice(
                "backup written",
                metadata: [
                    "followup.event": "backup_written", "followup.path": "\(outcome.path)",
                    "followup.bytes": "\(outcome.bytes)", "followup.count": "\(outcome.cases)",
                ])
            return try Self.json(
                .ok,
                BackupJSON(path: outcome.path, bytes: outcome.bytes, cases: outcome.cases, integrity: outcome.integrity)
            )
        case "/v1/cases":
            return method == .GET ? try await listCases(request) : try await openCase(request, peer: peer)
        case _ where route.hasPrefix("/v1/notifications/"):
            return try await notificationRoute(route, id: segments[2], peer: peer)
        case "/v1/escalations", "/v1/handoffs", "/v1/notices", "/v1/queue", "/v1/can-take",
            "/v1/entitlements/premium-site", "/v1/cancellations":
            return try await playbookRoute(route, request, segments: segments, peer: peer)
        case _ where route == "/v1/inbox" || route.hasPrefix("/v1/inbox/"):
            return try await inboxRoute(route, request, segments: segments, peer: peer)
        case _ where route == "/v1/users" || route.hasPrefix("/v1/users/"):
            return try await userRoute(route, request, segments: segments, peer: peer)
        case _ where route.hasPrefix("/v1/notices/"):
            return try await playbookRoute(route, request, segments: segments, peer: peer)
        default:
            let id = try Self.caseID(segments[2])
            return try await caseRoute(route, request, id: id, peer: peer)
        }
    }

    /// Logs a state-changing request with its peer, and the case it concerned.
    private func logChange(_ request: HTTPRequest, segments: [String], peer: Peer, response: HTTPResponse) {
        var metadata: Logger.Metadata = [
            "followup.event": "control_request", "followup.peer_uid": "\(peer.uid)", "followup.peer_pid": "\(peer.pid)",
            "followup.by": "\(peer.name)", "followup.request": "\(request.method.rawValue) \(request.path)",
            "followup.status": "\(response.status.code)",
        ]
        let location = response.headers.first(name: "location").map { String($0.split(separator: "/").last ?? "") }
        if let id = location.flatMap(CaseID.init(parsing:))
            ?? (segments.count >= 3 ? CaseID(parsing: segments[2]) : nil)
        {
            metadata["followup.case"] = "\(id)"
        }
        let level: Logger.Level = response.status.code < 400 ? .info : .notice
        logger.log(level: level, "control request", metadata: metadata)
    }

    /// The percent-decoded segments of a path.
    static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map { $0.removingPercentEncoding ?? String($0) }
    }

    /// The route template of a path (`/v1/cases/{id}/notes`), or nil when none matches.
    static func template(of segments: [String]) -> String? {
        if segments.count >= 3, segments[0] == "v1",
            ["cases", "notifications", "notices", "inbox", "users"].contains(segments[1])
        {
            var parts = ["", "v1", segments[1], "{id}"]
            parts += segments.dropFirst(3)
            let template = parts.joined(separator: "/")
            return routes.contains { $0.hasSuffix(" " + template) } ? template : nil
        }
        let path = "/" + segments.joined(separator: "/")
        return routes.contains { $0.hasSuffix(" " + path) } ? path : nil
    }

    static func caseID(_ text: String) throws -> CaseID {
        guard let id = CaseID(parsing: text) else {
            throw FollowupError(.notFound, "\(text) is not a case id (FU-<n>)")
        }
        return id
    }

    static let methodNotAllowed = FollowupError.Code(rawValue: "method_not_allowed")
    static let reloadRefused = FollowupError.Code(rawValue: "reload_refused")
}

/// How long idempotency answers are kept, and when they were last pruned.
final class AnswerKeeping: Sendable {
    /// A retry is expected within minutes; a day leaves room for a client that was down.
    static let kept: TimeInterval = 86_400
    /// Pruning runs at most this often.
    static let every: TimeInterval = 3_600

    private let last = Mutex<Date?>(nil)

    /// True (and the time noted) when pruning is due at `now`.
    func due(at now: Date) -> Bool {
        last.withLock { last in
            if let previous = last, now.timeIntervalSince(previous) < Self.every, now >= previous { return false }
            last = now
            return true
        }
    }
}
