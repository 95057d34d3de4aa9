import FollowupConfig
import FollowupCore
import Foundation

/// A generated stretch of desk life: the configurations in force over time and what happened,
/// step by step. The property test drives the real desk and scheduler through it and checks
/// what they did against ``ReferenceModel``.
struct DeskLife: CustomStringConvertible {
    /// The seed it was generated from (printed with every failure).
    var seed: UInt64
    /// The wall clock when life starts.
    var start: Date
    /// The configurations a reload may switch between; the first is in force at the start.
    var configurations: [Configuration]
    /// What happens, in order.
    var steps: [Step]

    /// Partners a case may be opened with: one with no configuration of its own (the global
    /// calendar) and two configured ones, which may have their own calendars.
    static let partners = ["Livre", "P1", "P2"]

    /// One thing that happens after `gap` seconds of monotonic time since the previous step.
    struct Step: Hashable {
        var gap: Int64
        var action: Action
    }

    /// What a step does. `lag` is how long before the wall clock's reading the event happened
    /// (a late `at`); `case` picks among the cases opened so far (modulo their number).
    enum Action: Hashable {
        /// `deadline`: the client's deadline, that many seconds after the wall clock (none when 0).
        case open(partner: Int, lag: Int64, deadline: Int64 = 0)
        case contact(case: Int, lag: Int64)
        case reply(case: Int, kind: ReturnKind, lag: Int64)
        case refuse(case: Int, lag: Int64)
        case close(case: Int)
        case reopen(case: Int)
        case priority(case: Int, on: Bool)
        case reload(configuration: Int)
        /// The daemon is down for this many seconds (nothing runs, the clock moves on).
        case downtime(seconds: Int64)
        /// The wall clock is set by this many seconds (either way); the monotonic clock is not.
        case clockStep(seconds: Int64)
    }

    var description: String {
        var lines = ["seed \(seed), start \(Timestamp.format(start)), \(steps.count) steps"]
        for (index, configuration) in configurations.enumerated() {
            lines.append("  configuration \(index): \(Self.describe(configuration))")
        }
        var elapsed: Int64 = 0
        for step in steps {
            elapsed += step.gap
            lines.append("  +\(step.gap)s (t=\(elapsed)s): \(step.action)")
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ configuration: Configuration) -> String {
        let policy = configuration.policy
        var text =
            "resend \(policy.resendAfter) ×\(policy.maxResends), report \(policy.reportAfter), "
            + "owner reminders \(policy.ownerReminderAfter) (at most \(policy.maxOwnerReminders) a cycle), "
            + "client reminders \(policy.clientReminderAfter); "
            + "priority \(configuration.priority.resendAfter.map(\.description) ?? "-") "
            + "×\(configuration.priority.maxResends.map(String.init) ?? "-") "
            + "\(configuration.priority.reportAfter.map(\.description) ?? "-"); "
            + "calendar \(describe(configuration.calendar))"
        for partner in configuration.partners {
            if let calendar = partner.calendar { text += "; \(partner.name): \(describe(calendar))" }
        }
        return text
    }

    static func describe(_ calendar: CalendarSettings) -> String {
        guard calendar.kind == .business else { return "continuous" }
        let days = Weekday.allCases.filter { calendar.days.contains($0) }.map(\.rawValue).joined(separator: ",")
        return "business \(calendar.timeZone.identifier) \(calendar.hours) \(days) \(calendar.holidays)"
    }
}

/// A small, fast, seedable generator (SplitMix64).
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &self) }

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }

    mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &self)] }
}

extension DeskLife {
    /// A life generated from `seed`, with at most `maxSteps` steps.
    static func generate(seed: UInt64, maxSteps: Int = 60) -> DeskLife {
        var random = SeededRandom(seed: seed)
        let start = startInstant(&random)
        // Reloads change the policy; the calendars (global, P1's, P2's or none) stay.
        var calendars: [CalendarSettings?] = (0..<3).map { _ in calendar(&random, near: start) }
        for index in 1...2 where random.chance(0.5) { calendars[index] = nil }
        let alternatives = random.chance(0.3) ? 0 : Int.random(in: 1...2, using: &random)
        var configurations: [Configuration] = []
        for _ in 0...alternatives {
            configurations.append(configuration(&random, calendars: calendars))
        }
        let total = Int.random(in: 1...maxSteps, using: &random)
        var steps: [Step] = [
            Step(
                gap: 0, action: .open(partner: random.pick([0, 1, 2]), lag: lag(&random), deadline: deadline(&random)))
        ]
        while steps.count < total {
            steps.append(Step(gap: gap(&random), action: action(&random, configurations: configurations.count)))
        }
        return DeskLife(seed: seed, start: start, configurations: configurations, steps: steps)
    }

    private static func startInstant(_ random: inout SeededRandom) -> Date {
        // Near daylight-saving changes often, America/Sao_Paulo's last ones (2017–2019) included.
        let changes = [
            "2017-10-15T03:00:00Z", "2018-02-18T02:00:00Z", "2018-11-04T03:00:00Z", "2019-02-17T02:00:00Z",
            "2024-03-31T01:00:00Z", "2024-10-27T01:00:00Z", "2025-03-09T07:00:00Z", "2025-11-02T06:00:00Z",
            "2026-04-05T15:00:00Z", "2026-09-06T13:00:00Z",
        ]
        if random.chance(0.4), let change = Timestamp.parse(random.pick(changes)) {
            return change.addingTimeInterval(Double(random.int(-12 * 86_400...2 * 86_400)))
        }
        // Any second from 2001 to 2060.
        return Date(timeIntervalSince1970: Double(random.int(978_307_200...2_871_763_200)))
    }

    private static func calendar(_ random: inout SeededRandom, near start: Date) -> CalendarSettings {
        guard random.chance(0.7) else { return CalendarSettings(kind: .continuous) }
        let zones = [
            "America/Sao_Paulo", "America/Sao_Paulo", "UTC", "Europe/Berlin", "America/New_York",
            "Australia/Lord_Howe", "Asia/Kolkata", "America/Santiago",
        ]
        let hours = random.pick([
            WorkingHours(start: 480, end: 1080), WorkingHours(start: 540, end: 1080), WorkingHours(start: 0, end: 1440),
            WorkingHours(start: 0, end: 720), WorkingHours(start: 1320, end: 1440), WorkingHours(start: 510, end: 1050),
            WorkingHours(start: 60, end: 240),
        ])
        var days: Set<Weekday> = [.mon, .tue, .wed, .thu, .fri]
        if random.chance(0.3) {
            days = Set(Weekday.allCases.filter { _ in random.chance(0.5) })
            if days.isEmpty { days = [random.pick(Weekday.allCases)] }
        }
        var holidays: [HolidayRule] = []
        if random.chance(0.7) { holidays.append(.brNational) }
        if random.chance(0.4) { holidays.append(.brOptional) }
        if random.chance(0.4) {
            let utc = Calendar(identifier: .gregorian)
            var components = utc.dateComponents(
                in: TimeZone(identifier: "UTC")!, from: start.addingTimeInterval(Double(random.int(0...20 * 86_400))))
            components.hour = 12
            holidays.append(.date(year: components.year!, month: components.month!, day: components.day!))
        }
        return CalendarSettings(
            kind: .business, timeZone: TimeZone(identifier: random.pick(zones))!, hours: hours, days: days,
            holidays: holidays)
    }

    /// A valid policy triple: resend interval, resends, report interval.
    private static func policy(_ random: inout SeededRandom) -> (WorkDuration, Int, WorkDuration) {
        let hours: [Int64] = [24, 1, 4, 8, 30]
        var resendChoices: [WorkDuration] = hours.map { .time(seconds: $0 * 3600) }
        resendChoices += [.time(seconds: 90 * 60), .days(1), .days(2)]
        let resend = random.pick(resendChoices)
        let resends = Int(random.int(0...3))
        let reportHours: [Int64] = [72, 2, 10, 26, 120]
        var reportChoices: [WorkDuration] = reportHours.map { .time(seconds: $0 * 3600) }
        reportChoices += [.days(1), .days(3), .days(5)]
        let floor = resend.nominalSeconds * Int64(resends)
        let reports = reportChoices.filter { $0.nominalSeconds > floor }
        return (resend, resends, reports.isEmpty ? .days(10) : random.pick(reports))
    }

    private static func configuration(_ random: inout SeededRandom, calendars: [CalendarSettings?]) -> Configuration {
        var configuration = Configuration()
        configuration.mail.from = "Suporte <suporte@desk.example>"
        configuration.leaders = [Leader(name: "Ana", email: "ana@desk.example", webhooks: [], ops: true)]
        configuration.owners = [
            Owner(name: "joana", email: "joana@desk.example", leader: "Ana", phone: false, webhooks: [])
        ]
        let (resend, resends, report) = policy(&random)
        configuration.policy.resendAfter = resend
        configuration.policy.maxResends = resends
        configuration.policy.reportAfter = report
        // Reminders are modelled; deadline warnings are not (no case here has a deadline).
        let reminders: [WorkDuration] = [
            .zero, .zero, .zero, .time(seconds: 24 * 3600), .time(seconds: 8 * 3600), .days(1),
        ]
        configuration.policy.ownerReminderAfter = random.pick(reminders)
        configuration.policy.maxOwnerReminders = random.pick([0, 1, 2, 5, 5])
        configuration.policy.clientReminderAfter = random.pick(reminders + [.days(2), .zero])
        configuration.policy.deadlineWarning = random.pick([
            .zero, .time(seconds: 24 * 3600), .time(seconds: 4 * 3600), .days(1),
        ])
        if random.chance(0.5) {
            let (resend, resends, report) = policy(&random)
            configuration.priority = PriorityOverrides(
                resendAfter: resend, maxResends: resends, reportAfter: report,
                ownerReminderAfter: random.chance(0.5) ? random.pick(reminders) : nil)
        }
        configuration.calendar = calendars[0] ?? CalendarSettings()
        configuration.partners = [
            PartnerSettings(name: "P1", emails: ["p1@p1.example"], calendar: calendars[1]),
            PartnerSettings(name: "P2", emails: ["p2@p2.example"], calendar: calendars[2]),
        ]
        return configuration
    }

    private static func gap(_ random: inout SeededRandom) -> Int64 {
        switch random.int(0...9) {
        case 0...4: random.int(0...3 * 3600)
        case 5...7: random.int(3 * 3600...3 * 86_400)
        default: random.int(3 * 86_400...20 * 86_400)
        }
    }

    private static func deadline(_ random: inout SeededRandom) -> Int64 {
        random.chance(0.6) ? 0 : random.int(60...20 * 86_400)
    }

    private static func lag(_ random: inout SeededRandom) -> Int64 {
        switch random.int(0...9) {
        case 0...6: 0
        case 7...8: random.int(1...3600)
        default: random.int(3600...5 * 86_400)
        }
    }

    private static func action(_ random: inout SeededRandom, configurations: Int) -> Action {
        let target = Int(random.int(0...3))
        switch random.int(0...99) {
        case 0..<10: return .open(partner: Int(random.int(0...2)), lag: lag(&random), deadline: deadline(&random))
        case 10..<30: return .contact(case: target, lag: lag(&random))
        case 30..<50: return .reply(case: target, kind: random.pick(ReturnKind.allCases), lag: lag(&random))
        case 50..<56: return .refuse(case: target, lag: lag(&random))
        case 56..<62: return .close(case: target)
        case 62..<68: return .reopen(case: target)
        case 68..<78: return .priority(case: target, on: random.chance(0.6))
        case 78..<84: return .reload(configuration: Int(random.int(0...Int64(configurations - 1))))
        case 84..<92:
            let seconds = random.chance(0.5) ? random.int(60...6 * 3600) : random.int(6 * 3600...21 * 86_400)
            return .downtime(seconds: seconds)
        default:
            let size = random.chance(0.5) ? random.int(1...3600) : random.int(3600...26 * 3600)
            return .clockStep(seconds: random.chance(0.5) ? size : -size)
        }
    }
}

extension DeskLife {
    /// Smaller lives to try in place of this one, most promising first: fewer steps, then
    /// simpler steps (no lag, shorter gaps and downtimes, smaller clock steps).
    func shrinkCandidates() -> [DeskLife] {
        var candidates: [DeskLife] = []
        var chunk = steps.count / 2
        while chunk >= 1 {
            var index = 0
            while index < steps.count {
                var smaller = self
                smaller.steps.removeSubrange(index..<min(index + chunk, steps.count))
                if !smaller.steps.isEmpty { candidates.append(smaller) }
                index += chunk
            }
            chunk /= 2
        }
        if configurations.count > 1 {
            for index in configurations.indices {
                var fewer = self
                fewer.configurations = [configurations[index]]
                fewer.steps = steps.map {
                    guard case .reload = $0.action else { return $0 }
                    return Step(gap: $0.gap, action: .reload(configuration: 0))
                }
                candidates.append(fewer)
            }
        }
        for index in steps.indices {
            for simpler in steps[index].simpler() {
                var changed = self
                changed.steps[index] = simpler
                candidates.append(changed)
            }
        }
        return candidates
    }
}

extension DeskLife.Step {
    func simpler() -> [DeskLife.Step] {
        var found: [DeskLife.Step] = []
        if gap > 0 {
            found.append(.init(gap: 0, action: action))
            if gap > 1 { found.append(.init(gap: gap / 2, action: action)) }
        }
        switch action {
        case .open(let partner, let lag, let deadline) where lag > 0 || deadline > 0:
            if deadline > 0 { found.append(.init(gap: gap, action: .open(partner: partner, lag: lag))) }
            if lag > 0 {
                found.append(.init(gap: gap, action: .open(partner: partner, lag: 0, deadline: deadline)))
                found.append(.init(gap: gap, action: .open(partner: partner, lag: lag / 2, deadline: deadline)))
            }
        case .contact(let target, let lag) where lag > 0:
            found.append(.init(gap: gap, action: .contact(case: target, lag: 0)))
            found.append(.init(gap: gap, action: .contact(case: target, lag: lag / 2)))
        case .reply(let target, let kind, let lag) where lag > 0:
            found.append(.init(gap: gap, action: .reply(case: target, kind: kind, lag: 0)))
            found.append(.init(gap: gap, action: .reply(case: target, kind: kind, lag: lag / 2)))
        case .refuse(let target, let lag) where lag > 0:
            found.append(.init(gap: gap, action: .refuse(case: target, lag: 0)))
        case .downtime(let seconds) where seconds > 60:
            found.append(.init(gap: gap, action: .downtime(seconds: seconds / 2)))
        case .clockStep(let seconds) where abs(seconds) > 1:
            found.append(.init(gap: gap, action: .clockStep(seconds: seconds / 2)))
        default: break
        }
        return found
    }
}
