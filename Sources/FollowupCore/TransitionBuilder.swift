import Foundation

/// Accumulates one transition: the changed case, numbered timeline entries and actions.
struct TransitionBuilder {
    var current: Case
    var entries: [TimelineEntry] = []
    var actions: [CaseAction] = []
    let env: CaseEnvironment

    init(_ start: Case, _ env: CaseEnvironment) {
        current = start
        self.env = env
    }

    var transition: Transition {
        var result = current
        if !entries.isEmpty || !actions.isEmpty { result.updatedAt = env.now }
        // Only a case waiting on the client is closed for lack of news.
        if result.state != .returnedToClient { result.timers.closeReturned = nil }
        return Transition(case: result, entries: entries, actions: actions)
    }

    /// Appends a timeline entry with the next seq, filled in by `fill`.
    @discardableResult
    mutating func record(
        _ kind: TimelineEntry.Kind, note: String? = nil, at: Date? = nil, by: String? = nil,
        _ fill: (inout TimelineEntry) -> Void = { _ in }
    ) -> Int {
        current.lastSeq += 1
        var entry = TimelineEntry(seq: current.lastSeq, kind: kind, at: at ?? env.now, by: by ?? env.by, note: note)
        fill(&entry)
        entries.append(entry)
        return entry.seq
    }

    /// Keeps a person's note on the case value, where the attempts report reads it.
    mutating func keepNote(
        _ kind: CaseNote.Kind, _ text: String, seq: Int, at: Date? = nil, internal isInternal: Bool = false,
        attempt: Int? = nil
    ) {
        let note = CaseNote(
            seq: seq, kind: kind, at: at ?? env.now, by: env.by, text: text, isInternal: isInternal, attempt: attempt)
        current.notes = current.recordedNotes + [note]
    }

    mutating func notify(
        _ event: NotificationEvent, _ audience: Set<NotificationIntent.Audience>, needsAck: Bool = false,
        _ summary: String
    ) {
        actions.append(
            .notify(NotificationIntent(event: event, audience: audience, needsAck: needsAck, summary: summary)))
    }

    var policy: CasePolicy { env.policy(for: current) }

    // MARK: Arming timers

    /// Keeps the policy's resend and report durations with the cycle that starts now.
    mutating func pinCycleDurations() {
        current.cycle.durations = CycleDurations(env.policy)
        current.cycle.priorityDurations = CycleDurations(env.priority.applied(to: env.policy))
    }

    /// The durations of the current cycle for this case: those kept when the cycle started
    /// (ordinary or priority, as the flag is now), else the policy in force.
    var cycleDurations: CycleDurations {
        let kept = current.isPriority ? current.cycle.priorityDurations : current.cycle.durations
        return kept ?? CycleDurations(policy)
    }

    /// Starts cycle timers (resends and report) counted from `start`, keeping the cycle's
    /// resends already carried out.
    mutating func armPartnerTimers(from start: Date) {
        let policy = cycleDurations
        let calendar = env.calendar
        let first = current.timers.firstPendingResend
        if current.cycle.acknowledged || policy.maxResends < first {
            current.timers.resends = []
        } else {
            current.timers.resends = (first...policy.maxResends).map {
                calendar.adding(policy.resendAfter.times($0), to: start)
            }
        }
        current.timers.report = calendar.adding(policy.reportAfter, to: start)
    }

    /// Begins a new cycle at `start`: resend and report deadlines count from it.
    mutating func startCycle(at start: Date, number: Int) {
        current.cycle = Cycle(number: number, startedAt: start)
        pinCycleDurations()
        current.timers.firstPendingResend = 1
        current.timers.ownerReminder = nil
        current.timers.clientReminder = nil
        armPartnerTimers(from: start)
    }

    /// Arms a new series of owner reminders counted from `base` (none when the policy turns them off).
    ///
    /// A cycle has at most `policy.max_owner_reminders` of them (0: no cap): a series armed
    /// again in the same cycle (a second informative return, a reopening) only has what is left.
    mutating func armOwnerReminders(from base: Date) {
        let limit = policy.maxOwnerReminders
        guard limit == 0 || current.kind != .thirdParty || current.cycle.ownerReminders < limit else {
            current.timers.ownerReminder = nil
            return
        }
        current.timers.ownerReminder = newSeries(every: policy.ownerReminderAfter, from: base)
        current.timers.ownerReminder?.limit = limit > 0 ? limit : nil
    }

    /// Arms a new series of client reminders counted from `base` (none when off, the default).
    mutating func armClientReminders(from base: Date) {
        current.timers.clientReminder = newSeries(every: policy.clientReminderAfter, from: base)
    }

    /// Arms (or, when the policy says never, clears) the closing of a case waiting on the
    /// client, `policy.close_returned_after` from `base`.
    mutating func armCloseReturned(from base: Date) {
        let after = policy.closeReturnedAfter
        current.timers.closeReturned = after.isZero ? nil : env.calendar.adding(after, to: base)
    }

    mutating func newSeries(every: WorkDuration, from base: Date) -> ReminderSeries? {
        guard !every.isZero else { return nil }
        current.reminderSeries += 1
        return ReminderSeries(
            series: current.reminderSeries, base: base, every: every, sent: 0,
            nextAt: env.calendar.adding(every, to: base))
    }

    /// Arms (or clears) the warnings before the client deadline and the implementation.
    ///
    /// Warnings count back on the wall clock; a warning whose moment already passed while the
    /// deadline is still ahead is due at once; a past deadline gets none.
    mutating func armWarnings() {
        let lead = TimeInterval(policy.deadlineWarning.nominalSeconds)
        func warning(for target: Date?) -> Date? {
            guard let target, lead > 0, current.state.isOpen, target > env.now else { return nil }
            return max(target.addingTimeInterval(-lead), env.now)
        }
        current.timers.deadlineWarning = warning(for: current.deadline)
        current.timers.implementationWarning = warning(for: current.implementationAt)
    }

    /// Moves the case to the client with a report, as at the report deadline or on refusal.
    mutating func issueReport(_ reason: ReportReason) {
        let reportID = env.makeID()
        current.state = .returnedToClient
        current.timers.disarmPartnerTimers()
        current.timers.ownerReminder = nil
        current.reports.append(ReportReference(id: reportID, reason: reason, generatedAt: env.now))
        let cycle = current.cycle.number
        record(.reportGenerated) {
            $0.reason = reason
            $0.report = reportID
            $0.cycle = cycle
        }
        actions.append(.issueReport(id: reportID, reason: reason))
        armClientReminders(from: env.now)
        armCloseReturned(from: env.now)
    }
}
