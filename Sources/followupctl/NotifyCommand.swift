import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl notify test`: a test notification through the real transport, now.
struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Check the notification paths.",
        subcommands: [NotifyTestCommand.self])
}

/// `followupctl notify test (--webhook NAME | --mail ADDR)`.
struct NotifyTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a test notification now to one webhook or one mail address, and say how it went.",
        discussion: """
            The test goes through the real transport (the webhook's signed request; the mail \
            spool or sendmail as configured), at once and once: nothing is queued or retried. \
            Prints the outcome (HTTP status, sendmail's exit status, the error); exits 0 when it \
            got through, 1 when it did not. Needs the admin role.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("A webhook's name in the configuration.", valueName: "name"))
    var webhook: String?

    @Option(help: ArgumentHelp("A mail address.", valueName: "address"))
    var mail: String?

    func validate() throws {
        guard (webhook == nil) != (mail == nil) else {
            throw ValidationError("Give one of --webhook NAME or --mail ADDRESS.")
        }
    }

    func run() throws {
        let session = global.session()
        let answer = try session.send("POST", "/v1/notify-test", body: NotifyTestBody(webhook: webhook, mail: mail))
        let outcome = try session.decode(NotifyTestJSON.self, from: answer)
        try session.emit(answer) { () throws(FollowupError) in
            var parts = ["\(outcome.channel) \(outcome.recipient): \(outcome.result)"]
            if let status = outcome.httpStatus { parts.append("HTTP \(status)") }
            if let status = outcome.exitStatus { parts.append("sendmail exit \(status)") }
            if let error = outcome.error { parts.append(error) }
            return parts.joined(separator: " — ")
        }
        if !outcome.delivered { throw ExitCode(1) }
    }
}
