import FollowupCore
import FollowupReports
import Foundation
import Testing

/// What §4.4 asks of the text and Markdown reports, checked in both languages on every fixture.
@Suite struct ReportContentTests {
    static let cases = ReportFixture.all.flatMap { fixture in
        DeskLanguage.allCases.flatMap { language in [ReportFormat.text, .md].map { (fixture, language, $0) } }
    }

    func rendered(_ fixture: ReportFixture, _ language: DeskLanguage, _ format: ReportFormat) throws -> String {
        let renderer = try ReportRenderer(language: language, timeZone: ReportFixture.zone)
        return String(decoding: try renderer.render(fixture.document, as: format, for: .desk), as: UTF8.self)
    }

    @Test(arguments: cases)
    func listsEveryAttemptAndReturn(fixture: ReportFixture, language: DeskLanguage, format: ReportFormat) throws {
        let report = try rendered(fixture, language, format)
        let document = fixture.document
        for case let messageID? in document.attempts.map(\.messageID) {
            let written = format == .md ? "\\<\(messageID.dropFirst().dropLast())\\>" : messageID
            #expect(report.contains(written), "\(messageID) missing")
        }
        for attempt in document.attempts where !attempt.to.isEmpty {
            #expect(report.contains(attempt.to.joined(separator: ", ")))
        }
        let times = Self.timesWritten(document, language: language)
        for time in times { #expect(report.contains(time), "\(time) missing") }
        #expect(report.contains(document.caseID.description))
        #expect(report.contains(document.owner.replacingOccurrences(of: "_", with: format == .md ? "\\_" : "_")))
    }

    /// A refusal comes right after the title; other reports carry no such warning.
    @Test(arguments: cases)
    func putsARefusalFirst(fixture: ReportFixture, language: DeskLanguage, format: ReportFormat) throws {
        let lines = try rendered(fixture, language, format).split(separator: "\n", omittingEmptySubsequences: false)
        let warning = language == .ptBR ? "ATENÇÃO: o próprio parceiro" : "ATTENTION: the partner"
        let found = lines.firstIndex { $0.contains(warning) }
        if fixture.document.reason == .partnerRefused {
            let index = try #require(found)
            #expect(index <= 3, "the refusal is on line \(index + 1)")
            #expect(lines.firstIndex { $0.contains(language == .ptBR ? "Caso" : "Case") }.map { $0 > index } == true)
        } else {
            #expect(found == nil)
        }
    }

    @Test(arguments: cases)
    func pointsToTheNotesOfASensitiveCase(fixture: ReportFixture, language: DeskLanguage, format: ReportFormat) throws {
        let report = try rendered(fixture, language, format)
        #expect(report.contains("followupctl show \(fixture.document.caseID)") == fixture.document.sensitive)
    }

    /// Text reports are plain: no HTML entities and no escaping backslashes.
    @Test(arguments: DeskLanguage.allCases)
    func writesPlainText(language: DeskLanguage) throws {
        let report = try rendered(.noInformation, language, .text)
        #expect(report.contains("Silva & Filhos Comércio de Alimentos <Matriz>"))
        #expect(report.contains("Divergência de CFOP no XML | notas de devolução *urgente*"))
        #expect(!report.contains("&amp;") && !report.contains("&lt;") && !report.contains("\\"))
        #expect(report.hasSuffix(".\n"))
    }

    /// Markdown reports escape case data, so the tables keep seven and two columns.
    @Test(arguments: DeskLanguage.allCases)
    func keepsMarkdownTablesWhole(language: DeskLanguage) throws {
        let report = try rendered(.noInformation, language, .md)
        #expect(report.contains(#"Silva & Filhos Comércio de Alimentos \<Matriz\>"#))
        #expect(report.contains(#"Divergência de CFOP no XML \| notas de devolução \*urgente\*"#))
        let rows = report.split(separator: "\n").filter { $0.hasPrefix("| ") }
        let cells = rows.map { row in row.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count - 1 }
        // Header and three attempts with 8 cells; header and two returns with 3.
        #expect(cells == [8, 8, 8, 8, 3, 3, 3])
    }

    /// Every time a report of `document` writes, as the language writes it (in the desk's zone).
    static func timesWritten(_ document: ReportDocument, language: DeskLanguage) -> [String] {
        let zone = ReportFixture.zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let instants = document.attempts.map(\.at) + document.returns.map(\.at) + [document.generatedAt]
        return instants.map { instant in
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
            let (y, mo, d, h, mi) = (parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!)
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            return language == .ptBR
                ? "\(two(d))/\(two(mo))/\(y) \(two(h)):\(two(mi))"
                : "\(y)-\(two(mo))-\(two(d)) \(two(h)):\(two(mi)) -03:00"
        }
    }
}
