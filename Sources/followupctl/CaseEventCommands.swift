import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// The case's id argument, shared by every command about one case.
struct CaseArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The case: FU-12, fu-12 or 12.", valueName: "id"))
    var id: CaseID
}

/// `followupctl sent`: a contact went to the partner (mail, phone call, portal…).
struct SentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sent",
        abstract: "Record a contact you sent to the partner (a mail, a call, a portal message).",
        discussion: """
            While the case awaits the partner, the contact is one more attempt and the clock \
            does not restart. When the case awaited us or the client, the case awaits the partner \
            again and a new cycle (resend at 24 h, report at 72 h) starts from the contact's time.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var target: CaseArgument

    @Option(help: ArgumentHelp("When it was sent (default: now).", valueName: "time"))
    var at: TimeArgument?

    @Option(help: ArgumentHelp("How: email (default), phone, portal or other.", valueName: "channel"))
    var channel: ContactChannel?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("The addresses it went to.", valueName: "addr"))
    var to: [String] = []

    @Option(help: ArgumentHelp("The mail's Message-ID, when known.", valueName: "id"))
    var messageID: String?

    @Option(help: ArgumentHelp("What you said or asked.", valueName: "text"))
    var note: String?

    func run() throws {
        let session = global.session()
        let body = ContactBody(
            at: try session.instant(at), channel: channel, to: to.isEmpty ? nil : to, messageID: messageID, note: note)
        let answer = try session.send(
            "POST", ControlSession.casePath(target.id, "/contacts"), body: body, idempotencyKey: change.idempotencyKey)
        try session.confirm(answer, "contact recorded")
    }
}

/// `followupctl reply`: the partner returned.
struct ReplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply",
        abstract: "Record the partner's return: info (default), ack or auto.",
        discussion: """
            info: the partner brought information. The case now awaits us; the 72 h clock starts \
            again from our next contact (followupctl sent).

            ack: "we are looking into it". No more resends this cycle, but the report stays due.

            auto: an automatic answer or out-of-office. Logged; nothing changes.

            --reclassify SEQ --kind K corrects the kind of a return already recorded (one read \
            from the inbound mailbox, say), while nothing newer happened on the case.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var target: CaseArgument

    @Option(help: ArgumentHelp("What kind of return: info, ack or auto.", valueName: "kind"))
    var kind: ReturnKind = .info

    @Option(help: ArgumentHelp("When it came (default: now).", valueName: "time"))
    var at: TimeArgument?

    @Option(help: ArgumentHelp("What the partner said.", valueName: "text"))
    var note: String?

    @Option(help: ArgumentHelp("The timeline seq of a return to reclassify as --kind.", valueName: "seq"))
    var reclassify: Int?

    func validate() throws {
        if reclassify == nil && note == nil { throw ValidationError("Say what the partner said: --note TEXT.") }
        if reclassify != nil && (note != nil || at != nil) {
            throw ValidationError("--reclassify changes only the kind: leave out --note and --at.")
        }
    }

    func run() throws {
        let session = global.session()
        let body = ReturnBody(kind: kind, at: try session.instant(at), note: note, reclassify: reclassify)
        let answer = try session.send(
            "POST", ControlSession.casePath(target.id, "/returns"), body: body, idempotencyKey: change.idempotencyKey)
        try session.confirm(
            answer,
            reclassify.map { "return \($0) reclassified as \(kind.rawValue)" } ?? "\(kind.rawValue) return recorded")
    }
}

/// `followupctl refused`: the partner will not deal with us.
struct RefusedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refused",
        abstract: "Record that the partner refused to deal with us and asked the client to contact it directly.",
        discussion: """
            followupd writes the attempts report at once, stressing that contacting the partner \
            directly was the partner's own request, and the case returns to the client.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var target: CaseArgument

    @Option(help: ArgumentHelp("What the partner said.", valueName: "text"))
    var note: String

    func run() throws {
        let session = global.session()
        let answer = try session.send(
            "POST", ControlSession.casePath(target.id, "/refusal"), body: RefusalBody(note: note),
            idempotencyKey: change.idempotencyKey)
        try session.confirm(answer, "refusal recorded")
    }
}

/// `followupctl note`: free text on the case's timeline.
struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Add a note to the case's timeline (changes nothing else).",
        discussion: """
            The note appears in the attempts report the client receives, unless --internal keeps \
            it for the desk (the desk's report marks it internal).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var target: CaseArgument

    @Argument(help: ArgumentHelp("The note (quote it).", valueName: "text"))
    var text: String

    @Flag(name: .customLong("internal"), help: "For the desk only: never in the client's report.")
    var isInternal = false

    func run() throws {
        let session = global.session()
        let answer = try session.send(
            "POST", ControlSession.casePath(target.id, "/notes"),
            body: NoteBody(note: text, internal: isInternal ? true : nil),
            idempotencyKey: change.idempotencyKey)
        try session.confirm(answer, "note added")
    }
}

/// `followupctl close`: the case is resolved, withdrawn or cancelled.
struct CloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close the case (resolved, withdrawn or cancelled): followupd stops chasing.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var target: CaseArgument

    @Option(help: ArgumentHelp("How it ended.", valueName: "text"))
    var resolution: String

    func run() throws {
        let session = global.session()
        let answer = try session.send(
            "POST", ControlSession.casePath(target.id, "/close"), body: CloseBody(resolution: resolution),
            idempotencyKey: change.idempotencyKey)
        try session.confirm(answer, "closed")
    }
}

/// `followupctl reopen`: a closed case comes back.
struct ReopenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reopen",
        abstract: "Reopen a closed case; it then awaits us (record the next contact with followupctl sent).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var target: CaseArgument

    @Option(help: ArgumentHelp("Why it is reopened.", valueName: "text"))
    var reason: String

    func run() throws {
        let session = global.session()
        let answer = try session.send(
            "POST", ControlSession.casePath(target.id, "/reopen"), body: ReopenBody(reason: reason),
            idempotencyKey: change.idempotencyKey)
        try session.confirm(answer, "reopened")
    }
}

extension ContactChannel: ExpressibleByArgument {}
extension ReturnKind: ExpressibleByArgument {}
extension CaseState: ExpressibleByArgument {}
extension CaseKind: ExpressibleByArgument {}
