import Foundation

/// One timed action of a case (§2): resend k, report, reminder k, deadline warning.
///
/// `(case, series, kind, ordinal)` is the stage's idempotency key: storage refuses to carry
/// out the same key twice, whatever crashes or restarts happen around it.
public struct Stage: Sendable, Hashable, Codable {
    /// The kinds of stage.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case resend
        case report
        case ownerReminder = "owner_reminder"
        case clientReminder = "client_reminder"
        case deadlineWarning = "deadline_warning"
        case implementationWarning = "implementation_warning"
        /// Closing a case left `returned_to_client` with nothing new (`policy.close_returned_after`).
        case closeReturned = "close_returned"

        /// The `next_action.kind` that §6.5 shows for this stage.
        public var actionName: String {
            self == .implementationWarning ? "deadline_warning" : rawValue
        }
    }

    public var kind: Kind
    /// The cycle for resends, reports and closing, the reminder series for reminders, the
    /// target instant (Unix seconds) for warnings.
    public var series: Int64
    /// k for resends and reminders; for closing, how many reports the case had (each return to
    /// the client is closed at most once); 1 otherwise.
    public var ordinal: Int64
    /// When it is due.
    public var dueAt: Date

    public init(kind: Kind, series: Int64, ordinal: Int64, dueAt: Date) {
        self.kind = kind
        self.series = series
        self.ordinal = ordinal
        self.dueAt = dueAt
    }
}

extension Case {
    /// Every armed stage of the case, earliest first (ties in a fixed kind order).
    public var armedStages: [Stage] {
        var stages: [Stage] = []
        if let due = timers.resends.first {
            stages.append(
                Stage(
                    kind: .resend, series: Int64(cycle.number), ordinal: Int64(timers.firstPendingResend),
                    dueAt: due))
        }
        if let due = timers.report {
            stages.append(Stage(kind: .report, series: Int64(cycle.number), ordinal: 1, dueAt: due))
        }
        if let series = timers.ownerReminder {
            stages.append(
                Stage(
                    kind: .ownerReminder, series: Int64(series.series), ordinal: Int64(series.sent + 1),
                    dueAt: series.nextAt))
        }
        if let series = timers.clientReminder {
            stages.append(
                Stage(
                    kind: .clientReminder, series: Int64(series.series), ordinal: Int64(series.sent + 1),
                    dueAt: series.nextAt))
        }
        if let due = timers.deadlineWarning, let deadline {
            stages.append(
                Stage(
                    kind: .deadlineWarning, series: Int64(deadline.timeIntervalSince1970.rounded(.down)),
                    ordinal: 1, dueAt: due))
        }
        if let due = timers.implementationWarning, let implementationAt {
            stages.append(
                Stage(
                    kind: .implementationWarning,
                    series: Int64(implementationAt.timeIntervalSince1970.rounded(.down)), ordinal: 1, dueAt: due
                ))
        }
        if let due = timers.closeReturned {
            stages.append(
                Stage(kind: .closeReturned, series: Int64(cycle.number), ordinal: Int64(reports.count), dueAt: due))
        }
        let order = Stage.Kind.allCases
        return stages.sorted {
            ($0.dueAt, order.firstIndex(of: $0.kind)!) < ($1.dueAt, order.firstIndex(of: $1.kind)!)
        }
    }

    /// The next stage the daemon will carry out, or nil when nothing is armed.
    public var nextStage: Stage? { armedStages.first }
}
