import FollowupConfig
import FollowupCore
import Foundation

/// The body of a webhook request in the endpoint's format (§6.6).
///
/// - `standard`: the notification document itself, `{"type", "timestamp", "data"}`, as
///   ``FollowupCore/JSONCoding`` writes it (sorted keys, RFC 3339 times).
/// - `teams`: a Microsoft Teams Workflows message carrying one Adaptive Card 1.4: the title
///   (`URGENTE: ` first when urgent), the case's facts, the summary, the acknowledgement
///   command when one is needed, a digest's items; an `Action.OpenUrl` "Confirmar ciência"
///   per person of `ackLinks` (§6.9).
/// - `slack`: a Slack message, `{"text": <fallback>, "blocks": [...]}`, with the same content
///   and a link button per person of `ackLinks`.
///
/// Titles and labels are Portuguese unless `language` is English; the summary is the desk's
/// own line. Times are written in `timeZone`.
public enum WebhookBody {
    /// The bytes to POST for `document` to an endpoint of `format`; `ackLinks` are the
    /// one-click acknowledgement links of the people the endpoint reaches (the `standard`
    /// document carries the `acknowledge` id only).
    ///
    /// - Throws: ``DeliveryError/Code/unrenderable`` when the document cannot be encoded.
    public static func render(
        _ document: NotificationDocument, format: WebhookSettings.Format, language: ReportSettings.Language,
        timeZone: TimeZone = .gmt, tickets: TicketSettings = TicketSettings(), ackLinks: [AckLink] = []
    ) throws -> Data {
        func content() -> NotificationContent {
            NotificationContent(document, language: language, timeZone: timeZone, tickets: tickets, ackLinks: ackLinks)
        }
        switch format {
        case .standard:
            do {
                return try JSONCoding.encoder().encode(document)
            } catch {
                throw DeliveryError(.unrenderable, "the notification cannot be written as JSON: \(error)")
            }
        case .teams:
            return try json(teams(content()))
        case .slack:
            return try json(slack(content(), type: document.type))
        }
    }

    /// A JSON object as compact bytes with sorted keys and unescaped slashes.
    static func json(_ object: [String: Any]) throws -> Data {
        do {
            return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw DeliveryError(.unrenderable, "the webhook message cannot be written as JSON: \(error)")
        }
    }
}
