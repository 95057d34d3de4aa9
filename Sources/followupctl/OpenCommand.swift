import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl open`: a new case, from the first request sent to the partner.
struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open a case: you asked a partner to verify something for a client.",
        discussion: """
            Prints the new case's id (FU-12) alone on a line, so a script can keep it. From the \
            moment the request was sent, followupd resends it when the partner gives no return \
            within the resend time (24 h) and writes the attempts report for the client at the \
            report time (72 h).

            Either you sent the first request yourself (say when with --sent-at; default: now; \
            give its --message-id so resends go in the same thread), or --send asks followupd \
            to mail it.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions

    @Option(help: ArgumentHelp("The client's name.", valueName: "name"))
    var client: String

    @Option(help: ArgumentHelp("The partner (third party) to chase, such as SIEG.", valueName: "name"))
    var partner: String

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp("The partner's e-mail address; repeat it (or list several) for more.", valueName: "addr"))
    var partnerEmail: [String]

    @Option(help: ArgumentHelp("What it is about (goes into the mail subject).", valueName: "text"))
    var subject: String

    @Option(help: ArgumentHelp("What the partner has to verify.", valueName: "text"))
    var verification: String

    @Option(help: ArgumentHelp("The client's e-mail address.", valueName: "addr"))
    var clientEmail: String?

    @Option(help: ArgumentHelp("The client's ticket reference, such as the SSC number.", valueName: "ref"))
    var ticket: String?

    @Option(help: ArgumentHelp("The technician responsible (default: you).", valueName: "name"))
    var owner: String?

    @Option(
        help: ArgumentHelp(
            "Sensitive data asked of the client, comma-separated.",
            valueName: "list"))
    var sensitive: SensitiveList?

    @Option(help: ArgumentHelp("The client's deadline that depends on our answer.", valueName: "time"))
    var deadline: TimeArgument?

    @Option(help: ArgumentHelp("The level-2/3 team involved: N2 or N3.", valueName: "level"))
    var escalatedTo: String?

    @Option(help: ArgumentHelp("When the client's scheduled implementation happens.", valueName: "time"))
    var implementationAt: TimeArgument?

    @Option(help: ArgumentHelp("When you sent the first request (default: now).", valueName: "time"))
    var sentAt: TimeArgument?

    @Flag(help: "Have followupd mail the first request itself (instead of --sent-at).")
    var send = false

    @Option(help: ArgumentHelp("The Message-ID of the first request you sent, when known.", valueName: "id"))
    var messageID: String?

    func validate() throws {
        if send && sentAt != nil {
            throw ValidationError(
                "Give either --sent-at (you sent the request) or --send (followupd sends it), not both.")
        }
        if partnerEmail.isEmpty {
            throw ValidationError("Give at least one --partner-email: followupd mails the partner there.")
        }
    }

    func run() throws {
        let session = global.session()
        let body = OpenCaseBody(
            client: .init(name: client, email: clientEmail, ticket: ticket),
            partner: .init(name: partner, emails: partnerEmail),
            subject: subject, verification: verification, owner: owner, sensitive: sensitive?.items,
            deadline: try session.instant(deadline), escalatedTo: escalatedTo,
            implementationAt: try session.instant(implementationAt), sentAt: try session.instant(sentAt),
            send: send ? true : nil, messageID: messageID)
        let answer = try session.send("POST", "/v1/cases", body: body, idempotencyKey: change.idempotencyKey)
        try session.emit(answer) { () throws(FollowupError) in
            try session.decode(CaseJSON.self, from: answer).id
        }
    }
}

/// `password,certificate,other`: the sensitive data a case asks of the client.
struct SensitiveList: Sendable, Hashable, ExpressibleByArgument {
    var items: [SensitiveData]

    init?(argument: String) {
        var items: [SensitiveData] = []
        for word in argument.split(separator: ",") {
            guard let item = SensitiveData(rawValue: word.trimmingCharacters(in: .whitespaces).lowercased()) else {
                return nil
            }
            if !items.contains(item) { items.append(item) }
        }
        guard !items.isEmpty else { return nil }
        self.items = items.sorted()
    }

    static var allValueStrings: [String] { SensitiveData.allCases.map(\.rawValue) }

    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}
