import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl show`: one case with its attempts, timeline and reports.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a case: client, partner, what to verify, next deadline, every attempt and the whole timeline.",
        discussion: "With --json, the case as the API gives it (the shape of SPEC §6.5), events included.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: CaseArgument

    func run() throws {
        let session = global.session()
        let path = ControlSession.casePath(target.id)
        let first = try session.send("GET", path)
        var subject = try session.decode(CaseJSON.self, from: first)
        var document = global.json ? try? JSONText(parsing: first.body) : nil
        var rawEvents: [JSONText] = []
        if case .array(let elements)? = document?["events"] { rawEvents = elements }
        // The daemon serves a long timeline in pages; the whole of it is shown.
        while let next = subject.eventsNext {
            let answer = try session.send(
                "GET", path + QueryString.make([("events_after", String(next)), ("events_limit", "1000")]))
            let page = try session.decode(CaseJSON.self, from: answer)
            guard let events = page.events, !events.isEmpty, next != page.eventsNext else { break }
            subject.events = (subject.events ?? []) + events
            subject.eventsNext = page.eventsNext
            if global.json, case .array(let elements)? = (try? JSONText(parsing: answer.body))?["events"] {
                rawEvents += elements
            }
        }
        if let whole = document {
            document = whole.setting("events", to: .array(rawEvents)).setting("events_next", to: .literal("null"))
            print(document?.pretty() ?? "")
            return
        }
        let times = try session.timeText()
        let text = CaseText(subject, times: times).page
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }
}

/// `followupctl report`: the latest attempts report of a case.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the case's latest attempts report, to send to the client.",
        discussion: """
            text (default) for a mail body, md for Markdown, html for a page, json for the \
            report's data. --audience client (default) prints the client's version, safe to \
            forward; --audience desk prints everything (Message-IDs, who sent what, failures, \
            internal notes) for the ticket and the leaders. --for-ticket prints one text to paste \
            into the ticket: the desk's report, or for a closed cancellation its technical-analysis \
            block. Exits 1 while the case has no report yet.
            """)

    /// The renderings the daemon makes.
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case text, md, html, json
    }

    /// Who the report is for.
    enum Audience: String, CaseIterable, ExpressibleByArgument {
        case client, desk
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: CaseArgument

    @Option(help: ArgumentHelp("text, md, html or json (default: text; json with --json).", valueName: "format"))
    var format: Format?

    @Option(help: ArgumentHelp("client (default: what may be forwarded to the client) or desk.", valueName: "audience"))
    var audience: Audience?

    /// The audience printed: the client's unless the desk's is asked for.
    var chosenAudience: Audience { audience ?? .client }

    @Flag(
        name: .customLong("for-ticket"),
        help: "One text to paste into the ticket: the desk's report, or a cancellation's technical analysis.")
    var forTicket = false

    func validate() throws {
        if forTicket && (format != nil || audience != nil || global.json) {
            throw ValidationError("--for-ticket prints text for the ticket: leave out --format, --audience and --json")
        }
    }

    func run() throws {
        let session = global.session()
        if forTicket { return try printForTicket(session) }
        let chosen = format ?? (global.json ? .json : .text)
        let query = QueryString.make([("format", chosen.rawValue), ("audience", chosenAudience.rawValue)])
        let answer = try session.send("GET", ControlSession.casePath(target.id, "/report") + query)
        if chosen == .json {
            session.printJSON(answer.body)
        } else {
            let text = answer.text
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
    }
}

extension ReportCommand {
    /// `--for-ticket`: a cancellation's technical-analysis block once it is closed, otherwise
    /// the desk's report as text.
    func printForTicket(_ session: ControlSession) throws {
        let shown = try session.decode(CaseJSON.self, from: session.send("GET", ControlSession.casePath(target.id)))
        let text: String
        if shown.kind == .cancellation {
            guard shown.cancellation?.closedAt != nil else {
                throw FollowupError(
                    .conflict,
                    "\(shown.id) is a cancellation still open: its technical analysis is written when it is closed "
                        + "(followupctl cancellation close \(shown.id) --reason …)")
            }
            text = CancellationCommand.CloseCancellation.ticketBlock(shown, zone: try session.zone())
        } else {
            let query = QueryString.make([("format", "text"), ("audience", "desk")])
            text = try session.send("GET", ControlSession.casePath(target.id, "/report") + query).text
        }
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }
}

/// `followupctl reload`: read the configuration again.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Make followupd read its configuration again (armed deadlines stay as they are).",
        discussion: """
            The reload is done when the command returns; a refused configuration (a mistake in \
            it, or a change of storage or control that needs a restart) keeps the old one \
            running, prints why, and exits 1. The service unit's ExecReload runs \
            followupctl reload --wait.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Wait until the reload is done (it always is: accepted for the service unit's ExecReload).")
    var wait = false

    func run() throws {
        let session = global.session()
        let answer = try session.send("POST", "/v1/reload")
        let outcome = try session.decode(ReloadJSON.self, from: answer)
        try session.emit(answer) { () throws(FollowupError) in outcome.message }
        guard outcome.reloaded else { throw FollowupError(.conflict, "reload refused: \(outcome.message)") }
    }
}
