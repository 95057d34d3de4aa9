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

    /// The stored change for `transition`, made at `now`; `catchUp` marks what a catch-up pass
    /// made (stages overdue after downtime), which reaches each channel folded into a digest.
    public func change(for transition: Transition, at now: Date, catchUp: Bool = false) throws -> StoredChange {
        var change = StoredChange(case: transition.case, entries: transition.entries)
        let subject = transition.case
        for action in transition.actions {
            switch action {
            case .notify(let intent):
                change.outbox += try messages(for: intent, about: subject, at: now, catchUp: catchUp)
            case .mailPartner(let mail):
                change.outbox.append(
                    OutboxMessage(
                        id: mail.notificationID, caseID: subject.id, event: mail.attempt == 1 ? .requestSent : .resent,
                        channel: .partnerMail,
                        recipient: mail.to.joined(separator: ", "), needsAck: false, createdAt: now,
                        nextAttemptAt: now,
                        payload: try JSONCoding.encoder().encode(PartnerMailDocument(mail, subject, at: now))))
            case .issueReport(let id, let reason):
                let document = ReportDocument(
                    id: id, of: subject, reason: reason, generatedAt: now, desk: deskContact(for: subject))
                change.reports.append(
                    StoredReport(
                        id: id, caseID: subject.id, reason: reason, generatedAt: now,
                        document: try JSONCoding.encoder().encode(document)))
                // The files under reports.dir are written by the delivery worker, after the
                // commit: the database stays the source of truth, a failed write is retried.
                if let folder = rulebook.configuration.reports.dir {
                    change.outbox.append(
                        OutboxMessage(
                            id: makeID(), caseID: subject.id, event: .reportGenerated, channel: .reportFile,
                            recipient: folder, needsAck: false, createdAt: now, nextAttemptAt: now,
                            payload: Data(id.utf8)))
                }
            }
        }
        return change
    }

    /// Who the desk is for `subject`'s report: the company, and the owner's name and contact
    /// from `owners` (the desk's own address and number when the owner has none). An owner not
    /// in `owners` is left unnamed: the case's owner may be a login name, never shown to a client.
    func deskContact(for subject: Case) -> ReportDocument.DeskContact {
        let configuration = rulebook.configuration
        let owner = configuration.owner(named: subject.owner)
        return ReportDocument.DeskContact(
            company: configuration.desk.company, technician: owner?.name,
            email: owner?.email ?? configuration.desk.email, phone: owner?.phoneNumber ?? configuration.desk.phone)
    }

    /// One outbox row per recipient channel of the intent's audience.
    func messages(for intent: NotificationIntent, about subject: Case, at now: Date, catchUp: Bool = false) throws
        -> [OutboxMessage]
    {
        let channels = channels(for: intent.audience, of: subject)
        let ids = channels.map { _ in makeID() }
        // One acknowledgement closes the event on every channel: its first notification's id.
        let group = intent.needsAck ? ids.first : nil
        let latest =
            intent.event == .reportGenerated || intent.event == .partnerRefused ? subject.reports.last : nil
        var data = NotificationData(summary: intent.summary, about: subject, needsAck: intent.needsAck, report: latest)
        data.acknowledge = group
        let payload = try JSONCoding.encoder().encode(
            NotificationDocument(type: intent.event.rawValue, timestamp: now, data: data))
        let ackDueAt = group.map { _ in
            let env = rulebook.environment(forPartner: subject.partner?.name, now: now, by: CaseEnvironment.daemon)
            // Leaders' time, not the partner's: the desk's own calendar.
            return rulebook.calendar(forPartner: nil).adding(env.policy(for: subject).ackWithin, to: now)
        }
        let urgent = data.urgent || intent.event == .escalationUrgent
        return zip(ids, channels).map { id, channel in
            OutboxMessage(
                id: id, caseID: subject.id, event: intent.event, channel: channel.kind,
                recipient: channel.recipient, needsAck: intent.needsAck, createdAt: now, nextAttemptAt: now,
                payload: payload, ackGroup: group, urgent: urgent, catchUp: catchUp && !urgent && !intent.needsAck,
                ackDueAt: id == group ? ackDueAt : nil)
        }
    }

    /// One recipient channel: a webhook's name, or an address.
    public struct Recipient: Hashable, Sendable {
        public var kind: OutboxMessage.Channel
        public var recipient: String

        public init(kind: OutboxMessage.Channel, recipient: String) {
            self.kind = kind
            self.recipient = recipient
        }
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
