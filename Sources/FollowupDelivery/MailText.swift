import Foundation

/// The body of a message as blocks, written once and rendered twice: as plain text and as HTML
/// (the two alternatives of every message the daemon sends, §6.7).
struct MailText: Sendable, Hashable {
    /// One block of the body.
    enum Block: Sendable, Hashable {
        /// A title line (underlined in text, `<h2>` in HTML).
        case heading(String)
        /// A paragraph; line breaks inside are kept.
        case paragraph(String)
        /// `label: value` lines (a table in HTML).
        case facts([NotificationContent.Fact])
        /// A bulleted list, under an optional lead-in line.
        case list(String?, [String])
        /// A command to type, indented in text, `<code>` in HTML.
        case command(String)
        /// `label: address`, the address written out in text (mail clients make it a link)
        /// and linked in HTML.
        case link(String, String)
        /// The closing: a signature or a footer, set apart.
        case closing([String])
    }

    var blocks: [Block] = []

    mutating func add(_ block: Block) { blocks.append(block) }

    /// The plain-text alternative: blocks separated by a blank line.
    var text: String {
        blocks.map { block in
            switch block {
            case .heading(let title):
                return title + "\n" + String(repeating: "=", count: min(title.count, 72))
            case .paragraph(let text):
                return text
            case .facts(let facts):
                return facts.map { "\($0.label): \($0.value)" + ($0.link.map { " <\($0)>" } ?? "") }
                    .joined(separator: "\n")
            case .list(let lead, let items):
                return ((lead.map { [$0] } ?? []) + items.map { "- " + $0 }).joined(separator: "\n")
            case .command(let command):
                return "    " + command
            case .link(let label, let url):
                return "\(label): \(url)"
            case .closing(let lines):
                return lines.joined(separator: "\n")
            }
        }.joined(separator: "\n\n") + "\n"
    }

    /// The HTML alternative: a small document with inline styles only (mail clients drop
    /// style sheets), every text escaped.
    var html: String {
        var out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n"
        out += "<body style=\"font-family: sans-serif; font-size: 14px; color: #222\">\n"
        for block in blocks {
            switch block {
            case .heading(let title):
                out += "<h2 style=\"font-size: 18px\">\(Self.escaped(title))</h2>\n"
            case .paragraph(let text):
                out += "<p>\(Self.escaped(text).replacingOccurrences(of: "\n", with: "<br>\n"))</p>\n"
            case .facts(let facts):
                out += "<table style=\"border-collapse: collapse\">\n"
                for fact in facts {
                    out +=
                        "<tr><th style=\"text-align: left; padding: 2px 12px 2px 0\">\(Self.escaped(fact.label))</th>"
                    let value =
                        fact.link.map { "<a href=\"\(Self.escaped($0))\">\(Self.escaped(fact.value))</a>" }
                        ?? Self.escaped(fact.value)
                    out += "<td style=\"padding: 2px 0\">\(value)</td></tr>\n"
                }
                out += "</table>\n"
            case .list(let lead, let items):
                if let lead { out += "<p><b>\(Self.escaped(lead))</b></p>\n" }
                out += "<ul>\n" + items.map { "<li>\(Self.escaped($0))</li>\n" }.joined() + "</ul>\n"
            case .command(let command):
                out += "<p><code style=\"font-size: 15px\">\(Self.escaped(command))</code></p>\n"
            case .link(let label, let url):
                out += "<p>\(Self.escaped(label)): <a href=\"\(Self.escaped(url))\">\(Self.escaped(url))</a></p>\n"
            case .closing(let lines):
                out += "<p style=\"color: #555\">" + lines.map(Self.escaped).joined(separator: "<br>\n") + "</p>\n"
            }
        }
        return out + "</body></html>\n"
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` as HTML entities.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
