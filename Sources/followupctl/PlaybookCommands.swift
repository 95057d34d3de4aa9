import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl escalate`: call the leaders at once about a service that is down (§5 rule 3).
struct EscalateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalate",
        abstract: "Call the leaders now: a service is down and the client is in a hurry (URGENTE).",
        discussion: """
            Sends escalation.urgent to every leader at once, Teams webhooks first, then their other \
            channels. A leader acknowledges it with followupctl ack ID; unacknowledged, it is sent \
            again after policy.ack_within.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The service that is down (\"Busca NF-e não iniciou\").", valueName: "text"))
    var service: String

    @Option(help: ArgumentHelp("The client affected.", valueName: "name"))
    var client: String

    @Option(help: ArgumentHelp("What the leader needs to know.", valueName: "text"))
    var note: String

    func run() throws {
        let session = global.session()
        let answer = try session.send(
            "POST", "/v1/escalations", body: EscalationBody(service: service, client: client, note: note))
        try session.emit(answer) { () throws(FollowupError) in
            let sent = try session.decode(EscalationJSON.self, from: answer)
            return "URGENTE sent to the leaders (\(sent.notifications.count) channel(s)); "
                + "they acknowledge with: followupctl ack \(sent.acknowledge)"
        }
    }
}

/// `followupctl handoff`: support given on a partner's product (§5 rule 7).
struct HandoffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handoff",
        abstract: "Record support on a partner's product: the client is told the partner will get in touch.",
        discussion: """
            The client gets a mail (when --client-email is given) saying the partner company will \
            get in touch; the leader is asked to notify the partner's support and acknowledges \
            (followupctl ack ID) once done, which closes the hand-off. Until then it is pending \
            for you (followupctl can-take) and the leader is reminded.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions

    @Option(help: ArgumentHelp("The client.", valueName: "name")) var client: String
    @Option(help: ArgumentHelp("The partner company.", valueName: "name")) var partner: String
    @Option(help: ArgumentHelp("The client's address, to tell them.", valueName: "addr")) var clientEmail: String?
    @Option(help: ArgumentHelp("The ticket's reference.", valueName: "ref")) var ticket: String?
    @Option(help: ArgumentHelp("The technician responsible (default: you).", valueName: "name")) var owner: String?
    @Option(help: ArgumentHelp("What was done, for the leader and the partner.", valueName: "text")) var note: String

    func run() throws {
        let session = global.session()
        let body = HandoffBody(
            client: Client(name: client, email: clientEmail, ticket: ticket),
            partner: OpenCaseBody.PartnerBody(name: partner), note: note, owner: owner)
        let answer = try session.send(
            "POST", "/v1/handoffs", body: body, idempotencyKey: change.idempotencyKey)
        try session.emit(answer) { () throws(FollowupError) in
            let opened = try session.decode(CaseJSON.self, from: answer)
            return "\(opened.id): hand-off recorded; the leader was asked to notify \(partner)'s support"
        }
    }
}

/// `followupctl queue`: the items waiting on us, in the order to take them (§5 rule 4).
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "List the followupd items waiting on the desk, in the order to take them.",
        discussion: """
            Oldest first; an item moves ahead only when classified urgent, when the client got in \
            touch, or when a priority e-mail arrived (followupctl flag), and the reason is shown. \
            Phone technicians follow the same order. followupd sees only its own items (its cases), \
            not the ticket system's queue.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("One technician's items.", valueName: "name")) var owner: String?

    func run() throws {
        let session = global.session()
        let answer = try session.send("GET", "/v1/queue" + QueryString.make([("owner", owner)]))
        try session.emit(answer) { () throws(FollowupError) in
            let queue = try session.decode(QueueJSON.self, from: answer)
            guard !queue.items.isEmpty else { return "nothing waits on \(owner ?? "the desk")" }
            let times = try session.timeText()
            var table = TextTable([
                .init("#", rightAligned: true), .init("CASE"), .init("KIND"), .init("SINCE"),
                .init("AHEAD BECAUSE", flexible: true, minimum: 8), .init("CLIENT", flexible: true, minimum: 8),
                .init("OWNER", flexible: true, minimum: 5), .init("WAITING ON US", flexible: true, minimum: 10),
            ])
            for item in queue.items {
                table.append([
                    "\(item.position)", item.case, item.kind, times.compact(item.since), item.skip ?? "",
                    item.client, item.owner, item.pending,
                ])
            }
            return table.text
        }
    }
}

/// `followupctl can-take --owner O`: whether the technician may take new work (§5 rule 4).
struct CanTakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "can-take",
        abstract: "Answer whether a technician may take new work: exit 0 yes, 1 no (naming what is pending).",
        discussion: """
            Pending: awaiting_us cases, cancellations without a recorded client contact, hand-offs \
            the leader has not confirmed (not awaiting_partner cases, which wait on others). \
            followupd sees only its own items, not the ticket system's queue.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The technician.", valueName: "name")) var owner: String

    func run() throws {
        let session = global.session()
        let answer = try session.send("GET", "/v1/can-take" + QueryString.make([("owner", owner)]))
        let verdict = try session.decode(CanTakeJSON.self, from: answer)
        try session.emit(answer) { verdict.reason }
        if !verdict.canTake { throw ExitCode(1) }
    }
}

/// `followupctl entitlement premium-site --contracted-on DATE` (§5 rule 6).
struct EntitlementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entitlement",
        abstract: "Answer whether a client is entitled to something: exit 0 yes, 1 no, with the reason.",
        subcommands: [PremiumSiteCommand.self])

    /// `entitlement premium-site`.
    struct PremiumSiteCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "premium-site",
            abstract: "The Contábil Premium website creation: contracts up to 2021 yes, from 2022 on no.")

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("When Contábil Premium was contracted (YYYY-MM-DD).", valueName: "date"))
        var contractedOn: String

        func validate() throws {
            guard LocalDate(parsing: contractedOn) != nil else {
                throw ValidationError("--contracted-on takes a date as YYYY-MM-DD (2021-12-31).")
            }
        }

        func run() throws {
            let session = global.session()
            let answer = try session.send(
                "GET", "/v1/entitlements/premium-site" + QueryString.make([("contracted_on", contractedOn)]))
            let verdict = try session.decode(EntitlementJSON.self, from: answer)
            try session.emit(answer) { (verdict.entitled ? "yes: " : "no: ") + verdict.reason }
            if !verdict.entitled { throw ExitCode(1) }
        }
    }
}
