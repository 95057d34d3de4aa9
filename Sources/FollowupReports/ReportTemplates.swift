import FollowupCore
import Foundation
import Mustache

/// Finds, checks and parses the report templates: the shipped ones, each replaced by a file of
/// the same name in the templates directory when there is one.
enum ReportTemplates {
    /// The templates shipped in the module (`Templates/`, embedded in the binary), by file name.
    static let shipped: [String: [UInt8]] = [
        "report.pt-BR.text.mustache": PackageResources.report_pt_BR_text_mustache,
        "report.pt-BR.md.mustache": PackageResources.report_pt_BR_md_mustache,
        "report.pt-BR.html.mustache": PackageResources.report_pt_BR_html_mustache,
        "report.en.text.mustache": PackageResources.report_en_text_mustache,
        "report.en.md.mustache": PackageResources.report_en_md_mustache,
        "report.en.html.mustache": PackageResources.report_en_html_mustache,
        "report.client.pt-BR.text.mustache": PackageResources.report_client_pt_BR_text_mustache,
        "report.client.pt-BR.md.mustache": PackageResources.report_client_pt_BR_md_mustache,
        "report.client.pt-BR.html.mustache": PackageResources.report_client_pt_BR_html_mustache,
        "report.client.en.text.mustache": PackageResources.report_client_en_text_mustache,
        "report.client.en.md.mustache": PackageResources.report_client_en_md_mustache,
        "report.client.en.html.mustache": PackageResources.report_client_en_html_mustache,
    ]

    /// One template: a format for an audience.
    struct Key: Hashable {
        var format: ReportFormat
        var audience: ReportAudience
    }

    /// The file name of the template for `format` in `language` for `audience`:
    /// `report.pt-BR.html.mustache` (the desk's), `report.client.pt-BR.html.mustache`.
    static func fileName(language: DeskLanguage, format: ReportFormat, audience: ReportAudience) -> String {
        let prefix = audience == .client ? "report.client." : "report."
        return "\(prefix)\(language.rawValue).\(format.rawValue).mustache"
    }

    /// The parsed templates of every templated format and audience in `language`.
    static func load(language: DeskLanguage, overrides directory: String?) throws(FollowupError)
        -> [Key: MustacheTemplate]
    {
        var overrides: [String: String] = [:]
        if let directory { overrides = try overrideFiles(in: directory) }
        var templates: [Key: MustacheTemplate] = [:]
        for audience in ReportAudience.allCases {
            for format in ReportFormat.allCases where format.isTemplated {
                let name = fileName(language: language, format: format, audience: audience)
                templates[Key(format: format, audience: audience)] = try template(
                    named: name, format: format, override: overrides[name])
            }
        }
        return templates
    }

    /// The template `name`: the override file at `path` when there is one, else the shipped one.
    private static func template(named name: String, format: ReportFormat, override path: String?)
        throws(FollowupError) -> MustacheTemplate
    {
        guard let path else {
            let text = String(decoding: shipped[name] ?? [], as: UTF8.self)
            return try parse(text, format: format, origin: "shipped report template \(name)")
        }
        let text: String
        do {
            text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        } catch {
            throw refusal("report template \(path) cannot be read: \(error.localizedDescription)", error)
        }
        return try parse(text, format: format, origin: "report template \(path)")
    }

    /// The report templates in `directory`, by file name; refuses a `report.*` file whose name
    /// is not one of a report template, since a misspelt override would silently not apply.
    private static func overrideFiles(in directory: String) throws(FollowupError) -> [String: String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw refusal(
                "the report templates folder \(directory) cannot be read: \(error.localizedDescription)", error)
        }
        let known = Set(shipped.keys)
        var found: [String: String] = [:]
        for name in names.sorted() where name.hasPrefix("report.") && name.hasSuffix(".mustache") {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            guard known.contains(name) else {
                throw refusal(
                    "\(path) is not a report template name: expected report.LANGUAGE.FORMAT.mustache (the desk's "
                        + "report) or report.client.LANGUAGE.FORMAT.mustache (the client's) with LANGUAGE pt-BR or "
                        + "en and FORMAT text, md or html", nil)
            }
            found[name] = path
        }
        return found
    }

    /// Parses one template for `format`; `origin` names it in errors.
    ///
    /// Text and Markdown templates get a `CONTENT_TYPE` pragma put before their first line (plain,
    /// or Markdown escaping), so `{{x}}` never writes HTML entities there. HTML templates keep
    /// Mustache's HTML escaping and may not turn it off.
    private static func parse(_ text: String, format: ReportFormat, origin: String) throws(FollowupError)
        -> MustacheTemplate
    {
        var prologue = ""
        switch format {
        case .text: prologue = "{{% CONTENT_TYPE: TEXT }}\n"
        case .md:
            _ = MarkdownEscaping.registered
            prologue = "{{% CONTENT_TYPE: \(MarkdownEscaping.name) }}\n"
        case .html:
            for tag in ["{{{", "{{&", "{{%", "{{="] where text.contains(tag) {
                throw refusal(
                    "\(origin): \(tag)…}} is not allowed in an HTML report template: every value must be "
                        + "written with {{name}}, which escapes it", nil)
            }
        case .json: break
        }
        do {
            return try MustacheTemplate(string: prologue + text)
        } catch let error as MustacheTemplate.ParserError {
            let line = error.context.lineNumber - (prologue.isEmpty ? 0 : 1)
            let near = error.context.line.trimmingCharacters(in: .whitespaces)
            throw refusal(
                "\(origin), line \(line), column \(error.context.columnNumber): \(explain(error.error)) "
                    + "(in: \(near))", error)
        } catch {
            throw refusal("\(origin) cannot be parsed: \(error)", error)
        }
    }

    /// A person's words for Mustache's parse errors.
    private static func explain(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else {
            // The scanner's only error: it ran out of text looking for a tag's end.
            return "\(error)" == "overflow" ? "the template ends inside a tag" : "\(error)"
        }
        switch error {
        case .sectionCloseNameIncorrect: return "a section is closed under another name than it was opened with"
        case .unfinishedName: return "a tag is not closed, or its name is not valid"
        case .expectedSectionEnd: return "a section is opened but never closed"
        case .invalidSetDelimiter: return "a set-delimiter tag is malformed"
        case .transformAppliedToInheritanceSection: return "a transform is applied to an inherited section"
        case .illegalTokenInsideInheritSection: return "a tag is not allowed inside an inherited partial"
        case .textInsideInheritSection: return "text is not allowed inside an inherited partial"
        case .invalidConfigVariableSyntax: return "a pragma is malformed"
        case .unrecognisedConfigVariable: return "a pragma is not known"
        }
    }

    private static func refusal(_ message: String, _ underlying: (any Error)?) -> FollowupError {
        FollowupError(.invalidConfiguration, message, field: "reports.templates", underlying: underlying)
    }
}
