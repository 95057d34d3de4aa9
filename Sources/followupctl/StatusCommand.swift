import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl status`: is the daemon up, and how is the desk doing.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show followupd's health: version, uptime, storage, cases per state, next deadline, outbox.",
        discussion: """
            Exits 0 when followupd answers, 69 when it cannot be reached (useful in scripts and \
            monitoring checks).
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = global.session()
        let answer = try session.send("GET", "/v1/status")
        try session.emit(answer) { () throws(FollowupError) in
            let status = try session.decode(StatusJSON.self, from: answer)
            let times = TimeText(zone: TimeZone(identifier: status.timezone) ?? TimeZone(secondsFromGMT: 0)!)
            return Self.text(status, times: times)
        }
    }

    /// The status as a short block of labelled lines.
    static func text(_ status: StatusJSON, times: TimeText) -> String {
        let states = CaseState.allCases.filter(\.isOpen).map(\.rawValue)
        let openCounts = counts(status.cases, order: states, keeping: { states.contains($0) })
        let closed = status.cases[CaseState.closed.rawValue] ?? 0
        var lines = [
            "followupd \(status.version) on \(status.node), pid \(status.pid), up "
                + "\(TimeText.span(seconds: status.uptimeSeconds)) (since \(times.full(status.startedAt)))"
        ]
        lines.append(line("Storage", "\(status.storage.engine) \(status.storage.location)"))
        if let nodes = status.nodes {
            lines.append(line("Nodes", nodes.isEmpty ? "none seen" : nodes.joined(separator: ", ")))
        }
        lines.append(line("Cases", "\(status.openCases) open (\(openCounts)); \(closed) closed"))
        lines.append(line("Next deadline", status.nextDeadline.map(times.withDistance) ?? "none"))
        let outbox = counts(
            status.outbox, order: ["pending", "failed", "delivered", "digested"], keeping: { _ in true })
        lines.append(line("Outbox", outbox.isEmpty ? "empty" : outbox))
        if (status.outbox["failed"] ?? 0) > 0 {
            lines.append(line("", "failed notifications: followupctl outbox --state failed"))
        }
        let stages = counts(status.stages, order: Stage.Kind.allCases.map(\.rawValue), keeping: { _ in true })
        lines.append(line("Stages done", stages.isEmpty ? "none yet" : stages))
        lines.append(line("Time zone", status.timezone))
        if let retention = status.retention {
            lines.append(
                line(
                    "Retention",
                    "erased \(retention.closedCases) closed case(s), removed \(retention.inboundFiles) inbound mail "
                        + "and \(retention.reportFiles) report file(s) since start"))
        }
        return lines.joined(separator: "\n")
    }

    /// `awaiting_partner 5, awaiting_us 4` in `order`, then any other keys sorted.
    static func counts(_ values: [String: Int], order: [String], keeping keep: (String) -> Bool) -> String {
        let known = order.filter { values[$0] != nil }
        let others = values.keys.filter { !order.contains($0) && keep($0) && $0 != CaseState.closed.rawValue }.sorted()
        return (known + others).filter(keep).map { "\($0) \(values[$0] ?? 0)" }.joined(separator: ", ")
    }

    private static func line(_ label: String, _ value: String) -> String {
        label.padding(toLength: 15, withPad: " ", startingAt: 0) + value
    }
}
