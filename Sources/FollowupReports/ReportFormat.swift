/// A rendering of the attempts report (§4.4); the raw values are what `?format=` and
/// `followupctl report --format` take.
public enum ReportFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// Plain text, for mail bodies and terminals.
    case text
    /// Markdown, for Teams and tickets.
    case md
    /// A complete small HTML document.
    case html
    /// The report document itself, with sorted keys and RFC 3339 times (`docs/report.schema.json`).
    case json

    /// The file name extension, without the dot (`txt`, `md`, `html`, `json`).
    public var fileExtension: String {
        switch self {
        case .text: "txt"
        case .md: "md"
        case .html: "html"
        case .json: "json"
        }
    }

    /// The MIME type for HTTP answers and mail attachments, with the charset for text types.
    public var mimeType: String {
        switch self {
        case .text: "text/plain; charset=utf-8"
        case .md: "text/markdown; charset=utf-8"
        case .html: "text/html; charset=utf-8"
        case .json: "application/json"
        }
    }

    /// Whether this format comes from a mustache template (every format but JSON).
    public var isTemplated: Bool { self != .json }
}
