import Foundation

extension WebhookBody {
    /// A Teams Workflows message: one Adaptive Card 1.4 attachment.
    ///
    /// A TextBlock's text and a FactSet's values are Markdown to Teams (emphasis, lists,
    /// links): everything written there goes through ``markdownEscaped(_:)``, so a partner's
    /// reply quoted in the summary, a client's name or a subject shows as typed and cannot
    /// put a link with a disguised target into the leaders' channel.
    ///
    /// Workflows ("Post to a channel when a webhook request is received") take
    /// `{"type": "message", "attachments": [{"contentType": …, "content": <card>}]}` and answer 202.
    static func teams(_ content: NotificationContent) -> [String: Any] {
        var body: [[String: Any]] = [
            [
                "type": "TextBlock", "text": markdownEscaped(content.headline), "size": "Large", "weight": "Bolder",
                "wrap": true,
                "style": "heading", "color": content.urgent ? "Attention" : "Default",
            ]
        ]
        if !content.facts.isEmpty {
            body.append([
                "type": "FactSet",
                "facts": content.facts.map {
                    ["title": markdownEscaped($0.label), "value": markdownEscaped($0.value)]
                },
            ])
        }
        body.append(["type": "TextBlock", "text": markdownEscaped(content.summary), "wrap": true])
        if let heading = content.itemsHeading {
            body.append([
                "type": "TextBlock", "text": markdownEscaped(heading), "weight": "Bolder", "wrap": true,
                "spacing": "Medium",
            ])
            for item in content.items {
                body.append([
                    "type": "TextBlock", "text": "• " + markdownEscaped(item), "wrap": true, "spacing": "Small",
                ])
            }
        }
        if let prompt = content.ackPrompt, let command = content.ackCommand {
            body.append([
                "type": "TextBlock", "text": markdownEscaped(prompt), "wrap": true, "weight": "Bolder",
                "spacing": "Medium",
            ])
            body.append([
                "type": "TextBlock", "text": markdownEscaped(command), "wrap": true, "fontType": "Monospace",
            ])
            if let omitted = content.ackLinksOmitted {
                body.append(["type": "TextBlock", "text": markdownEscaped(omitted), "wrap": true, "isSubtle": true])
            }
        }
        var card: [String: Any] = [
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": body,
            "msteams": ["width": "Full"],
        ]
        // One "Confirmar ciência" per person the channel reaches (§6.9), then the ticket
        // ("Abrir SSC"): a button's title is plain text. The link only opens the page; its
        // button acknowledges, so a preview fetching the address changes nothing.
        let buttons = content.ackLinks.prefix(AckLink.buttonLimit) + (content.ticket.map { [$0] } ?? [])
        if !buttons.isEmpty {
            card["actions"] = buttons.map { ["type": "Action.OpenUrl", "title": $0.title, "url": $0.url] }
        }
        return [
            "type": "message",
            "attachments": [
                ["contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": NSNull(), "content": card]
            ],
        ]
    }

    /// Punctuation that starts Markdown syntax in a TextBlock (emphasis, code, strike-through,
    /// links and images, autolinks, headings, tables).
    private static let markdownSpecial: Set<Character> = ["\\", "*", "_", "`", "~", "[", "]", "<", ">", "#", "|"]

    /// `text` as literal text in a TextBlock's Markdown: a backslash before each special
    /// character (CommonMark escapes, which Teams honours), and before the `-`, `+` or `.` that
    /// would make a line a list item.
    static func markdownEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        var lineStart = true
        var leadingDigits = false
        for character in text {
            if character.isNewline {
                out.append(character)
                lineStart = true
                leadingDigits = false
                continue
            }
            let listMarker =
                (lineStart && (character == "-" || character == "+")) || (leadingDigits && character == ".")
            if markdownSpecial.contains(character) || listMarker { out.append("\\") }
            out.append(character)
            leadingDigits = (lineStart || leadingDigits) && character.isASCII && character.isNumber
            lineStart = lineStart && character == " "
        }
        return out
    }
}
