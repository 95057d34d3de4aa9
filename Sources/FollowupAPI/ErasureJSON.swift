import FollowupCore

/// The body of `POST /v1/erase` (`followupctl erase`): exactly one of `client` and `case`.
public struct EraseBody: Codable, Sendable, Hashable {
    /// A client's name, as the cases spell it (case does not matter).
    public var client: String?
    /// A case id (`FU-12` or `12`).
    public var `case`: String?
    /// List what would go; change nothing.
    public var dryRun: Bool?
    /// Erase open cases too.
    public var force: Bool?

    public init(client: String? = nil, case: String? = nil, dryRun: Bool? = nil, force: Bool? = nil) {
        self.client = client
        self.case = `case`
        self.dryRun = dryRun
        self.force = force
    }

    enum CodingKeys: String, CodingKey {
        case client, `case`, force
        case dryRun = "dry_run"
    }
}

/// The answer of `POST /v1/erase`: the cases erased (or that would be), the notifications
/// whose payloads were emptied and the files removed; a dry run lists exactly what the
/// erasure would remove.
public struct ErasureJSON: Codable, Sendable, Hashable {
    /// One case of an erasure; `client` is the name before erasure.
    public struct ErasedCase: Codable, Sendable, Hashable {
        public var id: String
        public var state: CaseState
        public var client: String

        public init(id: String, state: CaseState, client: String) {
            self.id = id
            self.state = state
            self.client = client
        }
    }

    public var dryRun: Bool
    public var cases: [ErasedCase]
    /// Notification ids whose stored payloads were emptied (the outbox keeps the row).
    public var notifications: [String]
    /// Report files and folders, spool files and inbound mail copies, in removal order.
    public var files: [String]

    public init(dryRun: Bool, cases: [ErasedCase], notifications: [String], files: [String]) {
        self.dryRun = dryRun
        self.cases = cases
        self.notifications = notifications
        self.files = files
    }

    enum CodingKeys: String, CodingKey {
        case cases, notifications, files
        case dryRun = "dry_run"
    }
}
