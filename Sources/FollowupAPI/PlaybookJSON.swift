import FollowupCore
import Foundation

/// `GET /v1/queue`: a technician's items waiting on the desk, in the order to take them (§5 rule 4).
public struct QueueJSON: Codable, Sendable, Hashable {
    public var owner: String?
    public var items: [Item]

    /// One item of the queue.
    public struct Item: Codable, Sendable, Hashable {
        public var position: Int
        public var `case`: String
        public var kind: String
        public var owner: String
        public var client: String
        public var partner: String?
        public var subject: String
        public var since: Date
        /// The flag that moved it ahead of older items, or nil.
        public var skip: String?
        /// Why it waits on us.
        public var pending: String

        public init(position: Int, _ item: WorkOrder.Item) {
            self.position = position
            self.case = item.case.id.description
            kind = item.case.kind.rawValue
            owner = item.case.owner
            client = item.case.client.name
            partner = item.case.partner?.name
            subject = item.case.subject
            since = item.case.createdAt
            skip = item.skip?.rawValue
            pending = item.pending
        }
    }

    public init(owner: String?, items: [Item]) {
        self.owner = owner
        self.items = items
    }
}

/// `GET /v1/can-take`: whether a technician may take new work, and why not (§5 rule 4).
public struct CanTakeJSON: Codable, Sendable, Hashable {
    public var owner: String
    public var canTake: Bool
    public var reason: String
    public var pending: [QueueJSON.Item]

    public init(owner: String, canTake: Bool, reason: String, pending: [QueueJSON.Item]) {
        self.owner = owner
        self.canTake = canTake
        self.reason = reason
        self.pending = pending
    }

    enum CodingKeys: String, CodingKey {
        case owner, reason, pending
        case canTake = "can_take"
    }
}

/// `GET /v1/entitlements/premium-site` (§5 rule 6).
public struct EntitlementJSON: Codable, Sendable, Hashable {
    public var entitled: Bool
    public var reason: String
    public var contractedOn: String

    public init(entitled: Bool, reason: String, contractedOn: String) {
        self.entitled = entitled
        self.reason = reason
        self.contractedOn = contractedOn
    }

    enum CodingKeys: String, CodingKey {
        case entitled, reason
        case contractedOn = "contracted_on"
    }
}

/// `GET /v1/cancellations`: closed cancellations counted by reason and partner system (§5 rule 1).
public struct CancellationsJSON: Codable, Sendable, Hashable {
    public var since: String?
    public var total: Int
    public var open: Int
    public var byReason: [String: Int]
    public var byPartnerSystem: [String: Int]

    public init(since: String?, total: Int, open: Int, byReason: [String: Int], byPartnerSystem: [String: Int]) {
        self.since = since
        self.total = total
        self.open = open
        self.byReason = byReason
        self.byPartnerSystem = byPartnerSystem
    }

    enum CodingKeys: String, CodingKey {
        case since, total, open
        case byReason = "by_reason"
        case byPartnerSystem = "by_partner_system"
    }
}

/// `POST /v1/escalations`: what was sent, and the id to acknowledge.
public struct EscalationJSON: Codable, Sendable, Hashable {
    public var acknowledge: String
    public var notifications: [NotificationJSON]

    public init(acknowledge: String, notifications: [NotificationJSON]) {
        self.acknowledge = acknowledge
        self.notifications = notifications
    }
}

/// `GET /v1/notices`.
public struct NoticeList: Codable, Sendable, Hashable {
    public var notices: [Notice]
    public init(notices: [Notice]) { self.notices = notices }
}
