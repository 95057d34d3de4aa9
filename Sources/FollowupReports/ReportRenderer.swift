import FollowupCore
import Foundation
import Mustache

/// Renders the attempts report (§4.4) of a ``ReportDocument`` as text, Markdown, HTML or JSON.
///
/// Built once at start and again on reload, from `reports.locale`, `reports.templates` and the
/// desk's time zone. Every template is parsed when the renderer is built, so a bad template fails
/// the start or the reload (naming the file), never a report.
///
/// **Templates.** Text, Markdown and HTML come from logic-less mustache templates, one per
/// audience, language and format, named `report.LANGUAGE.FORMAT.mustache` for the desk's report
/// (`report.pt-BR.text.mustache`, `report.pt-BR.md.mustache`, `report.pt-BR.html.mustache`, and
/// the same with `en`) and `report.client.LANGUAGE.FORMAT.mustache` for the client's. The shipped
/// ones are built into the binary; a file of the same name in the templates directory replaces
/// the shipped one for that format only. The variables they get are listed in
/// `docs/report-templates.md`. `{{x}}` in Markdown templates escapes Markdown punctuation, in
/// text templates nothing; HTML templates escape every value and may not use `{{{x}}}`, `{{&x}}`,
/// pragmas or delimiter changes. JSON is not templated: it is the document itself.
public struct ReportRenderer: Sendable {
    /// The language of the report's words and templates.
    public let language: DeskLanguage
    /// The zone every time in text, Markdown and HTML is written in (JSON times are UTC).
    public let timeZone: TimeZone
    private let templates: [ReportTemplates.Key: MustacheTemplate]
    /// The address of a ticket in the desk's ticket system (`tickets.url`), for the desk's
    /// report to link its ticket; nil: the reference stays plain.
    public var ticketLink: (@Sendable (String) -> String?)?

    /// Loads the templates of `language`, each overridden by a file of the same name in
    /// `templatesDirectory` when one is there.
    ///
    /// Throws ``FollowupError`` (code `invalid_configuration`, field `reports.templates`) naming the
    /// file when a template cannot be read or parsed, when an HTML template turns escaping off,
    /// when a `report.*.mustache` file in the directory has no template's name, or when the
    /// directory cannot be read.
    public init(language: DeskLanguage = .ptBR, templatesDirectory: String? = nil, timeZone: TimeZone)
        throws(FollowupError)
    {
        self.language = language
        self.timeZone = timeZone
        templates = try ReportTemplates.load(language: language, overrides: templatesDirectory)
    }

    /// The file name a template override must have: `report.pt-BR.html.mustache` for the desk's
    /// report, `report.client.pt-BR.html.mustache` for the client's.
    public static func templateFileName(
        language: DeskLanguage, format: ReportFormat, audience: ReportAudience = .desk
    ) -> String {
        ReportTemplates.fileName(language: language, format: format, audience: audience)
    }

    /// The report in `format` for `audience`, as UTF-8.
    ///
    /// The desk's report is the whole document with every note (internal ones marked). The
    /// client's leaves out Message-IDs, failure flags, ids, login names and internal notes. A
    /// sensitive case's report of either audience carries no note, only where they are read.
    public func render(_ document: ReportDocument, as format: ReportFormat, for audience: ReportAudience)
        throws(FollowupError) -> Data
    {
        let wording = ReportWording(language: language, timeZone: timeZone)
        guard let template = templates[ReportTemplates.Key(format: format, audience: audience)] else {
            switch audience {
            case .desk: return try json(document, id: document.id)
            case .client: return try json(ClientReport(document), id: document.id)
            }
        }
        switch audience {
        case .desk:
            var view = ReportView(document, wording: wording)
            view.ticketURL = document.client.ticket.flatMap { ticket in ticketLink?(ticket) }
            return Data(template.render(view).utf8)
        case .client: return Data(template.render(ClientReportView(document, wording: wording)).utf8)
        }
    }

    /// The value as JSON the way the control API writes it (sorted keys, RFC 3339 UTC times,
    /// no indentation, which Foundation's pretty printing would change between releases), ending
    /// with a newline.
    private func json(_ document: some Encodable, id: String) throws(FollowupError) -> Data {
        do {
            var data = try JSONCoding.encoder().encode(document)
            data.append(UInt8(ascii: "\n"))
            return data
        } catch {
            throw FollowupError(
                .internalError, "report \(id) cannot be written as JSON: \(error)", underlying: error)
        }
    }
}
