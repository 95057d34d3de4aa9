import FollowupConfig
import FollowupCore
import FollowupStorage
import Foundation

extension Courier {
    /// The channels of people from the configuration: each one's webhooks (those configured),
    /// then the e-mail address, without repeats.
    public func channels(of people: [(email: String?, webhooks: [String])]) -> [Recipient] {
        var found: [Recipient] = []
        for person in people {
            for name in person.webhooks where rulebook.configuration.webhooks[name] != nil {
                let channel = Recipient(kind: .webhook, recipient: name)
                if !found.contains(channel) { found.append(channel) }
            }
            if let email = person.email {
                let channel = Recipient(kind: .mail, recipient: email)
                if !found.contains(channel) { found.append(channel) }
            }
        }
        return found
    }

    /// One event that belongs to no case change (an escalation, a notice), as outbox rows to
    /// `channels`: one acknowledgement group when it needs acknowledgement, due at `dueAt`.
    public func messages(
        _ event: NotificationEvent, data: NotificationData, to channels: [Recipient], caseID: CaseID? = nil,
        at now: Date, dueAt: (Recipient) -> Date = { _ in .distantPast }
    ) throws -> [OutboxMessage] {
        let ids = channels.map { _ in makeID() }
        let group = data.needsAck ? ids.first : nil
        var data = data
        data.acknowledge = group
        let payload = try JSONCoding.encoder().encode(
            NotificationDocument(type: event.rawValue, timestamp: now, data: data))
        let ackDueAt = group.map { _ in
            rulebook.calendar(forPartner: nil).adding(rulebook.configuration.policy.ackWithin, to: now)
        }
        return zip(ids, channels).map { id, channel in
            OutboxMessage(
                id: id, caseID: caseID, event: event, channel: channel.kind, recipient: channel.recipient,
                needsAck: data.needsAck, createdAt: now, nextAttemptAt: max(now, dueAt(channel)), payload: payload,
                ackGroup: group, urgent: data.urgent, ackDueAt: id == group ? ackDueAt : nil)
        }
    }
}

extension Rulebook {
    /// The channels of `leaders`: their webhooks, then their addresses.
    public func leaderChannels(_ leaders: [Leader]) -> [Courier.Recipient] {
        Courier(rulebook: self).channels(of: leaders.map { ($0.email, $0.webhooks) })
    }
}
