import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation

extension Dispatcher {
    /// Folds what would storm one recipient channel into one `digest` (§4.1): the foldable
    /// notifications of a claimed batch to one channel, when they come from a catch-up pass or
    /// when with the last minute's deliveries they pass `notifications.digest_threshold`.
    /// Urgent notifications, those needing acknowledgement, and mail to partners and clients
    /// are never folded. Returns the batch to deliver, digests in place of what they fold.
    func foldStorms(_ claimed: [OutboxMessage], now: Date, leaseUntil: Date, rulebook: Rulebook) async throws
        -> [OutboxMessage]
    {
        let threshold = rulebook.configuration.notifications.digestThreshold
        var groups: [String: [OutboxMessage]] = [:]
        for message in claimed where Self.isFoldable(message) {
            groups[RecentDeliveries.key(message), default: []].append(message)
        }
        var replaced: [String: OutboxMessage?] = [:]
        for (key, members) in groups.sorted(by: { $0.key < $1.key }) where members.count >= 2 {
            let storm = members.count + recentCount(key, now: now) > threshold
            guard storm || members.contains(where: \.catchUp) else { continue }
            let digest = try digest(of: members, now: now, leaseUntil: leaseUntil)
            let folded = Set(try await store.fold(members.map(\.id), into: digest))
            guard !folded.isEmpty else { continue }
            for (index, member) in members.enumerated() where folded.contains(member.id) {
                replaced[member.id] = index == 0 ? digest : .some(nil)
            }
        }
        guard !replaced.isEmpty else { return claimed }
        return claimed.compactMap { message in replaced[message.id] ?? message }
    }

    static func isFoldable(_ message: OutboxMessage) -> Bool {
        (message.channel == .webhook || message.channel == .mail) && !message.needsAck && !message.urgent
            && message.event != .digest
    }

    /// One `digest` listing `members`, oldest first, on their channel.
    func digest(of members: [OutboxMessage], now: Date, leaseUntil: Date) throws -> OutboxMessage {
        let decoder = JSONCoding.decoder()
        let items = members.sorted { $0.createdAt < $1.createdAt }.map { member in
            let document = try? decoder.decode(NotificationDocument.self, from: member.payload)
            return NotificationData.DigestItem(
                id: member.id, type: member.event.rawValue, timestamp: document?.timestamp ?? member.createdAt,
                case: member.caseID?.description, summary: document?.data.summary ?? member.event.rawValue)
        }
        var data = NotificationData(summary: "\(items.count) notificações reunidas em um resumo")
        data.items = items
        let document = NotificationDocument(type: NotificationEvent.digest.rawValue, timestamp: now, data: data)
        let first = members[0]
        return OutboxMessage(
            id: makeID(), caseID: nil, event: .digest, channel: first.channel, recipient: first.recipient,
            needsAck: false, createdAt: now, nextAttemptAt: leaseUntil,
            payload: try JSONCoding.encoder().encode(document))
    }
}
