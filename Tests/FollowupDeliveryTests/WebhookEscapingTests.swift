import FollowupConfig
import FollowupCore
import FollowupDelivery
import Foundation
import Testing

/// Text from outside (a partner's reply quoted in the summary, names, subjects) arrives inert in
/// the Teams card's Markdown and in Slack's mrkdwn (issue 13): shown as typed, never a link.
struct WebhookEscapingTests {
    static let excerpt =
        "Veja [clique](http://evil.example/login) e <http://x.example|y> **urgente** <!channel> _já_ `ok`\n"
        + "- item\n1. um # dois | três ~x~ \\fim"

    /// A `case.partner_replied` notification whose every outside text carries markup.
    static func hostile() -> NotificationDocument {
        var data = NotificationData(
            summary: "FU-12: SIEG [x](http://evil.example) respondeu por e-mail: \"\(excerpt)\"")
        data.case = "FU-12"
        data.client = "Pão & Cia [Matriz](http://evil.example/c) <b>"
        data.partner = "SIEG *Oficial*"
        data.subject = "Re: <http://evil.example|Clique aqui>"
        return NotificationDocument(type: "case.partner_replied", timestamp: Fixture.when, data: data)
    }

    @Test func teamsTextRenderedAsCommonMarkIsTheTextAsTypedWithNoLinkOrEmphasis() async throws {
        let document = Self.hostile()
        let card = try WebhookBodyTests.teamsCard(WebhookBody.render(document, format: .teams, language: .ptBR))
        let values = card.card["body"].array.flatMap { block in
            [block["text"].string].compactMap { $0 } + block["facts"].array.compactMap { $0["value"].string }
        }
        // Each text as Markdown, by markdown-it (CommonMark): the HTML it makes, and its text.
        let output = try await Python.run(
            """
            import html, json, re, sys
            from markdown_it import MarkdownIt
            md = MarkdownIt("commonmark")
            out = []
            for text in json.loads(sys.argv[1]):
                rendered = md.render(text)
                shown = html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()
                out.append({"html": rendered, "shown": shown})
            print(json.dumps(out))
            """, [String(decoding: try JSONSerialization.data(withJSONObject: values), as: UTF8.self)])
        let rendered = try #require(try JSONSerialization.jsonObject(with: output) as? [[String: String]])
        #expect(rendered.count == values.count)
        for item in rendered {
            let html = item["html"] ?? ""
            for tag in ["<a ", "<em>", "<strong>", "<code>", "<ul>", "<ol>", "<h1>", "<b>", "<img"] {
                #expect(!html.contains(tag), "\(tag) in \(html)")
            }
        }
        let shown = rendered.compactMap { $0["shown"] }
        #expect(shown.contains { $0.contains("Veja [clique](http://evil.example/login) e <http://x.example|y>") })
        #expect(shown.contains { $0.contains("**urgente** <!channel> _já_ `ok`") })
        #expect(shown.contains { $0.contains("- item\n1. um # dois | três ~x~ \\fim") })
        #expect(shown.contains("Pão & Cia [Matriz](http://evil.example/c) <b>"))
        #expect(shown.contains("SIEG *Oficial*"))
        #expect(shown.contains("Re: <http://evil.example|Clique aqui>"))
    }

    @Test func slackMrkdwnHasNoRawAngleBracketAndReadsBackAsTyped() throws {
        let message = try JSONValue(WebhookBody.render(Self.hostile(), format: .slack, language: .ptBR))
        var texts = [message["text"].string].compactMap { $0 }
        for block in message["blocks"].array where block["type"].string != "header" {
            texts += [block["text"]["text"].string].compactMap { $0 }
            texts += block["fields"].array.compactMap { $0["text"].string }
            texts += block["elements"].array.compactMap { $0["text"].string }
        }
        #expect(texts.count >= 4)
        for text in texts {
            // Slack reads <…> as a link, a mention or a command: none may come from outside.
            #expect(!text.contains("<") && !text.contains(">"), "\(text)")
            let ampersands = text.components(separatedBy: "&").dropFirst()
            #expect(
                ampersands.allSatisfy { $0.hasPrefix("amp;") || $0.hasPrefix("lt;") || $0.hasPrefix("gt;") },
                "a bare & in \(text)")
        }
        let unescaped = texts.map {
            $0.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
        #expect(unescaped.contains { $0.contains("<http://x.example|y> **urgente** <!channel>") })
        #expect(unescaped.contains { $0.contains("Pão & Cia [Matriz](http://evil.example/c) <b>") })
        #expect(unescaped.contains { $0.contains("Re: <http://evil.example|Clique aqui>") })
        #expect(message["text"].string?.contains("&lt;http://x.example|y&gt;") == true, "the fallback too")
    }
}
