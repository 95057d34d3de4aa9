import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl cancellation`: a client's cancellation request (§5 rule 1).
struct CancellationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancellation",
        abstract: "Follow a cancellation request: contact the client, then close it with the real reason.",
        discussion: """
            A cancellation always needs a contact with the client to learn the reason, also when the \
            client hired a partner system (SIEG, Fiscosoft…). You are reminded every \
            policy.cancellation_contact_within until the contact is recorded.
            """,
        subcommands: [OpenCancellation.self, ContactCancellation.self, CloseCancellation.self])

    /// `cancellation open`.
    struct OpenCancellation: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "open", abstract: "Record a cancellation request; prints its id.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var change: ChangeOptions
        @Option(help: ArgumentHelp("The client.", valueName: "name")) var client: String
        @Option(help: ArgumentHelp("The ticket's reference.", valueName: "ref")) var ticket: String?
        @Option(help: ArgumentHelp("The client's address.", valueName: "addr")) var clientEmail: String?
        @Option(help: ArgumentHelp("The technician responsible (default: you).", valueName: "name")) var owner: String?

        func run() throws {
            let session = global.session()
            let body = OpenCaseBody(
                kind: .cancellation, client: Client(name: client, email: clientEmail, ticket: ticket), partner: nil,
                subject: nil, verification: nil, owner: owner)
            let answer = try session.send("POST", "/v1/cases", body: body, idempotencyKey: change.idempotencyKey)
            try session.emit(answer) { () throws(FollowupError) in try session.decode(CaseJSON.self, from: answer).id }
        }
    }

    /// `cancellation contact ID --summary TEXT`.
    struct ContactCancellation: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "contact", abstract: "Record the contact with the client and how it went; reminders stop.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var target: CaseArgument
        @Option(help: ArgumentHelp("How the contact went.", valueName: "text")) var summary: String

        func run() throws {
            let session = global.session()
            let answer = try session.send(
                "POST", ControlSession.casePath(target.id, "/client-contact"),
                body: ClientContactBody(summary: summary), idempotencyKey: change.idempotencyKey)
            try session.confirm(answer, "client contact recorded")
        }
    }

    /// `cancellation close ID --reason CATEGORY [--partner-system NAME] --text TEXT`.
    struct CloseCancellation: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "close",
            abstract:
                "Close the cancellation with the real reason; prints the block for the ticket's technical analysis.",
            discussion: """
                Refused until the contact with the client is recorded (cancellation contact). \
                Reasons: price, partner_system (with --partner-system: SIEG, Fiscosoft…), \
                business_closed, dissatisfaction, other.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var change: ChangeOptions
        @OptionGroup var target: CaseArgument
        @Option(
            help: ArgumentHelp("price, partner_system, business_closed, dissatisfaction, other.", valueName: "reason"))
        var reason: String
        @Option(help: ArgumentHelp("The partner system hired (with partner_system).", valueName: "name"))
        var partnerSystem: String?
        @Option(help: ArgumentHelp("The real reason, in your words.", valueName: "text")) var text: String

        func validate() throws {
            guard let parsed = CancellationReason(rawValue: reason.replacingOccurrences(of: "-", with: "_")) else {
                throw ValidationError(
                    "--reason is one of \(CancellationReason.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            if parsed == .partnerSystem && (partnerSystem ?? "").isEmpty {
                throw ValidationError("--reason partner_system needs --partner-system NAME (SIEG, Fiscosoft…).")
            }
        }

        func run() throws {
            let session = global.session()
            let body = CloseBody(
                reason: CancellationReason(rawValue: reason.replacingOccurrences(of: "-", with: "_")),
                partnerSystem: partnerSystem, text: text)
            let answer = try session.send(
                "POST", ControlSession.casePath(target.id, "/close"), body: body, idempotencyKey: change.idempotencyKey)
            try session.emit(answer) { () throws(FollowupError) in
                let closed = try session.decode(CaseJSON.self, from: answer)
                let zone = try session.zone()
                return Self.ticketBlock(closed, zone: zone)
            }
        }

        /// The block to paste into the ticket's technical-analysis field.
        static func ticketBlock(_ closed: CaseJSON, zone: TimeZone) -> String {
            (closed.cancellation ?? CancellationRecord()).ticketBlock(
                case: closed.id, client: closed.client, owner: closed.owner, timeZone: zone)
        }
    }
}

/// `followupctl cancellations [--since DATE]`: closed cancellations by reason and partner system.
struct CancellationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancellations", abstract: "Count closed cancellations by reason and by partner system hired.")

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only those closed since this day (YYYY-MM-DD).", valueName: "date")) var since: String?

    func run() throws {
        let session = global.session()
        let answer = try session.send("GET", "/v1/cancellations" + QueryString.make([("since", since)]))
        try session.emit(answer) { () throws(FollowupError) in
            let counts = try session.decode(CancellationsJSON.self, from: answer)
            var lines = [
                "\(counts.total) cancellation(s) closed" + (since.map { " since \($0)" } ?? "")
                    + ", \(counts.open) still open"
            ]
            for (reason, count) in counts.byReason.sorted(by: {
                $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key)
            }) {
                lines.append("  \(reason): \(count)")
            }
            if !counts.byPartnerSystem.isEmpty {
                lines.append("partner systems hired:")
                for (system, count) in counts.byPartnerSystem.sorted(by: {
                    $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key)
                }) {
                    lines.append("  \(system): \(count)")
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}
