import FollowupAPI
import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Facts about the running daemon that status shows.
public struct StatusSource: Sendable {
    public var startedAt: Date
    public var node: String
    public var engine: String
    public var location: String
    /// The nodes seen alive on shared storage (the others of a cluster); nil on embedded storage.
    public var liveNodes: (@Sendable () async throws -> [String])?
    /// What the background erasure removed (`retention`); nil where it does not run.
    public var retention: (@Sendable () -> Retention.Tally)?

    public init(
        startedAt: Date, node: String, engine: String, location: String,
        liveNodes: (@Sendable () async throws -> [String])? = nil, retention: (@Sendable () -> Retention.Tally)? = nil
    ) {
        self.liveNodes = liveNodes
        self.retention = retention
        self.startedAt = startedAt
        self.node = node
        self.engine = engine
        self.location = location
    }
}

/// The access policy in force, replaced on reload.
public final class AccessHolder: Sendable {
    private let value: Mutex<AccessPolicy>
    public init(_ policy: AccessPolicy) { value = Mutex(policy) }
    public var current: AccessPolicy { value.withLock { $0 } }
    public func replace(with policy: AccessPolicy) { value.withLock { $0 = policy } }
}

extension ControlAPI {
    /// Status from the counters kept current in storage (no counting of rows).
    func statusJSON() async throws -> StatusJSON {
        let counts = try await store.counts()
        let now = clock.now()
        var json = StatusJSON(
            version: FollowupVersion.current, node: status.node, pid: getpid(), startedAt: status.startedAt,
            uptimeSeconds: Int(now.timeIntervalSince(status.startedAt)),
            storage: .init(engine: status.engine, location: status.location),
            cases: Dictionary(uniqueKeysWithValues: counts.cases.map { ($0.key.rawValue, $0.value) }),
            openCases: counts.cases.filter { $0.key.isOpen }.values.reduce(0, +),
            nextDeadline: try await store.nextDeadline(),
            outbox: Dictionary(uniqueKeysWithValues: counts.outbox.map { ($0.key.rawValue, $0.value) }),
            stages: Dictionary(uniqueKeysWithValues: counts.stages.map { ($0.key.rawValue, $0.value) }),
            timezone: rulebooks.current.configuration.calendar.timeZone.identifier)
        json.nodes = try await status.liveNodes?()
        if rulebooks.current.configuration.retention.isActive, let tally = status.retention?() {
            json.retention = .init(
                closedCases: tally.closedCases, inboundFiles: tally.inboundFiles, reportFiles: tally.reportFiles,
                lastPassAt: tally.lastPassAt)
        }
        return json
    }

    func due(_ request: HTTPRequest) async throws -> HTTPResponse {
        var within = WorkDuration.time(seconds: 24 * 3600)
        if let text = request.query["within"] {
            do { within = try WorkDuration(parsing: text) } catch {
                throw FollowupError.invalid("within", error.description)
            }
        }
        let limit = clock.now().addingTimeInterval(TimeInterval(within.nominalSeconds))
        let upcoming = try await store.upcomingStages(before: limit, max: 500)
        return try Self.json(.ok, DueJSON(due: upcoming.map { DueJSON.Item($0.case, $0.stage) }))
    }

    func notifications(_ request: HTTPRequest) async throws -> HTTPResponse {
        var state: OutboxMessage.State?
        if let text = request.query["state"] {
            guard let parsed = OutboxMessage.State(rawValue: text) else {
                throw FollowupError.invalid(
                    "state", "must be one of \(OutboxMessage.State.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            state = parsed
        }
        let rows = try await store.outbox(state: state, limit: 500)
        return try Self.json(.ok, NotificationList(notifications: rows.map(Self.notificationJSON)))
    }

    /// `GET /v1/notifications/{id}` and `POST /v1/notifications/{id}/{ack|retry}`.
    func notificationRoute(_ route: String, id: String, peer: Peer) async throws -> HTTPResponse {
        let message: OutboxMessage
        switch route {
        case "/v1/notifications/{id}/ack": message = try await desk.acknowledge(notification: id, by: peer.name)
        case "/v1/notifications/{id}/retry": message = try await desk.retry(notification: id)
        default:
            guard let found = try await store.notification(id) else {
                throw FollowupError(.notFound, "there is no notification \(id) (see followupctl outbox)")
            }
            message = found
        }
        var json = Self.notificationJSON(message)
        json.history = try await store.deliveryAttempts(of: id).map {
            NotificationJSON.Attempt(
                number: $0.number, at: $0.at, result: $0.result, httpStatus: $0.httpStatus,
                exitStatus: $0.exitStatus, error: $0.error)
        }
        return try Self.json(.ok, json)
    }

    static func notificationJSON(_ row: OutboxMessage) -> NotificationJSON {
        var json = NotificationJSON(
            id: row.id, case: row.caseID?.description, event: row.event.rawValue, channel: row.channel.rawValue,
            recipient: row.recipient, state: row.state.rawValue, needsAck: row.needsAck, createdAt: row.createdAt,
            nextAttemptAt: row.nextAttemptAt, attempts: row.attempts)
        json.acknowledge = row.ackGroup
        json.acknowledgedBy = row.acknowledgedBy
        json.acknowledgedAt = row.acknowledgedAt
        json.deliveredAt = row.deliveredAt
        json.lastError = row.lastError
        json.digest = row.digestID
        json.reminders = row.needsAck ? row.reminders : nil
        return json
    }

    /// `GET /v1/obs-note?data=password,certificate`: the OBS note of §5 rule 2, adapted, in
    /// the configured language.
    func obsNote(_ request: HTTPRequest) throws -> HTTPResponse {
        let names = (request.query["data"] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var data: [SensitiveData] = []
        for name in names where !name.isEmpty {
            guard let item = SensitiveData(rawValue: name) else {
                throw FollowupError.invalid(
                    "data", "\(name) is not one of \(SensitiveData.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            data.append(item)
        }
        let language = DeskLanguage(rawValue: rulebooks.current.configuration.reports.locale.rawValue) ?? .ptBR
        guard let text = ObsNote.text(for: data, language: language) else {
            throw FollowupError.invalid("data", "say what is requested from the client: password, certificate, other")
        }
        return try Self.json(.ok, ObsNoteJSON(data: data.map(\.rawValue), text: text))
    }

    func metricsResponse() async throws -> HTTPResponse {
        let counts = try await store.counts()
        return HTTPResponse(
            status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8",
            body: ByteBuffer(string: metrics.render(counts: counts, retention: status.retention?())))
    }
}
