import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl list`: the cases that match, one line each.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List cases: id, state, client, partner, owner and what is due next.",
        discussion: """
            Filters combine (all must match). Without --limit every matching case is listed \
            (followupctl follows the daemon's pages, up to \(ListCommand.unlimited) cases); with \
            --limit, at most that many, and --after FU-n continues from where a list stopped.
            """)

    /// How many cases a list without `--limit` shows at most.
    static let unlimited = 10_000
    /// How many cases to ask for in one page.
    static let pageSize = 500

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("awaiting_partner, awaiting_us, returned_to_client or closed.", valueName: "state"))
    var state: CaseState?

    @Option(help: ArgumentHelp("third_party, cancellation or handoff.", valueName: "kind"))
    var kind: CaseKind?

    @Option(help: ArgumentHelp("The partner's name.", valueName: "name"))
    var partner: String?

    @Option(help: ArgumentHelp("The technician responsible.", valueName: "name"))
    var owner: String?

    @Option(help: ArgumentHelp("The client's name.", valueName: "name"))
    var client: String?

    @Option(help: ArgumentHelp("The client's ticket reference.", valueName: "ref"))
    var ticket: String?

    @Flag(help: "Only cases whose next deadline has passed.")
    var overdue = false

    @Option(help: ArgumentHelp("Start after this case (to continue a list).", valueName: "id"))
    var after: CaseID?

    @Option(help: ArgumentHelp("List at most this many cases.", valueName: "n"))
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more.") }
    }

    func run() throws {
        let session = global.session()
        let wanted = limit ?? Self.unlimited
        var cases: [CaseJSON] = []
        var rawCases: [JSONText] = []
        var cursor = after?.description
        var next: String?
        repeat {
            let pageLimit = min(Self.pageSize, wanted - cases.count)
            let answer = try session.send("GET", "/v1/cases" + query(after: cursor, limit: pageLimit))
            let page = try session.decode(CaseList.self, from: answer)
            if global.json, case .array(let elements)? = (try? JSONText(parsing: answer.body))?["cases"] {
                rawCases += elements
            }
            cases += page.cases
            next = page.next
            guard let following = page.next, following != cursor, !page.cases.isEmpty else { break }
            cursor = following
        } while cases.count < wanted

        if global.json {
            // The pages as one CaseList: the daemon's case objects verbatim.
            let document = JSONText.object([
                ("cases", .array(rawCases)), ("next", next.map { .string(raw: $0) } ?? .literal("null")),
            ])
            print(document.pretty())
            return
        }
        let times = try session.timeText()
        var table = CaseText.listTable(zoneOffset: times.offset(at: Date()))
        for subject in cases { table.append(CaseText(subject, times: times).listRow) }
        print(cases.isEmpty ? "no cases match" : table.text, terminator: cases.isEmpty ? "\n" : "")
        if let next, limit == nil || cases.count >= wanted {
            FileHandle.standardError.write(Data("followupctl: there may be more cases: add --after \(next)\n".utf8))
        }
    }

    /// The filters, the page's start and its size as a query string.
    func query(after: String?, limit: Int) -> String {
        QueryString.make([
            ("state", state?.rawValue), ("kind", kind?.rawValue), ("partner", partner), ("owner", owner),
            ("client", client), ("ticket", ticket), ("overdue", overdue ? "true" : nil), ("after", after),
            ("limit", String(limit)),
        ])
    }
}
