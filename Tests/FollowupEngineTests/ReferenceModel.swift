import FollowupConfig
import FollowupCore
import Foundation

/// The rules of SPEC.md §3 for every stage (resends, reports, owner and client reminders,
/// deadline warnings), written apart from `CaseMachine`: what must fire, when it is due, and
/// when it fires.
///
/// Fed the same history as the product, one event at a time (`apply`, `run`); the plain
/// function is ``expected(_:configurations:holidays:)``. It keeps per case only what §3 talks
/// about: the state, the cycle (start, number, the configuration in force when it started),
/// the acknowledgement, the resends done, the priority flag, the latest informative return,
/// the reminder series and the deadline. Durations count on ``ModelCalendar``.
struct ReferenceModel {
    /// One stage carried out by the daemon.
    struct Firing: Hashable, Comparable, CustomStringConvertible {
        enum Outcome: String { case resent, skipped, report, reminded, warned }
        var caseNumber: Int
        /// The cycle of a resend or report; 0 for a reminder (the timeline names no series).
        var cycle: Int
        var kind: Stage.Kind
        var ordinal: Int
        /// When the daemon carried it out (the wall-clock reading of that scheduler run).
        var at: Date
        var outcome: Outcome

        static func < (a: Firing, b: Firing) -> Bool {
            (a.at, a.caseNumber, a.cycle, a.ordinal, a.kind.rawValue)
                < (b.at, b.caseNumber, b.cycle, b.ordinal, b.kind.rawValue)
        }

        var description: String {
            "case \(caseNumber) cycle \(cycle) \(kind.rawValue) \(ordinal) \(outcome.rawValue) at \(Timestamp.format(at))"
        }
    }

    enum State { case awaitingPartner, awaitingUs, returnedToClient, closed }

    struct ModelCase {
        var partner: Int
        var openedAt: Date
        var state: State
        var cycle: Int
        var cycleStart: Date
        /// The configuration in force when the cycle started: a reload applies from the next cycle.
        var cycleConfiguration: Int
        var acknowledged = false
        var resendsDone = 0
        var priority = false
        var latestInformation: Date?
        /// The owner's reminders while the case waits on us.
        var owner: Series?
        /// Owner reminders sent in the current cycle: at most `policy.max_owner_reminders`.
        var ownerReminders = 0
        /// The reminders while the case waits on the client.
        var client: Series?
        /// The client's deadline, and when its warning is due (armed at opening and reopening).
        var deadline: Date?
        var warning: Date?
        /// Deadlines already warned about: a warning is a stage, carried out once.
        var warned: Set<Date> = []
    }

    /// A series of reminders: reminder k is due k intervals after its base; one that fires
    /// after the next one was already due stands for all of them, and the series then counts
    /// again from that moment (no storm of reminders after downtime).
    struct Series {
        var id: Int
        var base: Date
        var every: WorkDuration
        var sent = 0
        var resumedAfter = 0
        /// The cap on the cycle's owner reminders when the series was armed (nil: none then,
        /// so the policy in force when one fires decides).
        var limit: Int?
        var next: Date
    }

    let configurations: [Configuration]
    let calendars: [[ModelCalendar]]
    var configuration = 0
    var cases: [ModelCase] = []
    /// Series made so far (a reminder's key includes its series).
    var seriesMade = 0
    var firings: [Firing] = []
    /// Each firing's due instant, for the checks that need it.
    var dues: [Due] = []

    init(configurations: [Configuration], holidays: HolidayTable) {
        self.configurations = configurations
        calendars = configurations.map { configuration in
            DeskLife.partners.map { name in
                ModelCalendar(
                    configuration.partner(named: name)?.calendar ?? configuration.calendar, holidays: holidays)
            }
        }
    }

    /// Whether a person's event at `at` can be recorded on `subject` (it may not predate the
    /// case by more than the 5 minutes of clock skew allowed).
    private func eventTimeIsValid(_ at: Date, _ subject: ModelCase) -> Bool {
        subject.openedAt.timeIntervalSince(at) <= 300
    }

    /// Applies a person's action at wall-clock `now`; false when §3 refuses it.
    mutating func apply(_ action: DeskLife.Action, now: Date) -> Bool {
        func at(_ lag: Int64) -> Date { now.addingTimeInterval(-Double(lag)) }
        switch action {
        case .open(let partner, let lag, let deadline):
            let sent = at(lag)
            cases.append(
                ModelCase(
                    partner: partner, openedAt: min(now, sent), state: .awaitingPartner, cycle: 1, cycleStart: sent,
                    cycleConfiguration: configuration,
                    deadline: deadline > 0 ? now.addingTimeInterval(Double(deadline)) : nil))
            armWarning(cases.count - 1, now: now)
            return true
        case .contact(let index, let lag):
            guard let n = pick(index), cases[n].state != .closed, eventTimeIsValid(at(lag), cases[n]) else {
                return false
            }
            guard cases[n].state != .awaitingPartner else { return true }
            // The cycle restarts only from our next contact after an informative return.
            if let information = cases[n].latestInformation, at(lag) < information { return true }
            cases[n].state = .awaitingPartner
            cases[n].cycle += 1
            cases[n].cycleStart = at(lag)
            cases[n].cycleConfiguration = configuration
            cases[n].acknowledged = false
            cases[n].resendsDone = 0
            cases[n].owner = nil
            cases[n].ownerReminders = 0
            cases[n].client = nil
            return true
        case .reply(let index, let kind, let lag):
            guard let n = pick(index), cases[n].state != .closed, eventTimeIsValid(at(lag), cases[n]) else {
                return false
            }
            switch kind {
            case .info:
                cases[n].state = .awaitingUs
                cases[n].latestInformation = max(cases[n].latestInformation ?? at(lag), at(lag))
                // Owner reminders count from the return; the client's stop.
                cases[n].owner = ownerSeries(from: at(lag), for: cases[n])
                cases[n].client = nil
            case .ack where cases[n].state == .awaitingPartner:
                cases[n].acknowledged = true
            case .ack, .auto:
                break
            }
            return true
        case .refuse(let index, let lag):
            guard let n = pick(index), cases[n].state != .closed, eventTimeIsValid(at(lag), cases[n]) else {
                return false
            }
            issueReport(n, now: now)
            return true
        case .close(let index):
            guard let n = pick(index), cases[n].state != .closed else { return false }
            cases[n].state = .closed
            cases[n].owner = nil
            cases[n].client = nil
            cases[n].warning = nil
            return true
        case .reopen(let index):
            guard let n = pick(index), cases[n].state == .closed else { return false }
            cases[n].state = .awaitingUs
            cases[n].owner = ownerSeries(from: now, for: cases[n])
            armWarning(n, now: now)
            return true
        case .priority(let index, let on):
            guard let n = pick(index), cases[n].state != .closed || !on else { return false }
            cases[n].priority = on
            return true
        case .reload(let index):
            configuration = index
            return true
        case .downtime, .clockStep:
            return true
        }
    }

    /// The policy in force now for a case (reminders are armed with it).
    func policyNow(_ subject: ModelCase) -> CasePolicy {
        let configuration = configurations[configuration]
        return subject.priority ? configuration.priority.applied(to: configuration.policy) : configuration.policy
    }

    /// The calendar reminders count on (reloads do not change calendars in generated lives).
    func reminderCalendar(_ subject: ModelCase) -> ModelCalendar { calendars[configuration][subject.partner] }

    /// A new series of reminders every `every` from `base`, or nil when `every` is 0 (off).
    mutating func series(every: WorkDuration, from base: Date, for subject: ModelCase) -> Series? {
        guard !every.isZero else { return nil }
        seriesMade += 1
        return Series(id: seriesMade, base: base, every: every, next: reminderCalendar(subject).adding(every, to: base))
    }

    /// The owner's reminders armed from `base`: none when the policy turns them off or the
    /// cycle already had `policy.max_owner_reminders` of them (0: no cap).
    mutating func ownerSeries(from base: Date, for subject: ModelCase) -> Series? {
        let policy = policyNow(subject)
        let limit = policy.maxOwnerReminders
        guard limit == 0 || subject.ownerReminders < limit else { return nil }
        var made = series(every: policy.ownerReminderAfter, from: base, for: subject)
        made?.limit = limit > 0 ? limit : nil
        return made
    }

    /// The case an action's `case` index picks, or nil before any case was opened.
    func pick(_ index: Int) -> Int? { cases.isEmpty ? nil : index % cases.count }

    /// The policy and calendar a case's current cycle counts on.
    func rules(of subject: ModelCase) -> (CasePolicy, ModelCalendar) {
        let configuration = configurations[subject.cycleConfiguration]
        let policy = subject.priority ? configuration.priority.applied(to: configuration.policy) : configuration.policy
        return (policy, calendars[subject.cycleConfiguration][subject.partner])
    }

    /// The next stage of a case and when it is due: the next resend of the cycle (none after
    /// an acknowledgement) or the report, the earlier one (a resend first on a tie).
    func nextStage(of subject: ModelCase) -> (kind: Stage.Kind, ordinal: Int, due: Date)? {
        guard subject.state == .awaitingPartner else { return nil }
        let (policy, calendar) = rules(of: subject)
        let report = calendar.adding(policy.reportAfter, to: subject.cycleStart)
        let k = subject.resendsDone + 1
        if !subject.acknowledged, k <= policy.maxResends {
            let resend = calendar.adding(policy.resendAfter.times(k), to: subject.cycleStart)
            if resend <= report { return (.resend, k, resend) }
        }
        return (.report, 1, report)
    }

    /// The warning before the client's deadline: `deadline_warning` before it on the wall
    /// clock, at once when that moment passed, none when the deadline passed or warnings are off.
    mutating func armWarning(_ n: Int, now: Date) {
        let lead = Double(policyNow(cases[n]).deadlineWarning.nominalSeconds)
        guard let deadline = cases[n].deadline, lead > 0, deadline > now else {
            cases[n].warning = nil
            return
        }
        cases[n].warning = max(deadline.addingTimeInterval(-lead), now)
    }

    /// A report (at its deadline, or on a refusal): the case goes to the client, whose
    /// reminders count from now; the owner's stop.
    mutating func issueReport(_ n: Int, now: Date) {
        cases[n].state = .returnedToClient
        cases[n].owner = nil
        cases[n].client = series(every: policyNow(cases[n]).clientReminderAfter, from: now, for: cases[n])
    }

    /// Every armed stage of a case, earliest first (on a tie: resend, report, owner, client).
    func armed(_ subject: ModelCase) -> [(kind: Stage.Kind, ordinal: Int, due: Date)] {
        var stages: [(kind: Stage.Kind, ordinal: Int, due: Date)] = []
        if let partner = nextStage(of: subject) { stages.append(partner) }
        if let owner = subject.owner { stages.append((.ownerReminder, owner.sent + 1, owner.next)) }
        if let client = subject.client { stages.append((.clientReminder, client.sent + 1, client.next)) }
        if let warning = subject.warning { stages.append((.deadlineWarning, 1, warning)) }
        let order = Stage.Kind.allCases
        return stages.sorted {
            ($0.due, order.firstIndex(of: $0.kind)!) < ($1.due, order.firstIndex(of: $1.kind)!)
        }
    }

    /// The earliest due instant of any case, or nil when nothing is armed.
    var nextDue: Date? { cases.compactMap { armed($0).first?.due }.min() }

    /// Counts a reminder of `series` as sent at `now` and arms the next.
    func advanced(_ series: Series, now: Date, on calendar: ModelCalendar) -> Series {
        var series = series
        series.sent += 1
        let next = calendar.adding(series.every.times(series.sent + 1 - series.resumedAfter), to: series.base)
        if next > now {
            series.next = next
        } else {
            series.base = now
            series.resumedAfter = series.sent
            series.next = calendar.adding(series.every, to: now)
        }
        return series
    }

    /// A scheduler run at wall-clock `now`: every stage due by then fires, in due order; a
    /// resend whose report is also due is skipped.
    mutating func run(now: Date) {
        for n in cases.indices {
            while let stage = armed(cases[n]).first, stage.due <= now {
                let (policy, calendar) = rules(of: cases[n])
                var outcome = Firing.Outcome.reminded
                var cycle = cases[n].cycle
                var key = "cycle \(cycle)"
                var dueCalendar = calendar
                switch stage.kind {
                case .resend:
                    let report = calendar.adding(policy.reportAfter, to: cases[n].cycleStart)
                    outcome = report <= now ? .skipped : .resent
                    cases[n].resendsDone += 1
                case .report:
                    outcome = .report
                    issueReport(n, now: now)
                case .ownerReminder:
                    cycle = 0
                    key = "series \(cases[n].owner!.id)"
                    dueCalendar = reminderCalendar(cases[n])
                    let limit = cases[n].owner!.limit ?? policyNow(cases[n]).maxOwnerReminders
                    cases[n].owner = advanced(cases[n].owner!, now: now, on: dueCalendar)
                    cases[n].ownerReminders += 1
                    if limit > 0, cases[n].ownerReminders >= limit { cases[n].owner = nil }
                case .deadlineWarning:
                    cases[n].warning = nil
                    // Warned before (the case was reopened with the same deadline): storage
                    // refuses the stage a second time, so nothing happens.
                    guard cases[n].warned.insert(cases[n].deadline!).inserted else { continue }
                    cycle = 0
                    outcome = .warned
                    key = "deadline \(cases[n].deadline!.timeIntervalSince1970)"
                    dueCalendar = ModelCalendar(CalendarSettings(kind: .continuous, holidays: []), holidays: .shared)
                default:
                    cycle = 0
                    key = "series \(cases[n].client!.id)"
                    dueCalendar = reminderCalendar(cases[n])
                    cases[n].client = advanced(cases[n].client!, now: now, on: dueCalendar)
                }
                let firing = Firing(
                    caseNumber: n + 1, cycle: cycle, kind: stage.kind, ordinal: stage.ordinal, at: now,
                    outcome: outcome)
                firings.append(firing)
                dues.append(Due(firing: firing, key: key, due: stage.due, calendar: dueCalendar))
            }
        }
    }

    /// When a firing was due, under which key (cycle or series) and on which calendar.
    struct Due {
        var firing: Firing
        var key: String
        var due: Date
        var calendar: ModelCalendar
    }

    /// The model's own promises, independent of the product: no stage twice, none before it
    /// is due, and every due instant inside working hours on a business calendar.
    func selfCheck() -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        for due in dues {
            let firing = due.firing
            let key = "\(firing.caseNumber)/\(due.key)/\(firing.kind)/\(firing.ordinal)"
            if !seen.insert(key).inserted { problems.append("fired twice: \(firing)") }
            if firing.at < due.due { problems.append("fired early (due \(Timestamp.format(due.due))): \(firing)") }
            if due.calendar.settings.kind == .business, !due.calendar.isWorking(due.due) {
                problems.append("due outside working hours (\(Timestamp.format(due.due))): \(firing)")
            }
        }
        return problems
    }

    /// A step of recorded history: a person's action, or a scheduler run, at a wall-clock reading.
    enum Event {
        case action(DeskLife.Action, now: Date)
        case run(now: Date)
    }

    /// The plain function: what must fire, and when, for a history on these configurations;
    /// also whether each action is accepted.
    static func expected(
        _ history: [Event], configurations: [Configuration], holidays: HolidayTable
    ) -> (firings: [Firing], accepted: [Bool], model: ReferenceModel) {
        var model = ReferenceModel(configurations: configurations, holidays: holidays)
        var accepted: [Bool] = []
        for event in history {
            switch event {
            case .action(let action, let now): accepted.append(model.apply(action, now: now))
            case .run(let now): model.run(now: now)
            }
        }
        return (model.firings.sorted(), accepted, model)
    }
}
