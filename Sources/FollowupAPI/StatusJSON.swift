import FollowupCore
import Foundation

/// `GET /v1/status`: the daemon's health, from counters kept current (never counting rows).
public struct StatusJSON: Codable, Sendable, Hashable {
    public var version: String
    public var node: String
    public var pid: Int32
    public var startedAt: Date
    public var uptimeSeconds: Int
    public var storage: StorageJSON
    /// Cases per state (every state present).
    public var cases: [String: Int]
    public var openCases: Int
    public var nextDeadline: Date?
    /// Outbox rows per delivery state.
    public var outbox: [String: Int]
    /// Stages carried out per kind since the database was created.
    public var stages: [String: Int]
    /// The time zone in which `followupctl` shows times.
    public var timezone: String
    /// The nodes alive on shared storage (PostgreSQL), this one included; absent on SQLite.
    public var nodes: [String]?
    /// What `retention` erased since this daemon started; absent when retention keeps everything.
    public var retention: RetentionJSON?

    /// The background erasure's counts (§6.10).
    public struct RetentionJSON: Codable, Sendable, Hashable {
        public var closedCases: Int
        public var inboundFiles: Int
        public var reportFiles: Int
        public var lastPassAt: Date?

        public init(closedCases: Int, inboundFiles: Int, reportFiles: Int, lastPassAt: Date?) {
            self.closedCases = closedCases
            self.inboundFiles = inboundFiles
            self.reportFiles = reportFiles
            self.lastPassAt = lastPassAt
        }

        enum CodingKeys: String, CodingKey {
            case closedCases = "closed_cases_erased"
            case inboundFiles = "inbound_files_removed"
            case reportFiles = "report_files_removed"
            case lastPassAt = "last_pass_at"
        }
    }

    public struct StorageJSON: Codable, Sendable, Hashable {
        public var engine: String
        public var location: String

        public init(engine: String, location: String) {
            self.engine = engine
            self.location = location
        }
    }

    public init(
        version: String, node: String, pid: Int32, startedAt: Date, uptimeSeconds: Int, storage: StorageJSON,
        cases: [String: Int], openCases: Int, nextDeadline: Date?, outbox: [String: Int], stages: [String: Int],
        timezone: String
    ) {
        self.version = version
        self.node = node
        self.pid = pid
        self.startedAt = startedAt
        self.uptimeSeconds = uptimeSeconds
        self.storage = storage
        self.cases = cases
        self.openCases = openCases
        self.nextDeadline = nextDeadline
        self.outbox = outbox
        self.stages = stages
        self.timezone = timezone
    }

    enum CodingKeys: String, CodingKey {
        case version, node, pid, storage, cases, outbox, stages, timezone, nodes, retention
        case startedAt = "started_at"
        case uptimeSeconds = "uptime_seconds"
        case openCases = "open_cases"
        case nextDeadline = "next_deadline"
    }
}

/// `GET /v1/due`: what the daemon will do next, in order.
public struct DueJSON: Codable, Sendable, Hashable {
    public var due: [Item]

    public struct Item: Codable, Sendable, Hashable {
        public var `case`: String
        public var action: String
        public var ordinal: Int
        public var dueAt: Date
        public var state: CaseState
        public var client: String
        public var partner: String?
        public var owner: String

        public init(_ subject: Case, _ stage: Stage) {
            self.case = subject.id.description
            action = stage.kind.actionName
            ordinal = Int(stage.ordinal)
            dueAt = stage.dueAt
            state = subject.state
            client = subject.client.name
            partner = subject.partner?.name
            owner = subject.owner
        }

        enum CodingKeys: String, CodingKey {
            case `case`, action, ordinal, state, client, partner, owner
            case dueAt = "due_at"
        }
    }

    public init(due: [Item]) { self.due = due }
}

/// One outbox row as `GET /v1/notifications` lists it (and `GET /v1/notifications/{id}`
/// shows it, with its delivery attempts).
public struct NotificationJSON: Codable, Sendable, Hashable {
    public var id: String
    public var `case`: String?
    public var event: String
    public var channel: String
    public var recipient: String
    public var state: String
    public var needsAck: Bool
    public var createdAt: Date
    public var nextAttemptAt: Date
    public var attempts: Int
    /// The id that acknowledges the event (shared by its channels and reminders).
    public var acknowledge: String?
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    public var deliveredAt: Date?
    public var lastError: String?
    public var digest: String?
    public var reminders: Int?
    /// Every delivery attempt (only on `GET /v1/notifications/{id}`).
    public var history: [Attempt]?

    /// One delivery attempt.
    public struct Attempt: Codable, Sendable, Hashable {
        public var number: Int
        public var at: Date
        public var result: String
        public var httpStatus: Int?
        public var exitStatus: Int?
        public var error: String?

        public init(number: Int, at: Date, result: String, httpStatus: Int?, exitStatus: Int?, error: String?) {
            self.number = number
            self.at = at
            self.result = result
            self.httpStatus = httpStatus
            self.exitStatus = exitStatus
            self.error = error
        }

        enum CodingKeys: String, CodingKey {
            case number, at, result, error
            case httpStatus = "http_status"
            case exitStatus = "exit_status"
        }
    }

    public init(
        id: String, case: String?, event: String, channel: String, recipient: String, state: String, needsAck: Bool,
        createdAt: Date, nextAttemptAt: Date, attempts: Int
    ) {
        self.id = id
        self.case = `case`
        self.event = event
        self.channel = channel
        self.recipient = recipient
        self.state = state
        self.needsAck = needsAck
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.attempts = attempts
    }

    enum CodingKeys: String, CodingKey {
        case id, `case`, event, channel, recipient, state, attempts, acknowledge, digest, reminders, history
        case needsAck = "needs_ack"
        case createdAt = "created_at"
        case nextAttemptAt = "next_attempt_at"
        case acknowledgedBy = "acknowledged_by"
        case acknowledgedAt = "acknowledged_at"
        case deliveredAt = "delivered_at"
        case lastError = "last_error"
    }
}

/// `GET /v1/notifications`.
public struct NotificationList: Codable, Sendable, Hashable {
    public var notifications: [NotificationJSON]
    public init(notifications: [NotificationJSON]) { self.notifications = notifications }
}

/// `POST /v1/reload`: the outcome.
public struct ReloadJSON: Codable, Sendable, Hashable {
    public var reloaded: Bool
    public var message: String
    public init(reloaded: Bool, message: String) {
        self.reloaded = reloaded
        self.message = message
    }
}

/// `GET /v1/obs-note`: the adapted OBS note (§5 rule 2).
public struct ObsNoteJSON: Codable, Sendable, Hashable {
    public var data: [String]
    public var text: String
    public init(data: [String], text: String) {
        self.data = data
        self.text = text
    }
}

/// `POST /v1/backup`: where to write the copy.
public struct BackupBody: Codable, Sendable, Hashable {
    /// An absolute path, in a folder the daemon's user may write.
    public var path: String

    public init(path: String) { self.path = path }
}

/// The answer of `POST /v1/backup`.
public struct BackupJSON: Codable, Sendable, Hashable {
    public var path: String
    public var bytes: Int
    public var cases: Int
    public var integrity: String

    public init(path: String, bytes: Int, cases: Int, integrity: String) {
        self.path = path
        self.bytes = bytes
        self.cases = cases
        self.integrity = integrity
    }
}

/// `POST /v1/notify-test`: one of a webhook's name or a mail address.
public struct NotifyTestBody: Codable, Sendable, Hashable {
    public var webhook: String?
    public var mail: String?

    public init(webhook: String? = nil, mail: String? = nil) {
        self.webhook = webhook
        self.mail = mail
    }
}

/// How a test notification went: through or not, with what the transport said.
public struct NotifyTestJSON: Codable, Sendable, Hashable {
    public var delivered: Bool
    /// `delivered`, `retry` (a passing failure) or `refused`.
    public var result: String
    public var channel: String
    public var recipient: String
    public var httpStatus: Int?
    public var exitStatus: Int?
    public var error: String?

    public init(
        delivered: Bool, result: String, channel: String, recipient: String, httpStatus: Int?, exitStatus: Int?,
        error: String?
    ) {
        self.delivered = delivered
        self.result = result
        self.channel = channel
        self.recipient = recipient
        self.httpStatus = httpStatus
        self.exitStatus = exitStatus
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case delivered, result, channel, recipient, error
        case httpStatus = "http_status"
        case exitStatus = "exit_status"
    }
}
