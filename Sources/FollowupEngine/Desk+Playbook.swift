import FollowupConfig
import FollowupCore
import FollowupStorage
import Foundation
import Logging

/// The rest of the desk's playbook (§5) that is not a case transition: urgent escalations
/// and important notices.
extension Desk {
    /// Sends `escalation.urgent` to every leader at once (§5 rule 3), needing acknowledgement:
    /// Teams webhooks first, the other channels a few seconds later. Returns the rows queued.
    public func escalate(service: String, client: String, note: String, by: String) async throws -> [OutboxMessage] {
        let rulebook = rulebooks.current
        let now = clock.now()
        let service = try Self.required(service, "service")
        let client = try Self.required(client, "client")
        let note = try Self.required(note, "note")
        var data = NotificationData(summary: "URGENTE: \(service) inoperante para o cliente \(client): \(note)")
        data.client = client
        data.subject = service
        data.owner = by
        data.urgent = true
        data.needsAck = true
        let channels = rulebook.leaderChannels(rulebook.configuration.leaders)
        guard !channels.isEmpty else {
            throw FollowupError.invalid(
                "leaders", "no leader has a webhook or an address in the configuration: nobody could be called")
        }
        let webhooks = rulebook.configuration.webhooks
        let rows = try Courier(rulebook: rulebook).messages(.escalationUrgent, data: data, to: channels, at: now) {
            channel in
            channel.kind == .webhook && webhooks[channel.recipient]?.format == .teams ? now : now.addingTimeInterval(3)
        }
        try await store.queueNotifications(rows)
        outboxBell.ring()
        logger.warning(
            "urgent escalation sent to the leaders",
            metadata: [
                "followup.event": "escalation", "followup.by": "\(by)", "followup.notification": "\(rows[0].id)",
                "followup.count": "\(rows.count)",
            ])
        return rows
    }

    /// Posts an important notice to every technician in `owners` (§5 rule 5); each must
    /// acknowledge it, and is reminded after `policy.ack_within` until then.
    public func postNotice(title: String, text: String, by: String) async throws -> Notice {
        let rulebook = rulebooks.current
        let now = clock.now()
        let title = try Self.required(title, "title", limit: 300)
        let text = try Self.required(text, "text")
        let owners = rulebook.configuration.owners
        guard !owners.isEmpty else {
            throw FollowupError.invalid("owners", "there are no technicians (owners) in the configuration to tell")
        }
        let id = Rulebook.newID()
        let courier = Courier(rulebook: rulebook)
        var rows: [OutboxMessage] = []
        var recipients: [Notice.Recipient] = []
        for owner in owners {
            var data = NotificationData(summary: "Aviso importante de \(by): \(title)")
            data.needsAck = true
            data.notice = id
            data.title = title
            data.text = text
            data.owner = owner.name
            let channels = courier.channels(of: [(owner.email, owner.webhooks)])
            let mine = try courier.messages(.noticePosted, data: data, to: channels, at: now)
            rows += mine
            recipients.append(Notice.Recipient(owner: owner.name, acknowledge: mine.first?.ackGroup))
        }
        let notice = Notice(id: id, title: title, text: text, postedBy: by, postedAt: now, recipients: recipients)
        try await store.postNotice(notice, notifications: rows)
        outboxBell.ring()
        logger.info(
            "notice posted",
            metadata: ["followup.event": "notice_posted", "followup.notice": "\(id)", "followup.by": "\(by)"])
        return notice
    }

    /// Records that `owner` (by default the caller) saw the notice.
    public func acknowledgeNotice(_ id: String, owner: String?, by: String) async throws -> Notice {
        try await store.acknowledgeNotice(id, owner: owner ?? by, by: by, at: clock.now())
    }

    static func required(_ value: String, _ field: String, limit: Int = 20_000) throws(FollowupError) -> String {
        let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw FollowupError.invalid(field, "must not be empty") }
        guard text.count <= limit else { throw FollowupError.invalid(field, "is longer than \(limit) characters") }
        return text
    }
}
