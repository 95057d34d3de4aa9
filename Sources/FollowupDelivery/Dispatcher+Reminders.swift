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

    /// The rows repeating `head`'s event (`notification.unacknowledged`, `handoff.reminder` or
    /// `notice.reminder`) to `head`'s own channel and, but for notices, to every leader; they
    /// join its acknowledgement group.
    func reminders(of head: OutboxMessage, group: String, number: Int, now: Date, in configuration: Configuration)
        throws -> [OutboxMessage]
    {
        var document = try JSONCoding.decoder().decode(NotificationDocument.self, from: head.payload)
        document.data.repeats = document.type
        document.data.reminder = number
        document.data.acknowledge = group
        document.data.needsAck = true
        // A hand-off reminds the leaders, a notice the technician who has not seen it (§5 rules
        // 5 and 7); anything else goes again to every leader.
        let event: NotificationEvent =
            switch head.event {
            case .handoffCreated, .handoffReminder: .handoffReminder
            case .noticePosted, .noticeReminder: .noticeReminder
            default: .unacknowledged
            }
        document.type = event.rawValue
        document.timestamp = now
        let payload = try JSONCoding.encoder().encode(document)
        let own = Courier.Recipient(kind: head.channel, recipient: head.recipient)
        var channels =
            event == .noticeReminder ? [] : rulebooks.current.leaderChannels(configuration.leaders)
        if !channels.contains(own) { channels.insert(own, at: 0) }
        return channels.map { channel in
            OutboxMessage(
                id: makeID(), caseID: head.caseID, event: event, channel: channel.kind,
                recipient: channel.recipient, needsAck: true, createdAt: now, nextAttemptAt: now, payload: payload,
                ackGroup: group, urgent: head.urgent)
        }
    }
}
