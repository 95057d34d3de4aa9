import Crypto
import FollowupConfig
import FollowupCore
import FollowupStorage
import Foundation

extension AckLinks {
    /// The name of the signing key among the keys kept in the database.
    public static let keyName = "ack-links"

    /// The daemon's signer of acknowledgement links: the key ``keyName`` read from the
    /// database, made (32 random bytes) and stored the first time; nil without `web` (no
    /// links) or with a store that keeps no keys.
    public static func load(for web: WebSettings?, from store: any CaseStore) async throws -> AckLinks? {
        guard let web, let keys = store as? any AccountStore else { return nil }
        let key = try await keys.secret(keyName) { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) } }
        return AckLinks(key: key, baseURL: web.baseURL, lifetime: web.ackLinksTTL)
    }

    /// The one-click acknowledgement links `message` carries when it is composed at `now`
    /// (§6.9): one per person its channel reaches who may acknowledge it, each naming the
    /// notification and the person and expiring `web.ack_links_ttl` after `now`. None when
    /// the notification needs no acknowledgement or `web` is not configured.
    ///
    /// The address and lifetime come from `configuration` (a reload may change `public_url`
    /// and `ack_links_ttl`); the key is the one these links were made with, read once from the
    /// database.
    public func links(
        for message: OutboxMessage, document: NotificationDocument, in configuration: Configuration, now: Date
    ) -> [AckLink] {
        guard message.needsAck, let web = configuration.web else { return [] }
        let current = AckLinks(key: key, baseURL: web.baseURL, lifetime: web.ackLinksTTL)
        return Self.people(for: message, document: document, in: configuration).map { person in
            AckLink(person: person, url: current.url(notification: message.id, person: person, now: now))
        }
    }

    init(key: SymmetricKey, baseURL: String, lifetime: Duration) {
        self.key = key
        self.baseURL = baseURL
        self.lifetime = lifetime
    }

    /// Who may acknowledge `message` by a link, in the configuration's order: the people of
    /// the configuration its channel reaches (a webhook listed in their `webhooks`, their
    /// `email`) among those it is meant for.
    ///
    /// - A notice (`notice.posted`, `notice.reminder`, §5 rule 5) is acknowledged by its own
    ///   technician only (each one's notice is a notification of its own): that technician,
    ///   whatever the channel.
    /// - Anything else needing acknowledgement (escalations, hand-offs, priority requests,
    ///   reminders) is the leaders' to acknowledge (§6.3): the leaders the channel reaches;
    ///   only the case's leader when the event went to the case's leader alone (a first
    ///   sending naming a leader the channel reaches), every one of them on a reminder, which
    ///   goes to all leaders.
    public static func people(
        for message: OutboxMessage, document: NotificationDocument, in configuration: Configuration
    ) -> [String] {
        let data = document.data
        if message.event == .noticePosted || message.event == .noticeReminder {
            return data.owner.flatMap(configuration.owner(named:)).map { [$0.name] } ?? []
        }
        let reached = configuration.leaders.filter { leader in
            switch message.channel {
            case .webhook: leader.webhooks.contains(message.recipient)
            case .mail: leader.email.map { OutboxCarrier.sameAddress($0, message.recipient) } ?? false
            case .partnerMail, .clientMail, .reportFile: false
            }
        }
        if data.reminder == nil, let name = data.leader, let leader = configuration.leader(named: name),
            reached.contains(leader)
        {
            return [leader.name]
        }
        return reached.map(\.name)
    }
}
