import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl inbox`: the messages read from the inbound Maildir (§4.5).
struct InboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "List the partners' mail followupd read, and handle what matched no case.",
        discussion: """
            Replies are recorded on their case by themselves (thread headers, then the [FU-n] tag in \
            the subject). What matched nothing, or what its case could not take, waits here: assign \
            it to a case (it is then recorded there), open a case from it (a request captured by Bcc \
            that lacked its partner or client marker), or dismiss it.
            """,
        subcommands: [InboxList.self, InboxShow.self, InboxAssign.self, InboxOpen.self, InboxDismiss.self],
        defaultSubcommand: InboxList.self)

    /// A message's id as `followupctl inbox` prints it (mid-sha256:… from its Message-ID, or sha256:… of its bytes), for a URL path.
    static func path(_ id: String, _ suffix: String = "") -> String {
        let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id
        return "/v1/inbox/\(escaped)\(suffix)"
    }

    /// `inbox [--unmatched]`.
    struct InboxList: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "The messages read, newest first (the default of `inbox`).")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Only those waiting for a person.") var unmatched = false

        func run() throws {
            let session = global.session()
            let answer = try session.send(
                "GET", "/v1/inbox" + QueryString.make([("unmatched", unmatched ? "true" : nil)]))
            try session.emit(answer) { () throws(FollowupError) in
                let list = try session.decode(FollowupAPI.InboxList.self, from: answer)
                guard !list.messages.isEmpty else {
                    return unmatched ? "nothing waits in the inbox" : "the inbox is empty"
                }
                let times = try session.timeText()
                var table = TextTable([
                    .init("ID", flexible: true, minimum: 12), .init("RECEIVED"), .init("CASE"), .init("KIND"),
                    .init("STATE"), .init("FROM", flexible: true, minimum: 10),
                    .init("WHY", flexible: true, minimum: 10),
                ])
                for message in list.messages {
                    table.append([
                        message.id, times.compact(message.receivedAt), message.case ?? "", message.kind, message.state,
                        message.from, message.reason,
                    ])
                }
                return table.text
            }
        }
    }

    /// `inbox show MESSAGE`.
    struct InboxShow: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One message read.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The message's id.", valueName: "message")) var id: String

        func run() throws {
            let session = global.session()
            let answer = try session.send("GET", InboxCommand.path(id))
            try session.emit(answer) { () throws(FollowupError) in
                let message = try session.decode(InboxMessageJSON.self, from: answer)
                let times = try session.timeText()
                var lines = [
                    "\(message.id)", "from:     \(message.from)", "subject:  \(message.subject)",
                    "received: \(times.full(message.receivedAt))", "kind:     \(message.kind)",
                    "state:    \(message.state)" + (message.case.map { " (\($0))" } ?? ""),
                    "why:      \(message.reason)",
                    "file:     \(message.file)",
                ]
                if let excerpt = message.excerpt { lines += ["", excerpt] }
                return lines.joined(separator: "\n")
            }
        }
    }

    /// `inbox assign MESSAGE CASE`.
    struct InboxAssign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "assign", abstract: "Record an unmatched message on a case, as a reply read from the partner.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The message's id.", valueName: "message")) var id: String
        @Argument(help: ArgumentHelp("The case: FU-12.", valueName: "case")) var caseID: String

        func run() throws {
            let session = global.session()
            let answer = try session.send("POST", InboxCommand.path(id, "/assign"), body: AssignBody(case: caseID))
            try session.emit(answer) { () throws(FollowupError) in
                let message = try session.decode(InboxMessageJSON.self, from: answer)
                return "\(message.id) recorded on \(message.case ?? caseID)"
            }
        }
    }

    /// `inbox open MESSAGE [--client NAME] [--ticket REF] [--partner NAME] [--partner-email ADDR]…`.
    struct InboxOpen: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "open",
            abstract: "Open a case from an unmatched message (a request captured by Bcc).",
            discussion: """
                What the options give completes or replaces what the message says: its client marker \
                ([SSC-1234 Client name]), the partner its recipients belong to, its subject and first \
                paragraph. The case's resends thread under the message.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The message's id.", valueName: "message")) var id: String
        @Option(help: "The client's name.") var client: String?
        @Option(help: "The ticket reference (SSC-1234).") var ticket: String?
        @Option(help: "The partner's name.") var partner: String?
        @Option(name: .customLong("partner-email"), help: "A partner's address (repeatable).")
        var partnerEmails: [String] = []
        @Option(help: "The case's subject.") var subject: String?
        @Option(help: "The verification still needed.") var verification: String?
        @Option(help: "The owner (default: the sender, when an owner).") var owner: String?

        func run() throws {
            let session = global.session()
            let body = InboxOpenBody(
                client: client, ticket: ticket, partner: partner,
                partnerEmails: partnerEmails.isEmpty ? nil : partnerEmails, subject: subject,
                verification: verification, owner: owner)
            let answer = try session.send("POST", InboxCommand.path(id, "/open"), body: body)
            try session.emit(answer) { () throws(FollowupError) in
                let message = try session.decode(InboxMessageJSON.self, from: answer)
                return message.case ?? message.id
            }
        }
    }

    /// `inbox dismiss MESSAGE`.
    struct InboxDismiss: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dismiss", abstract: "Set an unmatched message aside (it stays listed as dismissed).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The message's id.", valueName: "message")) var id: String

        func run() throws {
            let session = global.session()
            let answer = try session.send("POST", InboxCommand.path(id, "/dismiss"))
            try session.emit(answer) { () throws(FollowupError) in
                "\(try session.decode(InboxMessageJSON.self, from: answer).id) dismissed"
            }
        }
    }
}
