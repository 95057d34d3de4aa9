import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl export`: the cases as a spreadsheet (CSV) or JSON lines, streamed.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the cases as CSV (for a spreadsheet) or JSON lines, page by page.",
        discussion: """
            CSV follows RFC 4180 (UTF-8, CRLF line ends, a header row; fields with a comma, quote \
            or line break are quoted) with the fields a leader puts in a spreadsheet: id, ticket, \
            client, partner, owner, state, opened, last contact, attempts, report reason, closed \
            (times in RFC 3339, UTC). JSON lines: one case per line as the API gives it. \
            followupctl reads the daemon's pages of 1,000 cases and writes each before asking for \
            the next, so memory stays flat whatever the number of cases. --since keeps the cases \
            opened on or after a time; --state one state.
            """)

    enum Format: String, CaseIterable, ExpressibleByArgument {
        case csv, jsonl
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Only cases opened at or after this time.", valueName: "time"))
    var since: TimeArgument?

    @Option(help: ArgumentHelp("Only cases in this state.", valueName: "state"))
    var state: CaseState?

    @Option(help: ArgumentHelp("csv (default) or jsonl.", valueName: "format"))
    var format: Format = .csv

    /// The CSV header row.
    static let columns = [
        "id", "ticket", "client", "partner", "owner", "state", "opened", "last_contact", "attempts", "report_reason",
        "closed",
    ]

    func run() throws {
        let session = global.session()
        let from = try session.instant(since)
        let output = FileHandle.standardOutput
        if format == .csv { output.write(Data(Self.row(Self.columns).utf8)) }
        var cursor: String?
        repeat {
            let query = QueryString.make([("state", state?.rawValue), ("after", cursor), ("limit", "1000")])
            let answer = try session.send("GET", "/v1/cases" + query)
            let page = try session.decode(CaseList.self, from: answer)
            var raw: [JSONText] = []
            if format == .jsonl, case .array(let elements)? = (try? JSONText(parsing: answer.body))?["cases"] {
                raw = elements
            }
            var chunk = ""
            for (index, subject) in page.cases.enumerated() {
                let opened = min(subject.createdAt, subject.attempts.first?.at ?? subject.createdAt)
                if let from, opened < from { continue }
                switch format {
                case .csv: chunk += Self.row(Self.fields(subject, opened: opened))
                case .jsonl: chunk += (index < raw.count ? raw[index].compact() : "{}") + "\n"
                }
            }
            output.write(Data(chunk.utf8))
            guard let next = page.next, next != cursor, !page.cases.isEmpty else { break }
            cursor = next
        } while true
    }

    /// One case's fields, in ``columns`` order.
    static func fields(_ subject: CaseJSON, opened: Date) -> [String] {
        [
            subject.id, subject.client.ticket ?? "", subject.client.name, subject.partner?.name ?? "", subject.owner,
            subject.state.rawValue, Timestamp.format(opened),
            subject.attempts.last.map { Timestamp.format($0.at) } ?? "",
            String(subject.attempts.count), subject.reports.last?.reason.rawValue ?? "",
            subject.state == .closed ? Timestamp.format(subject.updatedAt) : "",
        ]
    }

    /// An RFC 4180 record: fields quoted when they hold a comma, a quote or a line break
    /// (quotes doubled), CRLF at the end.
    static func row(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\r\n"
    }
}
