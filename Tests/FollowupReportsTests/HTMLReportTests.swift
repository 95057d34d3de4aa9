import FollowupCore
import FollowupReports
import FollowupTestSupport
import Foundation
import Testing

/// What Python's `html.parser` (a parser written by others) reads in an HTML report.
struct ParsedHTML: Decodable {
    /// One element that carries a `class`, with all the text inside it.
    struct Marked: Decodable {
        var tag: String
        var cssClass: String
        var text: String
    }

    /// A table by its class: rows of cell texts (header cells included).
    struct Table: Decodable {
        var cssClass: String
        var rows: [[String]]
    }

    var doctype: String?
    var charset: String?
    /// Every end tag that did not close the innermost open element, and every element left open.
    var problems: [String]
    /// Every start tag's name, in order.
    var tags: [String]
    /// All the document's text, in order.
    var text: String
    var marked: [Marked]
    var tables: [Table]

    func table(_ cssClass: String) -> [[String]]? { tables.first { $0.cssClass == cssClass }?.rows }
}

@Suite struct HTMLReportTests {
    static let reader = """
        import json, sys
        from html.parser import HTMLParser
        VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source',
                'track', 'wbr'}
        class Reader(HTMLParser):
            def __init__(self):
                super().__init__(convert_charrefs=True)
                self.doctype, self.charset, self.problems, self.tags, self.text = None, None, [], [], []
                self.open, self.marked, self.tables, self.cell = [], [], [], None
            def handle_decl(self, decl):
                self.doctype = decl
            def handle_starttag(self, tag, attrs):
                attrs = dict(attrs)
                self.tags.append(tag)
                if tag == 'meta' and 'charset' in attrs:
                    self.charset = attrs['charset']
                if tag == 'table':
                    self.tables.append({'cssClass': attrs.get('class') or '', 'rows': []})
                elif tag == 'tr' and self.tables:
                    self.tables[-1]['rows'].append([])
                elif tag in ('td', 'th'):
                    self.cell = []
                if tag not in VOID:
                    self.open.append((tag, attrs.get('class'), []))
            def handle_startendtag(self, tag, attrs):
                self.handle_starttag(tag, attrs)
                if tag not in VOID:
                    self.problems.append('<%s/> is not a void element' % tag)
                    self.open.pop()
            def handle_endtag(self, tag):
                if not self.open or self.open[-1][0] != tag:
                    self.problems.append('</%s> while %s is open' % (tag, [t for t, _, _ in self.open]))
                    return
                name, css, text = self.open.pop()
                if css:
                    self.marked.append({'tag': name, 'cssClass': css, 'text': ''.join(text)})
                if tag in ('td', 'th') and self.tables and self.tables[-1]['rows']:
                    self.tables[-1]['rows'][-1].append(''.join(self.cell))
                    self.cell = None
            def handle_data(self, data):
                self.text.append(data)
                for _, _, text in self.open:
                    text.append(data)
                if self.cell is not None:
                    self.cell.append(data)
        reader = Reader()
        reader.feed(open(sys.argv[1], encoding='utf-8').read())
        reader.close()
        problems = reader.problems + ['<%s> never closed' % t for t, _, _ in reader.open]
        json.dump({'doctype': reader.doctype, 'charset': reader.charset, 'problems': problems,
                   'tags': reader.tags, 'text': ''.join(reader.text), 'marked': reader.marked,
                   'tables': reader.tables}, sys.stdout)
        """

    static func parse(_ html: Data) throws -> ParsedHTML {
        try withScratchFolder { folder in
            let file = folder.appendingPathComponent("report.html")
            try html.write(to: file)
            return try JSONDecoder().decode(ParsedHTML.self, from: try Python.run(reader, [file.path]))
        }
    }

    static let cases = ReportFixture.all.flatMap { fixture in DeskLanguage.allCases.map { (fixture, $0) } }

    @Test(arguments: cases)
    func isACompleteBalancedDocument(fixture: ReportFixture, language: DeskLanguage) throws {
        let renderer = try ReportRenderer(language: language, timeZone: ReportFixture.zone)
        let html = try Self.parse(try renderer.render(fixture.document, as: .html, for: .desk))
        #expect(html.doctype?.lowercased() == "doctype html")
        #expect(html.charset == "utf-8")
        #expect(html.problems == [])
        #expect(html.tags.prefix(3) == ["html", "head", "meta"])
        #expect(html.tags.contains("title") && html.tags.contains("body"))
    }

    @Test(arguments: cases)
    func listsEveryAttemptAndReturn(fixture: ReportFixture, language: DeskLanguage) throws {
        let renderer = try ReportRenderer(language: language, timeZone: ReportFixture.zone)
        let html = try Self.parse(try renderer.render(fixture.document, as: .html, for: .desk))
        let document = fixture.document
        let attempts = try #require(html.table("attempts"))
        // A header row, then one row per attempt in order: number, …, message id, failed, note.
        #expect(attempts.count == document.attempts.count + 1)
        for (row, attempt) in zip(attempts.dropFirst(), document.attempts) {
            #expect(row.count == 8)
            #expect(row.first == String(attempt.number))
            #expect(row[3] == (attempt.to.isEmpty ? "—" : attempt.to.joined(separator: ", ")))
            #expect(row[4] == attempt.by)
            #expect(row[5] == (attempt.messageID ?? "—"))
            #expect(
                row[6] == (attempt.failed ? (language == .ptBR ? "sim" : "yes") : (language == .ptBR ? "não" : "no")))
        }
        for case let messageID? in document.attempts.map(\.messageID) {
            #expect(html.text.contains(messageID), "message id \(messageID) is not in the text")
        }
        let failedRows = html.marked.filter { $0.tag == "tr" && $0.cssClass == "failed" }
        #expect(failedRows.count == document.attempts.filter(\.failed).count)
        if document.returns.isEmpty {
            #expect(html.table("returns") == nil)
        } else {
            let returns = try #require(html.table("returns"))
            #expect(returns.count == document.returns.count + 1)
            #expect(Set(returns.dropFirst().map { $0.count }) == [3])
        }
    }

    /// A refusal is the first thing after the title, marked as a warning; other reports have none.
    @Test(arguments: cases)
    func putsARefusalFirst(fixture: ReportFixture, language: DeskLanguage) throws {
        let renderer = try ReportRenderer(language: language, timeZone: ReportFixture.zone)
        let html = try Self.parse(try renderer.render(fixture.document, as: .html, for: .desk))
        let warnings = html.marked.filter { $0.cssClass == "warning" }
        guard fixture.document.reason == .partnerRefused else {
            #expect(warnings.isEmpty)
            return
        }
        let expected =
            language == .ptBR
            ? "ATENÇÃO: o próprio parceiro SIEG pediu que o cliente entre em contato diretamente com ele."
            : "ATTENTION: the partner SIEG itself asked that the client contact it directly."
        #expect(warnings.map(\.text) == [expected])
        // The warning is the paragraph right after the title, before the case's table (the
        // partner's own words may follow it).
        let body = try #require(html.tags.firstIndex(of: "body"))
        #expect(Array(html.tags[body...].prefix(3)) == ["body", "h1", "p"])
        #expect(html.tags[body...].firstIndex(of: "table").map { $0 > body + 2 } == true)
        #expect(warnings.first?.tag == "p")
    }

    /// Case data with markup characters stays text: no element comes out of a client's name.
    @Test(arguments: DeskLanguage.allCases)
    func escapesCaseData(language: DeskLanguage) throws {
        let renderer = try ReportRenderer(language: language, timeZone: ReportFixture.zone)
        let document = ReportFixture.noInformation.document
        let html = try Self.parse(try renderer.render(document, as: .html, for: .desk))
        #expect(!html.tags.contains("matriz"))
        let rows = try #require(html.table("case"))
        #expect(rows.contains { $0.last == document.client.name })
        #expect(rows.contains { $0.last == document.subject })
        #expect(html.problems == [])
    }

    /// With `tickets.url`, the desk's report links its ticket; the client's does not (the desk's
    /// ticket system is the desk's own).
    @Test(arguments: DeskLanguage.allCases)
    func linksTheTicketInTheDesksReport(language: DeskLanguage) throws {
        var renderer = try ReportRenderer(language: language, timeZone: ReportFixture.zone)
        var document = ReportFixture.noReply.document
        document.client.ticket = "SSC-1234"
        let plain = String(decoding: try renderer.render(document, as: .html, for: .desk), as: UTF8.self)
        #expect(!plain.contains("<a "))
        renderer.ticketLink = { "https://ssc.example/ssc/\($0)?a=1&b=2" }
        let linked = try renderer.render(document, as: .html, for: .desk)
        #expect(
            String(decoding: linked, as: UTF8.self).contains(
                #"<a href="https://ssc.example/ssc/SSC-1234?a=1&amp;b=2">SSC-1234</a>"#))
        #expect(try Self.parse(linked).problems == [])
        let client = String(decoding: try renderer.render(document, as: .html, for: .client), as: UTF8.self)
        #expect(!client.contains("ssc.example"))
    }

    /// A sensitive case's report says where its notes are; the others say nothing about notes.
    @Test(arguments: cases)
    func pointsToTheNotesOfASensitiveCase(fixture: ReportFixture, language: DeskLanguage) throws {
        let renderer = try ReportRenderer(language: language, timeZone: ReportFixture.zone)
        let html = try Self.parse(try renderer.render(fixture.document, as: .html, for: .desk))
        let notices = html.marked.filter { $0.cssClass == "notice" }.map(\.text)
        if fixture.document.sensitive {
            #expect(notices.count == 1)
            #expect(notices.first?.contains("followupctl show \(fixture.document.caseID)") == true)
        } else {
            #expect(notices.isEmpty)
            #expect(!html.text.contains("followupctl show"))
        }
    }
}
