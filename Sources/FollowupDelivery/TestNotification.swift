import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation

/// A test notification (§6.10 `followupctl notify test`): sent now through the real transport
/// of one webhook or to one mail address, never queued, so ops can check a new webhook or the
/// mail path without waiting for a real event.
public enum TestNotification {
    /// Where the test goes.
    public enum Target: Sendable, Hashable {
        case webhook(String)
        case mail(String)
    }

    /// The event type the test carries (its title reads "Teste de notificação do followupd").
    public static let event = NotificationEvent(rawValue: "notification.test")

    /// Sends one test notification to `target` through `carrier` and tells how it went.
    /// An unknown webhook or an unusable address is a ``FollowupError`` naming the field.
    public static func send(
        to target: Target, by person: String, carrier: any NotificationCarrier, rulebook: Rulebook, now: Date
    ) async throws -> DeliveryOutcome {
        let channel: OutboxMessage.Channel
        let recipient: String
        switch target {
        case .webhook(let name):
            guard rulebook.configuration.webhooks[name] != nil else {
                let known = rulebook.configuration.webhooks.keys.sorted().joined(separator: ", ")
                throw FollowupError.invalid(
                    "webhook", "there is no webhook named \(name) in the configuration (known: \(known))")
            }
            channel = .webhook
            recipient = name
        case .mail(let address):
            if let problem = AddressSyntax.problem(address) {
                throw FollowupError.invalid("mail", "\"\(address)\" is not an e-mail address: \(problem)")
            }
            channel = .mail
            recipient = address
        }
        let document = NotificationDocument(
            type: event.rawValue, timestamp: now,
            data: NotificationData(
                summary: "Teste de notificação do followupd, pedido por \(person): se esta mensagem chegou, "
                    + "o caminho até aqui funciona."))
        let message = OutboxMessage(
            id: "test-" + Rulebook.newID(), caseID: nil, event: event, channel: channel, recipient: recipient,
            needsAck: false, createdAt: now, nextAttemptAt: now, payload: try JSONCoding.encoder().encode(document))
        return await carrier.carry(message, rulebook: rulebook)
    }
}
