import FollowupCore
import FollowupReports
import FollowupTestSupport
import Foundation
import Testing

/// Templates from the templates directory: each replaces the shipped one of the same name, and a
/// bad one is refused with an error naming its file.
@Suite struct TemplateOverrideTests {
    static let shippedFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/FollowupReports/Templates").standardized

    /// Writes `files` (name → text) to a fresh folder and hands its path over.
    func withTemplates<T>(_ files: [String: String], _ body: (String) throws -> T) throws -> T {
        try withScratchFolder { folder in
            for (name, text) in files {
                try Data(text.utf8).write(to: folder.appendingPathComponent(name))
            }
            return try body(folder.path)
        }
    }

    /// The error building a renderer on `directory` throws, if any.
    func refusal(_ directory: String, language: DeskLanguage = .ptBR) -> FollowupError? {
        do {
            _ = try ReportRenderer(language: language, templatesDirectory: directory, timeZone: ReportFixture.zone)
            return nil
        } catch {
            return error
        }
    }

    @Test func anOverrideReplacesOneTemplateOnly() throws {
        let document = ReportFixture.noInformation.document
        let shipped = try ReportRenderer(timeZone: ReportFixture.zone)
        let files = [
            "report.pt-BR.text.mustache": "Caso {{caseID}} de {{clientName}}: {{reason}}.\n",
            "report.en.md.mustache": "# {{caseID}}\n",
        ]
        try withTemplates(files) { directory in
            let renderer = try ReportRenderer(templatesDirectory: directory, timeZone: ReportFixture.zone)
            // Text templates never escape, overrides included.
            let text = String(decoding: try renderer.render(document, as: .text, for: .desk), as: UTF8.self)
            #expect(
                text == "Caso FU-27 de Silva & Filhos Comércio de Alimentos <Matriz>: "
                    + "o parceiro respondeu, mas não trouxe a informação.\n")
            #expect(try renderer.render(document, as: .md, for: .desk) == shipped.render(document, as: .md, for: .desk))
            #expect(
                try renderer.render(document, as: .html, for: .desk) == shipped.render(document, as: .html, for: .desk))
            #expect(
                try renderer.render(document, as: .json, for: .desk) == shipped.render(document, as: .json, for: .desk))
        }
    }

    @Test func anEnglishOverrideLeavesPortugueseAlone() throws {
        let document = ReportFixture.noReply.document
        try withTemplates(["report.en.text.mustache": "{{caseID}}\n"]) { directory in
            let english = try ReportRenderer(language: .en, templatesDirectory: directory, timeZone: ReportFixture.zone)
            #expect(try english.render(document, as: .text, for: .desk) == Data("FU-12\n".utf8))
            let portuguese = try ReportRenderer(templatesDirectory: directory, timeZone: ReportFixture.zone)
            let shipped = try ReportRenderer(timeZone: ReportFixture.zone)
            #expect(
                try portuguese.render(document, as: .text, for: .desk)
                    == shipped.render(document, as: .text, for: .desk))
        }
    }

    /// The Markdown escaping applies to overrides too.
    @Test func aMarkdownOverrideEscapesValues() throws {
        try withTemplates(["report.pt-BR.md.mustache": "**{{subject}}**\n"]) { directory in
            let renderer = try ReportRenderer(templatesDirectory: directory, timeZone: ReportFixture.zone)
            let md = try renderer.render(ReportFixture.noInformation.document, as: .md, for: .desk)
            #expect(
                String(decoding: md, as: UTF8.self)
                    == "**Divergência de CFOP no XML \\| notas de devolução \\*urgente\\***\n")
        }
    }

    @Test(arguments: [
        ("report.pt-BR.html.mustache", "<p>\n{{#attempts}}\n<b>{{number}}</b>\n", "line 4", "never closed"),
        ("report.pt-BR.md.mustache", "# {{caseID}}\n{{#attempts}}x{{/returns}}\n", "line 2", "another name"),
        ("report.pt-BR.text.mustache", "{{caseID}}\n\n{{sub ject}}\n", "line 3", "not closed"),
        ("report.en.text.mustache", "{{caseID}}\n{{subject\n", "line 3", "ends inside a tag"),
    ])
    func aBrokenOverrideIsRefusedByName(name: String, text: String, line: String, why: String) throws {
        try withTemplates([name: text]) { directory in
            let language = name.contains(".en.") ? DeskLanguage.en : .ptBR
            let error = try #require(refusal(directory, language: language))
            #expect(error.code == .invalidConfiguration)
            #expect(error.field == "reports.templates")
            #expect(error.message.contains("\(directory)/\(name)"), "\(error.message)")
            #expect(error.message.contains(line), "\(error.message)")
            #expect(error.message.contains(why), "\(error.message)")
        }
    }

    /// HTML templates may not turn escaping off, whichever way.
    @Test(arguments: [
        "<p>{{{subject}}}</p>\n", "<p>{{&subject}}</p>\n", "{{% CONTENT_TYPE: TEXT }}\n<p>{{subject}}</p>\n",
        "{{=<% %>=}}<p><%{subject}%></p>\n",
    ])
    func anUnescapedHTMLOverrideIsRefused(text: String) throws {
        try withTemplates(["report.pt-BR.html.mustache": text]) { directory in
            let error = try #require(refusal(directory))
            #expect(error.message.contains("\(directory)/report.pt-BR.html.mustache"), "\(error.message)")
            #expect(error.message.contains("not allowed in an HTML report template"), "\(error.message)")
        }
    }

    /// A misspelt override would silently not apply: it is refused instead.
    @Test func aMisnamedReportTemplateIsRefused() throws {
        try withTemplates(["report.pt-BR.htm.mustache": "<p>{{caseID}}</p>\n", "resend.pt-BR.mustache": "x"]) {
            directory in
            let error = try #require(refusal(directory))
            #expect(error.message.contains("\(directory)/report.pt-BR.htm.mustache is not a report template name"))
        }
    }

    @Test func aMissingFolderIsRefused() throws {
        let error = try #require(refusal("/nonexistent/followupd/templates"))
        #expect(error.message.contains("/nonexistent/followupd/templates"))
        #expect(error.code == .invalidConfiguration)
    }

    /// The shipped templates are exactly the files in `Sources/FollowupReports/Templates`, one per
    /// language and templated format, and what the binary embeds is what those files say.
    @Test func theShippedTemplatesAreTheSourceFiles() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.shippedFolder.path)
        let expected = ReportAudience.allCases.flatMap { audience in
            DeskLanguage.allCases.flatMap { language in
                ReportFormat.allCases.filter(\.isTemplated).map {
                    ReportRenderer.templateFileName(language: language, format: $0, audience: audience)
                }
            }
        }
        #expect(Set(names) == Set(expected))
        #expect(expected.count == 12)
        for language in DeskLanguage.allCases {
            let shipped = try ReportRenderer(language: language, timeZone: ReportFixture.zone)
            let fromFiles = try ReportRenderer(
                language: language, templatesDirectory: Self.shippedFolder.path, timeZone: ReportFixture.zone)
            for fixture in ReportFixture.all {
                for format in ReportFormat.allCases {
                    for audience in ReportAudience.allCases {
                        #expect(
                            try shipped.render(fixture.document, as: format, for: audience)
                                == fromFiles.render(fixture.document, as: format, for: audience))
                    }
                }
            }
        }
    }
}
