import Foundation

extension WebhookBody {
    /// A Slack message (incoming webhook): a plain `text` fallback for notifications, and
    /// blocks: a header, the facts as section fields, the summary, a digest's items, the
    /// acknowledgement command, a link button per person's acknowledgement link (§6.9), and a
    /// context line naming the event.
    ///
    /// Slack's limits are kept: a header of at most 150 characters, at most 10 fields per
    /// section, section texts of at most 3,000 characters, at most 50 blocks.
    static func slack(_ content: NotificationContent, type: String) -> [String: Any] {
        var blocks: [[String: Any]] = [
            ["type": "header", "text": ["type": "plain_text", "text": clipped(content.headline, 150), "emoji": false]]
        ]
        var facts = content.facts[...]
        while !facts.isEmpty {
            let fields = facts.prefix(10).map { fact -> [String: Any] in
                // A link's address goes inside <…|…> as it is: tickets.url holds none of <, >, |.
                let value = fact.link.map { "<\($0)|\(escaped(fact.value))>" } ?? escaped(fact.value)
                return ["type": "mrkdwn", "text": clipped("*\(escaped(fact.label))*\n\(value)", 2_000)]
            }
            blocks.append(["type": "section", "fields": fields])
            facts = facts.dropFirst(10)
        }
        blocks.append(section(escaped(content.summary)))
        if let heading = content.itemsHeading {
            var text = "*\(escaped(heading))*"
            for item in content.items {
                let line = "\n• " + escaped(item)
                if text.count + line.count > 3_000 {
                    blocks.append(section(text))
                    text = ""
                }
                text += line
            }
            if !text.isEmpty { blocks.append(section(text)) }
        }
        if let prompt = content.ackPrompt, let command = content.ackCommand {
            blocks.append(section("*\(escaped(prompt))* `\(escaped(command))`"))
            if let omitted = content.ackLinksOmitted {
                blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": escaped(omitted)]]])
            }
        }
        // The buttons and the closing context line are kept when a long digest is cut.
        var tail: [[String: Any]] = []
        if !content.ackLinks.isEmpty {
            let buttons = content.ackLinks.prefix(AckLink.buttonLimit).enumerated().map { index, link in
                [
                    "type": "button", "action_id": "followupd-ack-\(index + 1)", "url": link.url, "style": "primary",
                    "text": ["type": "plain_text", "text": clipped(link.title, 75), "emoji": false],
                ] as [String: Any]
            }
            tail.append(["type": "actions", "elements": buttons])
        }
        tail.append([
            "type": "context", "elements": [["type": "mrkdwn", "text": "followupd · `\(escaped(type))`"]],
        ])
        if blocks.count + tail.count > 50 { blocks = Array(blocks.prefix(50 - tail.count)) }
        blocks += tail
        // The fallback shows in notifications as mrkdwn too: escaped like the blocks.
        let fallback = escaped("\(content.headline): \(content.summary)")
        return ["text": clipped(fallback, 3_000), "blocks": blocks]
    }

    private static func section(_ text: String) -> [String: Any] {
        ["type": "section", "text": ["type": "mrkdwn", "text": clipped(text, 3_000)]]
    }

    /// Slack's three control characters in mrkdwn text: `&`, `<` and `>`.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// At most `limit` characters, the last one an ellipsis when cut.
    static func clipped(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
