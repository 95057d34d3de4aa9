import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl due`: what the daemon will do next, in order.
struct DueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "Show what followupd will do next (resends, reports, reminders, warnings), earliest first.",
        discussion: "Without --within, what is due in the next 24 hours.")

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Only what is due within this time: 24h, 90m, 2d…", valueName: "duration"))
    var within: DurationArgument?

    func run() throws {
        let session = global.session()
        let answer = try session.send("GET", "/v1/due" + QueryString.make([("within", within?.duration.description)]))
        try session.emit(answer) { () throws(FollowupError) in
            let due = try session.decode(DueJSON.self, from: answer)
            guard !due.due.isEmpty else {
                return within.map { "nothing is due within \($0.duration)" } ?? "nothing is due"
            }
            return Self.table(due, times: try session.timeText()).text
        }
    }

    /// The due stages as a table.
    static func table(_ due: DueJSON, times: TimeText) -> TextTable {
        var table = TextTable([
            .init("DUE (\(times.offset(at: due.due.first?.dueAt ?? Date())))"), .init("CASE"),
            .init("ACTION", flexible: true, minimum: 8), .init("CLIENT", flexible: true, minimum: 8),
            .init("PARTNER", flexible: true, minimum: 6), .init("OWNER", flexible: true, minimum: 5),
        ])
        for item in due.due {
            let action =
                item.ordinal > 1 || item.action.hasSuffix("resend") || item.action.hasSuffix("reminder")
                ? "\(item.action) \(item.ordinal)" : item.action
            table.append([times.minute(item.dueAt), item.case, action, item.client, item.partner ?? "", item.owner])
        }
        return table
    }
}
