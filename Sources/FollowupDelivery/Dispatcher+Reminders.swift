import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation
import Logging

extension Dispatcher {
    /// Sends again, to all leaders, each event whose acknowledgement is overdue (§4.1), at most
    /// `notifications.max_reminders` times, `policy.ack_within` apart.
    func remindUnacknowledged(now: Date) async throws {
        let rulebook = rulebooks.current
        let configuration = rulebook.configuration
        let overdue = try await store.overdueAcknowledgements(now: now, limit: batchSize)
        guard !overdue.isEmpty else { return }
        let maxReminders = configuration.notifications.maxReminders
        let calendar = rulebook.calendar(forPartner: nil)
        var queued = 0
        for head in overdue {
            let group = head.ackGroup ?? head.id
            let number = head.reminders + 1
            guard number <= maxReminders else {
                try await store.remind(group: group, with: [], nextDueAt: nil)
                continue
            }
            let next = number < maxReminders ? calendar.adding(configuration.policy.ackWithin, to: now) : nil
            let reminders = try reminders(of: head, group: group, number: number, now: now, in: configuration)
            if try await store.remind(group: group, with: reminders, nextDueAt: next) { queued += reminders.count }
        }
        if queued > 0 {
            logger.notice(
                "unacknowledged notifications sent again to all leaders",
                metadata: ["followup.event": "notification_unacknowledged", "followup.count": "\(queued)"])
        }
    }

    /// The `notification.unacknowledged` rows repeating `head`'s event to every leader and to
    /// `head`'s own channel; they join its acknowledgement group.
    func reminders(of head: OutboxMessage, group: String, number: Int, now: Date, in configuration: Configuration)
        throws -> [OutboxMessage]
    {
        var document = try NotificationCoding.decoder().decode(NotificationDocument.self, from: head.payload)
        document.data.repeats = document.type
        document.data.reminder = number
        document.data.acknowledge = group
        document.data.needsAck = true
        document.type = NotificationEvent.unacknowledged.rawValue
        document.timestamp = now
        let payload = try NotificationCoding.encoder().encode(document)
        var channels = Recipients.of(configuration.leaders, in: configuration)
        let own = Recipients.Channel(kind: head.channel, recipient: head.recipient)
        if !channels.contains(own) { channels.insert(own, at: 0) }
        return channels.map { channel in
            OutboxMessage(
                id: makeID(), caseID: head.caseID, event: .unacknowledged, channel: channel.kind,
                recipient: channel.recipient, needsAck: true, createdAt: now, nextAttemptAt: now, payload: payload,
                ackGroup: group, urgent: head.urgent)
        }
    }
}

/// The recipient channels of people from the configuration: each one's webhooks, then e-mail.
enum Recipients {
    struct Channel: Hashable {
        var kind: OutboxMessage.Channel
        var recipient: String
    }

    static func of(_ leaders: [Leader], in configuration: Configuration) -> [Channel] {
        var found: [Channel] = []
        for leader in leaders {
            for name in leader.webhooks where configuration.webhooks[name] != nil {
                let channel = Channel(kind: .webhook, recipient: name)
                if !found.contains(channel) { found.append(channel) }
            }
            if let email = leader.email {
                let channel = Channel(kind: .mail, recipient: email)
                if !found.contains(channel) { found.append(channel) }
            }
        }
        return found
    }
}
