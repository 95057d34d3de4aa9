import FollowupAPI
import FollowupCore
import Foundation

/// A case written for people: the `show` page, the one-line confirmation of a change, and a
/// row of `list`. Fits an 80-column terminal; times in the desk's zone.
struct CaseText {
    var subject: CaseJSON
    var times: TimeText
    /// The width to fit.
    var width = 80

    init(_ subject: CaseJSON, times: TimeText, width: Int = 80) {
        self.subject = subject
        self.times = times
        self.width = width
    }

    /// `FU-12 reply recorded: now awaiting_us; next owner_reminder 2026-11-30 14:05 -03 (in 23h).`
    func confirmation(_ what: String) -> String {
        "\(subject.id) \(what): now \(subject.state.rawValue); \(nextPhrase)"
    }

    /// `next resend 2026-11-30 14:05 -03 (in 23h 59m)`, or that nothing is armed.
    var nextPhrase: String {
        guard let next = subject.nextAction else {
            return subject.state == .closed ? "nothing more is due" : "nothing is scheduled"
        }
        return "next \(next.kind) \(times.withDistance(next.dueAt))"
    }

    /// The whole case: fields, attempts, timeline and reports.
    var page: String {
        var lines = ["\(subject.id)  \(subject.state.rawValue)  (\(subject.kind.rawValue))"]
        lines += fields.flatMap { label, value in labelled(label, value) }
        lines += ["", "Attempts"] + attemptLines
        if let events = subject.events {
            lines += ["", "Timeline"] + timelineLines(events)
        }
        if !subject.reports.isEmpty {
            lines += ["", "Reports"] + reportLines
        }
        return lines.joined(separator: "\n")
    }

    /// The labelled fields at the top of the page, the empty ones left out.
    var fields: [(String, String)] {
        var fields: [(String, String)] = []
        var client = subject.client.name
        if let email = subject.client.email { client += " <\(email)>" }
        if let ticket = subject.client.ticket { client += ", ticket \(ticket)" }
        fields.append(("Client", client))
        if let partner = subject.partner {
            let addresses = partner.emails.map { "<\($0)>" }.joined(separator: ", ")
            fields.append(("Partner", addresses.isEmpty ? partner.name : "\(partner.name) \(addresses)"))
        }
        fields.append(("Subject", subject.subject))
        fields.append(("Verification", subject.verification))
        fields.append(("Owner", subject.leader.map { "\(subject.owner) (leader \($0))" } ?? subject.owner))
        if !subject.flags.isEmpty {
            let flags = subject.flags.map { "\($0.flag.rawValue) (\(times.full($0.at)), \($0.by))" }
            fields.append(("Flags", flags.joined(separator: "; ")))
        }
        if !subject.sensitive.isEmpty {
            fields.append(("Sensitive", subject.sensitive.map(\.rawValue).joined(separator: ", ")))
        }
        if let deadline = subject.deadline { fields.append(("Deadline", times.withDistance(deadline))) }
        if let level = subject.escalatedTo { fields.append(("Escalated to", level)) }
        if let at = subject.implementationAt { fields.append(("Implementation", times.withDistance(at))) }
        fields.append(("Opened", "\(times.full(subject.createdAt)); changed \(times.full(subject.updatedAt))"))
        if let messageID = subject.firstMessageID { fields.append(("First mail", messageID)) }
        let cycle = subject.cycle
        var cycleText = "\(cycle.number), started \(times.full(cycle.startedAt)); "
        cycleText += cycle.resends == 1 ? "1 resend" : "\(cycle.resends) resends"
        if cycle.acknowledged { cycleText += "; ack received" }
        fields.append(("Cycle", cycleText))
        fields.append(("Next", subject.nextAction.map { "\($0.kind) \(times.withDistance($0.dueAt))" } ?? "nothing"))
        return fields
    }

    /// The attempts table.
    var attemptLines: [String] {
        guard !subject.attempts.isEmpty else { return ["  none"] }
        let sent = subject.attempts.first.map { times.offset(at: $0.at) } ?? ""
        var table = TextTable(
            [
                .init("#", rightAligned: true), .init("SENT (\(sent))"), .init("CHANNEL"),
                .init("BY", flexible: true, minimum: 6), .init("TO", flexible: true, minimum: 12),
            ], width: width - 2)
        for attempt in subject.attempts {
            var to = attempt.to.joined(separator: ", ")
            if to.isEmpty, let messageID = attempt.messageID { to = messageID }
            if attempt.failed { to = "FAILED " + to }
            table.append(["\(attempt.number)", times.minute(attempt.at), attempt.channel.rawValue, attempt.by, to])
        }
        return table.lines.map { "  " + $0 }
    }

    /// The timeline: one line per entry, its details and note indented below it.
    func timelineLines(_ events: [TimelineEntry]) -> [String] {
        guard !events.isEmpty else { return ["  none"] }
        let seqWidth = String(events.map(\.seq).max() ?? 0).count
        let kindWidth = events.map(\.kind.rawValue.count).max() ?? 0
        var lines: [String] = []
        for entry in events {
            let seq = String(repeating: " ", count: seqWidth - String(entry.seq).count) + String(entry.seq)
            let kind = entry.kind.rawValue.padding(toLength: kindWidth, withPad: " ", startingAt: 0)
            lines.append(TextTable.fit("  \(seq)  \(times.full(entry.at))  \(kind)  \(entry.by)", width))
            let indent = String(repeating: " ", count: 4 + seqWidth)
            let details = details(of: entry)
            if !details.isEmpty {
                lines += TextTable.wrap(details, width: width - indent.count).map { indent + $0 }
            }
            if let note = entry.note, !note.isEmpty {
                lines += TextTable.wrap(note, width: width - indent.count - 2).map { indent + "| " + $0 }
            }
        }
        return lines
    }

    /// What an entry carries besides its kind and note: `attempt 2, return info, cycle 1`.
    func details(of entry: TimelineEntry) -> String {
        var parts: [String] = []
        if let field = entry.field {
            parts.append("\(field): \(value(entry.oldValue)) → \(value(entry.newValue))")
        }
        if let kind = entry.returnKind { parts.append("return \(kind.rawValue)") }
        if let stage = entry.stage { parts.append(entry.ordinal.map { "\(stage) \($0)" } ?? stage) }
        if let attempt = entry.attempt { parts.append("attempt \(attempt)") }
        if let flag = entry.flag { parts.append("flag \(flag.rawValue)") }
        if let reason = entry.reason { parts.append("reason \(reason.rawValue)") }
        if let report = entry.report { parts.append("report \(report)") }
        if let cycle = entry.cycle { parts.append("cycle \(cycle)") }
        if entry.isInternal == true { parts.append("internal: not in the client's report") }
        return parts.joined(separator: ", ")
    }

    /// A changed field's value: times in the desk's zone, absent values as `none`.
    private func value(_ text: String?) -> String {
        guard let text else { return "none" }
        return Timestamp.parse(text).map(times.full) ?? text
    }

    /// The reports issued, latest last.
    var reportLines: [String] {
        subject.reports.flatMap { report in
            var lines = ["  \(report.id)  \(report.reason.rawValue)  \(times.full(report.generatedAt))"]
            if let path = report.path { lines.append("    " + TextTable.fit(path, width - 4)) }
            return lines
        }
    }

    /// A field's label in a column of its own, its value wrapped beside it.
    private func labelled(_ label: String, _ value: String) -> [String] {
        let labelWidth = 16
        let wrapped = TextTable.wrap(value, width: width - labelWidth - 2)
        return (wrapped.isEmpty ? [""] : wrapped).enumerated().map { index, line in
            let head =
                index == 0
                ? label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
                : String(repeating: " ", count: labelWidth)
            return "  " + head + line
        }
    }

    /// The columns of `list`.
    static func listTable(zoneOffset: String, width: Int = 80) -> TextTable {
        TextTable(
            [
                .init("CASE"), .init("STATE"), .init("CLIENT", flexible: true, minimum: 8),
                .init("PARTNER", flexible: true, minimum: 6), .init("OWNER", flexible: true, minimum: 5),
                .init("NEXT", flexible: true, minimum: 6), .init("DUE (\(zoneOffset))"),
            ], width: width)
    }

    /// This case as a row of ``listTable(zoneOffset:width:)``.
    var listRow: [String] {
        [
            subject.id, subject.state.rawValue, subject.client.name, subject.partner?.name ?? "", subject.owner,
            subject.nextAction?.kind ?? "", subject.nextAction.map { times.compact($0.dueAt) } ?? "",
        ]
    }
}
