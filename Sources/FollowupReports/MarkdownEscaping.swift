import Mustache

/// Mustache's escaping for Markdown reports: `{{x}}` writes case data as literal text.
///
/// Punctuation Markdown would read as emphasis, code, links, raw HTML or a table cell border is
/// escaped with a backslash; line breaks become spaces, so a value never ends a table row or
/// starts a heading or list.
struct MarkdownEscaping: MustacheContentType {
    /// The name in the `CONTENT_TYPE` pragma the renderer puts before Markdown templates.
    static let name = "FOLLOWUP_MARKDOWN"

    /// Registers the content type with Mustache, once per process, before any template is parsed.
    static let registered: Bool = {
        MustacheContentTypes.register(MarkdownEscaping(), named: name)
        return true
    }()

    private static let special: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~"]

    func escapeText(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            if character.isNewline {
                escaped.append(" ")
            } else {
                if Self.special.contains(character) { escaped.append("\\") }
                escaped.append(character)
            }
        }
        return escaped
    }
}
