import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl outbox`: the notifications waiting, failed or delivered; `outbox show` and
/// `outbox retry` for one of them.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "List notifications to leaders, owners, clients and partners (pending, failed, delivered, digested).",
        discussion: """
            A failed notification gave up after its retries (an address or a webhook that keeps \
            refusing it): check its recipient, then `followupctl outbox retry ID`. A state ending \
            in * waits for an acknowledgement (`followupctl ack ID`).
            """,
        subcommands: [OutboxListCommand.self, OutboxShowCommand.self, OutboxRetryCommand.self],
        defaultSubcommand: OutboxListCommand.self)
}

/// `followupctl outbox [--state S]`.
struct OutboxListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List notifications, newest first (the default of `outbox`).")

    /// The delivery states the API filters on.
    enum DeliveryState: String, CaseIterable, ExpressibleByArgument {
        case pending, failed, delivered, digested
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("pending, failed, delivered or digested.", valueName: "state"))
    var state: DeliveryState?

    func run() throws {
        let session = global.session()
        let answer = try session.send("GET", "/v1/notifications" + QueryString.make([("state", state?.rawValue)]))
        try session.emit(answer) { () throws(FollowupError) in
            let list = try session.decode(NotificationList.self, from: answer)
            guard !list.notifications.isEmpty else {
                return state.map { "no \($0.rawValue) notifications" } ?? "the outbox is empty"
            }
            return Self.table(list, times: try session.timeText()).text
        }
    }

    /// The notifications as a table.
    static func table(_ list: NotificationList, times: TimeText) -> TextTable {
        var table = TextTable([
            .init("ID", flexible: true, minimum: 10), .init("CASE"), .init("EVENT", flexible: true, minimum: 8),
            .init("TO", flexible: true, minimum: 10), .init("STATE"), .init("TRIES", rightAligned: true),
            .init("NEXT (\(times.offset(at: Date())))"),
        ])
        for item in list.notifications {
            let waiting = item.needsAck && item.acknowledgedAt == nil
            let state = waiting ? "\(item.state)*" : item.state
            let next = item.state == "pending" ? times.compact(item.nextAttemptAt) : ""
            let event = item.event.hasPrefix("case.") ? String(item.event.dropFirst(5)) : item.event
            table.append([item.id, item.case ?? "", event, item.recipient, state, "\(item.attempts)", next])
        }
        return table
    }
}

/// An outbox notification's id, as printed by `followupctl outbox`.
struct NotificationArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The notification's id (see followupctl outbox).", valueName: "id"))
    var id: String

    func validate() throws {
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ValidationError("\(id) is not a notification id: copy it from `followupctl outbox`.")
        }
    }

    var path: String { "/v1/notifications/\(id)" }
}

/// `followupctl outbox show ID`: one notification with every delivery attempt.
struct OutboxShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one notification and each of its delivery attempts.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: NotificationArgument

    func run() throws {
        let session = global.session()
        let answer = try session.send("GET", target.path)
        try session.emit(answer) { () throws(FollowupError) in
            Self.text(try session.decode(NotificationJSON.self, from: answer), times: try session.timeText())
        }
    }

    static func text(_ item: NotificationJSON, times: TimeText) -> String {
        var lines = [
            "\(item.id)  \(item.event)  \(item.state)",
            "to:        \(item.channel) \(item.recipient)",
            "case:      \(item.case ?? "-")",
            "queued:    \(times.full(item.createdAt))",
        ]
        if item.state == "pending" { lines.append("next try:  \(times.withDistance(item.nextAttemptAt))") }
        if let at = item.deliveredAt { lines.append("delivered: \(times.full(at))") }
        if let digest = item.digest { lines.append("folded into digest \(digest)") }
        if item.needsAck {
            if let by = item.acknowledgedBy, let at = item.acknowledgedAt {
                lines.append("acknowledged by \(by) at \(times.full(at))")
            } else {
                lines.append("waiting for an acknowledgement: followupctl ack \(item.acknowledge ?? item.id)")
            }
        }
        if let error = item.lastError { lines.append("last error: \(error)") }
        let history = item.history ?? []
        if !history.isEmpty {
            lines.append("attempts:")
            for attempt in history {
                var line = "  \(attempt.number). \(times.full(attempt.at))  \(attempt.result)"
                if let status = attempt.httpStatus { line += "  HTTP \(status)" }
                if let status = attempt.exitStatus { line += "  exit \(status)" }
                if let error = attempt.error { line += "  \(error)" }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// `followupctl outbox retry ID`: queue a failed notification again.
struct OutboxRetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Queue a failed notification again, with a fresh count of attempts.",
        discussion: "Fix what made it fail first (the address, the webhook's URL or secret), then `followupctl reload`."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var target: NotificationArgument

    func run() throws {
        let session = global.session()
        let answer = try session.send("POST", target.path + "/retry", idempotencyKey: change.idempotencyKey)
        try session.emit(answer) { () throws(FollowupError) in
            let item = try session.decode(NotificationJSON.self, from: answer)
            return "\(item.id) queued again for \(item.recipient)"
        }
    }
}

/// `followupctl ack ID`: acknowledge a notification that needs it.
struct AckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Acknowledge a notification (priority requests, urgent escalations, hand-offs, notices).",
        discussion: """
            One acknowledgement by anyone allowed closes it on every channel it went to; who and \
            when are kept in the outbox and on the case's timeline. Unacknowledged, it is sent \
            again to all leaders after policy.ack_within.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions
    @OptionGroup var target: NotificationArgument

    func run() throws {
        let session = global.session()
        let answer = try session.send("POST", target.path + "/ack", idempotencyKey: change.idempotencyKey)
        try session.emit(answer) { () throws(FollowupError) in
            let item = try session.decode(NotificationJSON.self, from: answer)
            let times = try session.timeText()
            guard let by = item.acknowledgedBy, let at = item.acknowledgedAt else { return "\(item.id) acknowledged" }
            return "\(item.acknowledge ?? item.id) acknowledged by \(by) at \(times.full(at))"
        }
    }
}
