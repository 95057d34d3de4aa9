import Foundation

extension WebhookBody {
    /// A Teams Workflows message: one Adaptive Card 1.4 attachment.
    ///
    /// Workflows ("Post to a channel when a webhook request is received") take
    /// `{"type": "message", "attachments": [{"contentType": …, "content": <card>}]}` and answer 202.
    static func teams(_ content: NotificationContent) -> [String: Any] {
        var body: [[String: Any]] = [
            [
                "type": "TextBlock", "text": content.headline, "size": "Large", "weight": "Bolder", "wrap": true,
                "style": "heading", "color": content.urgent ? "Attention" : "Default",
            ]
        ]
        if !content.facts.isEmpty {
            body.append([
                "type": "FactSet",
                "facts": content.facts.map { ["title": $0.label, "value": $0.value] },
            ])
        }
        body.append(["type": "TextBlock", "text": content.summary, "wrap": true])
        if let heading = content.itemsHeading {
            body.append(["type": "TextBlock", "text": heading, "weight": "Bolder", "wrap": true, "spacing": "Medium"])
            for item in content.items {
                body.append(["type": "TextBlock", "text": "• " + item, "wrap": true, "spacing": "Small"])
            }
        }
        if let prompt = content.ackPrompt, let command = content.ackCommand {
            body.append([
                "type": "TextBlock", "text": prompt, "wrap": true, "weight": "Bolder", "spacing": "Medium",
            ])
            body.append(["type": "TextBlock", "text": command, "wrap": true, "fontType": "Monospace"])
        }
        let card: [String: Any] = [
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": body,
            "msteams": ["width": "Full"],
        ]
        return [
            "type": "message",
            "attachments": [
                ["contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": NSNull(), "content": card]
            ],
        ]
    }
}
