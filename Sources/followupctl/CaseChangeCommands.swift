import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl edit`: change a case's owner, dates, escalation or the partner's addresses.
struct EditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a case: owner, deadline, escalation, implementation date, partner addresses.",
        discussion: """
            Only what you give changes. Write none to clear the deadline, the escalation or the \
            implementation date. --partner-email replaces the partner's addresses (list them all). \
            Every change is kept on the timeline with its old and new value.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var target: CaseArgument

    @Option(help: ArgumentHelp("The new technician responsible.", valueName: "name"))
    var owner: String?

    @Option(help: ArgumentHelp("The client's deadline, or none.", valueName: "time|none"))
    var deadline: ClearableTime?

    @Option(help: ArgumentHelp("The level-2/3 team involved: N2, N3, or none.", valueName: "level|none"))
    var escalatedTo: String?

    @Option(help: ArgumentHelp("The scheduled implementation, or none.", valueName: "time|none"))
    var implementationAt: ClearableTime?

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp("The partner's addresses (replace the current ones).", valueName: "addr"))
    var partnerEmail: [String] = []

    func validate() throws {
        if owner == nil && deadline == nil && escalatedTo == nil && implementationAt == nil && partnerEmail.isEmpty {
            throw ValidationError(
                "Say what to change: --owner, --deadline, --escalated-to, --implementation-at or --partner-email.")
        }
    }

    func run() throws {
        let session = global.session()
        let body = PatchBody(
            owner: owner, deadline: try Self.patch(deadline, session), escalatedTo: Self.patch(escalatedTo),
            implementationAt: try Self.patch(implementationAt, session),
            partnerEmails: partnerEmail.isEmpty ? nil : partnerEmail)
        let answer = try session.send(
            "PATCH", ControlSession.casePath(target.id), body: body, idempotencyKey: change.idempotencyKey)
        try session.confirm(answer, "changed")
    }

    /// Absent: leave as it is; `none`: clear; a time: set.
    static func patch(_ value: ClearableTime?, _ session: ControlSession) throws(FollowupError) -> Date?? {
        switch value {
        case nil: return nil
        case .none?: return .some(nil)
        case .time(let time)?: return .some(try session.instant(time))
        }
    }

    /// Absent: leave as it is; `none`: clear; a level: set.
    static func patch(_ value: String?) -> String?? {
        guard let value else { return nil }
        return value.lowercased() == "none" ? .some(nil) : .some(value)
    }
}

/// `followupctl flag`: mark a case (or clear a mark) that changes the work order.
struct FlagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flag",
        abstract: "Set (or --clear) a flag: urgent, client-contacted, priority-email, priority.",
        discussion: """
            urgent, client-contacted and priority-email let the case be taken ahead of older work. \
            priority is a leader's mark: the priority durations of the policy apply to the case's \
            next cycle.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var target: CaseArgument

    @Argument(help: ArgumentHelp("urgent, client-contacted, priority-email or priority.", valueName: "flag"))
    var flag: FlagArgument

    @Flag(help: "Clear the flag instead of setting it.")
    var clear = false

    func run() throws {
        let session = global.session()
        let body = FlagBody(flag: flag.flag, set: !clear)
        let answer = try session.send(
            "POST", ControlSession.casePath(target.id, "/flags"), body: body, idempotencyKey: change.idempotencyKey)
        try session.confirm(answer, "\(flag.argumentText) \(clear ? "cleared" : "set")")
    }
}

/// A flag as the command line writes it: `client-contacted` (or `client_contacted`).
struct FlagArgument: Sendable, Hashable, ExpressibleByArgument {
    var flag: CaseFlag

    init?(argument: String) {
        guard let flag = CaseFlag(parsing: argument.lowercased()) else { return nil }
        self.flag = flag
    }

    /// The flag's name with dashes.
    var argumentText: String { flag.rawValue.replacingOccurrences(of: "_", with: "-") }

    static var allValueStrings: [String] {
        CaseFlag.allCases.map { $0.rawValue.replacingOccurrences(of: "_", with: "-") }
    }

    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}
