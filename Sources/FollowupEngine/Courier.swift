import FollowupConfig
import FollowupCore
import FollowupStorage
import Foundation

/// Turns a transition's actions into what storage commits with it: one outbox row per event
/// per recipient channel, partner mail, and stored reports.
///
/// Recipients come from the configuration (§4.1): the owner's address and webhooks, the
/// case's leader (else every leader), the client's address. On a sensitive case nothing of
/// the notes or returns goes into a payload.
public struct Courier: Sendable {
    let rulebook: Rulebook
    let makeID: @Sendable () -> String

    public init(rulebook: Rulebook, makeID: @escaping @Sendable () -> String = Rulebook.newID) {
        self.rulebook = rulebook
        self.makeID = makeID
    }

    /// The stored change for `transition`, made at `now`.
    public func change(for transition: Transition, at now: Date) throws -> StoredChange {
        var change = StoredChange(case: transition.case, entries: transition.entries)
        let subject = transition.case
        for action in transition.actions {
            switch action {
            case .notify(let intent):
                change.outbox += try messages(for: intent, about: subject, at: now)
            case .mailPartner(let mail):
                change.outbox.append(
                    OutboxMessage(
                        id: mail.notificationID, caseID: subject.id, event: .resent, channel: .partnerMail,
                        recipient: mail.to.joined(separator: ", "), needsAck: false, createdAt: now,
                        nextAttemptAt: now, payload: try Payload.encode(PartnerMailPayload(mail, subject, at: now))))
            case .issueReport(let id, let reason):
                let document = ReportDocument(id: id, of: subject, reason: reason, generatedAt: now)
                change.reports.append(
                    StoredReport(
                        id: id, caseID: subject.id, reason: reason, generatedAt: now,
                        document: try Payload.encode(document)))
            }
        }
        return change
    }

    /// One outbox row per recipient channel of the intent's audience.
    func messages(for intent: NotificationIntent, about subject: Case, at now: Date) throws -> [OutboxMessage] {
        let payload = try Payload.encode(
            NotificationPayload(type: intent.event.rawValue, timestamp: now, data: .init(intent, subject)))
        return channels(for: intent.audience, of: subject).map { channel in
            OutboxMessage(
                id: makeID(), caseID: subject.id, event: intent.event, channel: channel.kind,
                recipient: channel.recipient, needsAck: intent.needsAck, createdAt: now, nextAttemptAt: now,
                payload: payload)
        }
    }

    struct Recipient: Hashable {
        var kind: OutboxMessage.Channel
        var recipient: String
    }

    /// The distinct channels that reach an audience, in a stable order.
    func channels(for audience: Set<NotificationIntent.Audience>, of subject: Case) -> [Recipient] {
        let configuration = rulebook.configuration
        var found: [Recipient] = []
        func add(_ recipient: Recipient) {
            if !found.contains(recipient) { found.append(recipient) }
        }
        func add(email: String?, webhooks: [String]) {
            for name in webhooks { add(Recipient(kind: .webhook, recipient: name)) }
            if let email { add(Recipient(kind: .mail, recipient: email)) }
        }
        var leaders: [Leader] = []
        if audience.contains(.leaders) {
            if let name = subject.leader, let leader = configuration.leader(named: name) {
                leaders.append(leader)
            } else {
                leaders += configuration.leaders
            }
        }
        if audience.contains(.allLeaders) { leaders += configuration.leaders }
        if audience.contains(.ops) { leaders += configuration.leaders.filter(\.ops) }
        if audience.contains(.owner), let owner = configuration.owner(named: subject.owner) {
            add(email: owner.email, webhooks: owner.webhooks)
        }
        for leader in leaders { add(email: leader.email, webhooks: leader.webhooks) }
        if audience.contains(.client), let email = subject.client.email {
            add(Recipient(kind: .clientMail, recipient: email))
        }
        return found
    }
}

/// JSON documents queued in the outbox: RFC 3339 dates, sorted keys.
enum Payload {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return try encoder.encode(value)
    }
}

/// The webhook body of §6.6: `{"type", "timestamp", "data"}`.
struct NotificationPayload: Encodable {
    var type: String
    var timestamp: Date
    var data: CaseSummary

    /// What a notification says about a case; never its notes or returns' text.
    struct CaseSummary: Encodable {
        var `case`: String
        var kind: String
        var state: String
        var summary: String
        var client: String
        var ticket: String?
        var partner: String?
        var subject: String
        var owner: String
        var leader: String?
        var priority: Bool
        var urgent: Bool
        var needsAck: Bool
        var attempts: Int
        var report: String?
        var reason: String?
        var deadline: Date?
        var implementationAt: Date?

        init(_ intent: NotificationIntent, _ subject: Case) {
            self.case = subject.id.description
            kind = subject.kind.rawValue
            state = subject.state.rawValue
            summary = intent.summary
            client = subject.client.name
            ticket = subject.client.ticket
            partner = subject.partner?.name
            self.subject = subject.subject
            owner = subject.owner
            leader = subject.leader
            priority = subject.isPriority
            urgent = subject.flags[.urgent] != nil
            needsAck = intent.needsAck
            attempts = subject.attempts.count
            let latest =
                intent.event == .reportGenerated || intent.event == .partnerRefused ? subject.reports.last : nil
            report = latest?.id
            reason = latest?.reason.rawValue
            deadline = subject.deadline
            implementationAt = subject.implementationAt
        }

        enum CodingKeys: String, CodingKey {
            case `case`, kind, state, summary, client, ticket, partner, subject, owner, leader, priority, urgent
            case attempts, report, reason, deadline
            case needsAck = "needs_ack"
            case implementationAt = "implementation_at"
        }
    }
}

/// What the resend mail (§4.3) is rendered from at delivery.
struct PartnerMailPayload: Encodable {
    var `case`: String
    var attempt: Int
    var to: [String]
    var messageID: String
    var inReplyTo: String?
    var references: [String]
    var subject: String
    var verification: String
    var owner: String
    var partner: String
    var client: String
    var firstRequestAt: Date?
    var queuedAt: Date

    init(_ mail: PartnerMail, _ subject: Case, at now: Date) {
        self.case = subject.id.description
        attempt = mail.attempt
        to = mail.to
        messageID = mail.messageID
        inReplyTo = mail.inReplyTo
        references = mail.references
        self.subject = subject.subject
        verification = subject.verification
        owner = subject.owner
        partner = subject.partner?.name ?? ""
        client = subject.client.name
        firstRequestAt = subject.attempts.first?.at
        queuedAt = now
    }

    enum CodingKeys: String, CodingKey {
        case `case`, attempt, to, references, subject, verification, owner, partner, client
        case messageID = "message_id"
        case inReplyTo = "in_reply_to"
        case firstRequestAt = "first_request_at"
        case queuedAt = "queued_at"
    }
}
