import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl erase (--client NAME | --case ID) [--dry-run] [--force]` (LGPD, §6.10).
struct EraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a client's personal data from followupd (LGPD), or one case's.",
        discussion: """
            Removes the client's name and e-mail, notes and returns, stored reports and report \
            files, notification payloads and spool files, and inbound mail copies of the cases \
            named; each case keeps a tombstone entry saying who erased what and when. Open cases \
            are refused unless --force. --dry-run lists what would go (cases, notification \
            payloads, report files, spool files, inbound mail copies) and changes nothing; the \
            erasure then removes exactly those. Needs the admin role.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Every case of this client (the name as the cases spell it).", valueName: "name"))
    var client: String?

    @Option(name: .customLong("case"), help: ArgumentHelp("One case.", valueName: "id"))
    var caseID: String?

    @Flag(help: "List what would be erased; change nothing.")
    var dryRun = false

    @Flag(help: "Erase open cases too.")
    var force = false

    func validate() throws {
        guard (client == nil) != (caseID == nil) else {
            throw ValidationError("Give one of --client NAME or --case ID.")
        }
    }

    func run() throws {
        let session = global.session()
        let answer = try session.send(
            "POST", "/v1/erase", body: EraseBody(client: client, case: caseID, dryRun: dryRun, force: force))
        try session.emit(answer) { () throws(FollowupError) in
            let outcome = try session.decode(ErasureJSON.self, from: answer)
            let verb = outcome.dryRun ? "would erase" : "erased"
            var lines = outcome.cases.map { "\(verb) \($0.id) (\($0.state.rawValue)) client \($0.client)" }
            lines += outcome.notifications.map {
                "\(outcome.dryRun ? "would empty" : "emptied") the payload of notification \($0)"
            }
            lines += outcome.files.map { "\(outcome.dryRun ? "would remove" : "removed") \($0)" }
            return lines.joined(separator: "\n")
        }
    }
}
