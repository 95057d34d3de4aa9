import Foundation
import Testing

@testable import FollowupCore

private let saoPaulo = "America/Sao_Paulo"
private let berlin = "Europe/Berlin"

/// The instant of a wall time (`YYYY-MM-DD HH:MM[:SS]`) in `zone`, read by Foundation.
private func wall(_ text: String, _ zone: String = saoPaulo) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: zone)!
    let parts = text.split(whereSeparator: { "- :".contains($0) }).map { Int($0)! }
    let components = DateComponents(
        year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4],
        second: parts.count > 5 ? parts[5] : 0)
    return calendar.date(from: components)!
}

/// The instant of a UTC time (`YYYY-MM-DD HH:MM`).
private func utc(_ text: String) -> Date { wall(text, "UTC") }

private func hours(_ count: Int64) -> WorkDuration { .time(seconds: count * 3600) }
private func minutes(_ count: Int64) -> WorkDuration { .time(seconds: count * 60) }

private func businessCalendar(
    zone: String = saoPaulo, hours: WorkingHours = .office,
    days: Set<Weekday> = [.mon, .tue, .wed, .thu, .fri], holidays: [HolidayRule] = [.brNational]
) -> WorkCalendar {
    WorkCalendar(
        CalendarSettings(
            kind: .business, timeZone: TimeZone(identifier: zone)!, hours: hours, days: days, holidays: holidays))
}

/// Every day, all day: working time is then exactly wall-clock time.
private func allHoursCalendar(_ zone: String) -> WorkCalendar {
    businessCalendar(zone: zone, hours: WorkingHours(start: 0, end: 1440), days: Set(Weekday.allCases), holidays: [])
}

/// Deadlines `start + k × step` (k = 1 … count) consumed from hand-written working intervals.
private func deadlines(from start: Date, step: TimeInterval, count: Int, intervals: [(Date, Date)]) -> [Date] {
    (1...count).map { k in
        var remaining = step * Double(k)
        for (open, close) in intervals where close > start {
            let begin = max(open, start)
            let available = close.timeIntervalSince(begin)
            if remaining <= available { return begin + remaining }
            remaining -= available
        }
        return .distantFuture
    }
}

/// Checks that the series `start + k × duration` lands on `expected` and strictly increases.
private func expectSeries(
    _ calendar: WorkCalendar, from start: Date, every duration: WorkDuration, expected: [Date],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let series = (1...expected.count).map { calendar.adding(duration.times($0), to: start) }
    #expect(series == expected, sourceLocation: sourceLocation)
    #expect(zip(series, series.dropFirst()).allSatisfy { $0 < $1 }, sourceLocation: sourceLocation)
    #expect(series.allSatisfy { $0 > start }, sourceLocation: sourceLocation)
}

@Suite("WorkCalendar: continuous")
struct ContinuousCalendarTests {
    let calendar = WorkCalendar(CalendarSettings(kind: .continuous, timeZone: TimeZone(identifier: berlin)!))

    @Test("Time and days are absolute seconds, also across Berlin's daylight-saving change")
    func absoluteSeconds() {
        let start = wall("2026-03-28 12:00", berlin)
        #expect(calendar.adding(hours(24), to: start) == start + 86_400)
        #expect(calendar.adding(.days(1), to: start) == start + 86_400)
        #expect(calendar.adding(.days(1), to: start) == wall("2026-03-29 13:00", berlin))
        #expect(calendar.adding(.time(seconds: 90), to: start) == start + 90)
        #expect(calendar.adding(.zero, to: start) == start)
        let saturday = wall("2026-03-07 10:00")
        #expect(WorkCalendar(.default).adding(hours(2), to: saturday) == saturday + 7200)
    }

    @Test(
        "A series of deadlines across a daylight-saving change is evenly spaced",
        arguments: [
            (saoPaulo, "2018-11-03 18:00"), (berlin, "2026-03-28 18:00"), (berlin, "2026-10-24 18:00"),
        ])
    func seriesAcrossChange(zone: String, startText: String) {
        let calendar = WorkCalendar(CalendarSettings(kind: .continuous, timeZone: TimeZone(identifier: zone)!))
        let start = wall(startText, zone)
        expectSeries(calendar, from: start, every: minutes(30), expected: (1...48).map { start + Double($0) * 1800 })
        expectSeries(calendar, from: start, every: .days(1), expected: (1...5).map { start + Double($0) * 86_400 })
    }
}

@Suite("WorkCalendar: business")
struct BusinessCalendarTests {
    static let saoPauloCases: [(String, String, WorkDuration, String)] = [
        ("across a weekend", "2026-03-06 16:00", hours(4), "2026-03-09 10:00"),
        ("a day and more across a weekend", "2026-03-06 10:00", hours(24), "2026-03-10 14:00"),
        ("the 72 h report", "2026-03-09 09:00", hours(72), "2026-03-18 11:00"),
        ("across Good Friday", "2026-04-02 17:00", hours(2), "2026-04-06 09:00"),
        ("across Tiradentes", "2026-04-20 17:00", hours(2), "2026-04-22 09:00"),
        ("across the year end", "2025-12-31 17:00", hours(2), "2026-01-02 09:00"),
        ("20 Nov 2026 is a holiday", "2026-11-19 17:00", hours(2), "2026-11-23 09:00"),
        ("20 Nov 2023 is a working day", "2023-11-17 17:00", hours(2), "2023-11-20 09:00"),
        ("Carnival is not in br-national", "2026-02-13 17:00", hours(2), "2026-02-16 09:00"),
        ("before opening", "2026-03-09 06:00", hours(1), "2026-03-09 09:00"),
        ("after closing", "2026-03-09 19:00", hours(1), "2026-03-10 09:00"),
        ("on Saturday", "2026-03-07 10:00", hours(1), "2026-03-09 09:00"),
        ("ending exactly at closing", "2026-03-09 08:00", hours(10), "2026-03-09 18:00"),
        ("starting exactly at closing", "2026-03-09 18:00", hours(1), "2026-03-10 09:00"),
        ("seconds across closing", "2026-03-09 17:59", .time(seconds: 90), "2026-03-10 08:00:30"),
        ("zero on Saturday", "2026-03-07 10:00", .zero, "2026-03-07 10:00"),
        ("zero days on Saturday", "2026-03-07 10:00", .days(0), "2026-03-07 10:00"),
        ("1d from Friday", "2026-03-06 10:00", .days(1), "2026-03-09 10:00"),
        ("2d from Friday", "2026-03-06 10:00", .days(2), "2026-03-10 10:00"),
        ("1d from Saturday snaps to opening", "2026-03-07 10:00", .days(1), "2026-03-10 08:00"),
        ("1d after closing snaps to opening", "2026-03-09 19:00", .days(1), "2026-03-11 08:00"),
        ("1d across Good Friday", "2026-04-02 15:00", .days(1), "2026-04-06 15:00"),
        ("3d across the year end", "2025-12-30 11:00", .days(3), "2026-01-05 11:00"),
    ]

    @Test("São Paulo, 08:00-18:00, Monday to Friday, br-national", arguments: saoPauloCases)
    func saoPauloOffice(name: String, start: String, duration: WorkDuration, expected: String) {
        let result = businessCalendar().adding(duration, to: wall(start))
        #expect(result == wall(expected), "\(name)")
    }

    @Test(
        "A partner calendar with hours 09:00-17:00",
        arguments: [
            ("2026-03-06 16:00", hours(2), "2026-03-09 10:00"),
            ("2026-03-09 09:00", hours(24), "2026-03-11 17:00"),
            ("2026-03-09 08:30", hours(1), "2026-03-09 10:00"),
            ("2026-03-09 08:30", WorkDuration.days(1), "2026-03-10 09:00"),
            ("2026-03-09 17:30", WorkDuration.days(1), "2026-03-11 09:00"),
        ])
    func partnerHours(start: String, duration: WorkDuration, expected: String) {
        let partner = businessCalendar(hours: WorkingHours(parsing: "09:00-17:00")!)
        #expect(partner.adding(duration, to: wall(start)) == wall(expected))
    }

    @Test("br-optional skips Carnival and Corpus Christi; single dates are days off")
    func optionalAndSingleDates() {
        let calendar = businessCalendar(holidays: [.brNational, .brOptional, .date(year: 2026, month: 12, day: 24)])
        #expect(calendar.adding(hours(2), to: wall("2026-02-13 17:00")) == wall("2026-02-18 09:00"))
        #expect(calendar.adding(hours(2), to: wall("2026-06-03 17:00")) == wall("2026-06-05 09:00"))
        #expect(calendar.adding(hours(2), to: wall("2026-12-23 17:00")) == wall("2026-12-28 09:00"))
        #expect(calendar.adding(.days(1), to: wall("2026-12-23 10:00")) == wall("2026-12-28 10:00"))
        let none = businessCalendar(holidays: [])
        #expect(none.adding(hours(2), to: wall("2026-04-02 17:00")) == wall("2026-04-03 09:00"))
    }

    @Test("Another time zone: Tokyo hours are read in Tokyo")
    func anotherZone() {
        let tokyo = businessCalendar(zone: "Asia/Tokyo", holidays: [])
        let start = wall("2026-03-09 17:00", "Asia/Tokyo")  // 08:00 UTC, 05:00 in São Paulo
        #expect(tokyo.adding(hours(2), to: start) == utc("2026-03-10 00:00"))
        #expect(tokyo.adding(.days(1), to: start) == utc("2026-03-10 08:00"))
        #expect(businessCalendar().adding(hours(2), to: start) == wall("2026-03-09 10:00"))
        #expect(tokyo.localDate(of: utc("2026-03-09 16:00")) == LocalDate(year: 2026, month: 3, day: 10))
    }

    @Test("Days, holidays and local dates answer from the settings")
    func queries() {
        let calendar = businessCalendar(holidays: [.brNational, .date(year: 2026, month: 12, day: 24)])
        #expect(calendar.isBusinessDay(LocalDate(year: 2026, month: 3, day: 9)))
        #expect(!calendar.isBusinessDay(LocalDate(year: 2026, month: 3, day: 7)))
        #expect(!calendar.isBusinessDay(LocalDate(year: 2026, month: 4, day: 3)))
        #expect(calendar.isHoliday(LocalDate(year: 2026, month: 4, day: 3)))
        #expect(calendar.isHoliday(LocalDate(year: 2026, month: 12, day: 24)))
        #expect(!calendar.isHoliday(LocalDate(year: 2026, month: 2, day: 16)))
        #expect(!calendar.isHoliday(LocalDate(year: 2026, month: 3, day: 7)))
        #expect(calendar.localDate(of: utc("2026-03-10 02:00")) == LocalDate(year: 2026, month: 3, day: 9))
        #expect(calendar.localDate(of: utc("2026-03-10 03:00")) == LocalDate(year: 2026, month: 3, day: 10))
    }

    @Test("Settings without working time count as continuous; extreme instants do not trap")
    func degenerateSettings() {
        let start = wall("2026-03-07 10:00")
        let noDays = businessCalendar(days: [])
        #expect(noDays.adding(hours(2), to: start) == start + 7200)
        #expect(noDays.adding(.days(1), to: start) == start + 86_400)
        let emptyHours = businessCalendar(hours: WorkingHours(start: 600, end: 600))
        #expect(emptyHours.adding(hours(2), to: start) == start + 7200)
        let calendar = businessCalendar()
        #expect(calendar.adding(hours(2), to: .distantFuture) == .distantFuture + 7200)
        #expect(calendar.adding(hours(2), to: .distantFuture - 3600) == .distantFuture)
        #expect(calendar.adding(hours(-2), to: start) == start)
        let century = calendar.adding(.time(seconds: 100 * 365 * 86_400), to: start)
        #expect(century > wall("2300-01-01 00:00") && century < .distantFuture)
        #expect(calendar.adding(.days(36_500), to: start) > wall("2160-01-01 00:00"))
    }
}

@Suite("WorkCalendar: daylight-saving changes")
struct DaylightSavingTests {
    @Test("São Paulo 2018: DST starts on Sunday 4 Nov at 00:00; office hours move with the clock")
    func saoPauloOfficeHours() {
        let calendar = businessCalendar()
        let start = wall("2018-11-01 16:00")  // Thursday, UTC-3; Friday 2 Nov is Finados
        #expect(calendar.adding(hours(3), to: start) == wall("2018-11-05 09:00"))
        #expect(calendar.adding(hours(3), to: start) == utc("2018-11-05 11:00"))
        #expect(calendar.adding(.days(1), to: start) == utc("2018-11-05 18:00"))
        let intervals = [
            (utc("2018-11-01 11:00"), utc("2018-11-01 21:00")), (utc("2018-11-05 10:00"), utc("2018-11-05 20:00")),
            (utc("2018-11-06 10:00"), utc("2018-11-06 20:00")), (utc("2018-11-07 10:00"), utc("2018-11-07 20:00")),
        ]
        expectSeries(
            calendar, from: start, every: hours(1),
            expected: deadlines(from: start, step: 3600, count: 25, intervals: intervals))
    }

    @Test("São Paulo 2018, all hours: working time is real time; a skipped midnight resolves after the gap")
    func saoPauloAllHours() {
        let calendar = allHoursCalendar(saoPaulo)
        let start = wall("2018-11-03 22:00")  // 2018-11-04 01:00 UTC, two hours before the gap
        expectSeries(calendar, from: start, every: minutes(30), expected: (1...12).map { start + Double($0) * 1800 })
        let early = utc("2018-11-03 03:30")  // Saturday 00:30, UTC-3
        expectSeries(
            calendar, from: early, every: .days(1),
            expected: [utc("2018-11-04 03:00"), utc("2018-11-05 02:30"), utc("2018-11-06 02:30")])
    }

    @Test("Berlin 2026, office hours: both changes fall on a weekend")
    func berlinOfficeHours() {
        let calendar = businessCalendar(zone: berlin, holidays: [])
        let spring = wall("2026-03-27 17:00", berlin)
        #expect(calendar.adding(hours(2), to: spring) == utc("2026-03-30 07:00"))
        expectSeries(
            calendar, from: spring, every: hours(1),
            expected: deadlines(
                from: spring, step: 3600, count: 22,
                intervals: [
                    (utc("2026-03-27 07:00"), utc("2026-03-27 17:00")),
                    (utc("2026-03-30 06:00"), utc("2026-03-30 16:00")),
                    (utc("2026-03-31 06:00"), utc("2026-03-31 16:00")),
                    (utc("2026-04-01 06:00"), utc("2026-04-01 16:00")),
                ]))
        let autumn = wall("2026-10-23 17:00", berlin)
        #expect(calendar.adding(hours(2), to: autumn) == utc("2026-10-26 08:00"))
        #expect(calendar.adding(.days(1), to: autumn) == utc("2026-10-26 16:00"))
        expectSeries(
            calendar, from: autumn, every: hours(1),
            expected: deadlines(
                from: autumn, step: 3600, count: 22,
                intervals: [
                    (utc("2026-10-23 06:00"), utc("2026-10-23 16:00")),
                    (utc("2026-10-26 07:00"), utc("2026-10-26 17:00")),
                    (utc("2026-10-27 07:00"), utc("2026-10-27 17:00")),
                    (utc("2026-10-28 07:00"), utc("2026-10-28 17:00")),
                ]))
    }

    @Test("Berlin 2026, hours 01:00-04:00 every day: the change shortens or lengthens that day's hours")
    func berlinHoursAroundTheChange() {
        let calendar = businessCalendar(
            zone: berlin, hours: WorkingHours(parsing: "01:00-04:00")!, days: Set(Weekday.allCases), holidays: [])
        let spring = wall("2026-03-28 00:00", berlin)
        expectSeries(
            calendar, from: spring, every: minutes(30),
            expected: deadlines(
                from: spring, step: 1800, count: 20,
                intervals: [
                    (utc("2026-03-28 00:00"), utc("2026-03-28 03:00")),
                    (utc("2026-03-29 00:00"), utc("2026-03-29 02:00")),
                    (utc("2026-03-29 23:00"), utc("2026-03-30 02:00")),
                    (utc("2026-03-30 23:00"), utc("2026-03-31 02:00")),
                ]))
        let autumn = wall("2026-10-24 00:00", berlin)
        expectSeries(
            calendar, from: autumn, every: minutes(30),
            expected: deadlines(
                from: autumn, step: 1800, count: 22,
                intervals: [
                    (utc("2026-10-23 23:00"), utc("2026-10-24 02:00")),
                    (utc("2026-10-24 23:00"), utc("2026-10-25 03:00")),
                    (utc("2026-10-26 00:00"), utc("2026-10-26 03:00")),
                    (utc("2026-10-27 00:00"), utc("2026-10-27 03:00")),
                ]))
    }

    @Test("Berlin 2026, all hours: days keep the wall time; skipped and repeated times resolve forward")
    func berlinDays() {
        let calendar = allHoursCalendar(berlin)
        expectSeries(
            calendar, from: utc("2026-03-28 01:30"), every: .days(1),
            expected: [utc("2026-03-29 01:00"), utc("2026-03-30 00:30"), utc("2026-03-31 00:30")])
        expectSeries(
            calendar, from: utc("2026-10-24 00:30"), every: .days(1),
            expected: [utc("2026-10-25 00:30"), utc("2026-10-26 01:30"), utc("2026-10-27 01:30")])
        let start = wall("2026-10-24 22:00", berlin)
        expectSeries(calendar, from: start, every: minutes(20), expected: (1...24).map { start + Double($0) * 1200 })
    }
}

/// SplitMix64: a small seeded generator, so that a failing case replays.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Working time counted slot by slot (15 minutes) with Foundation's calendar: slow and obvious.
private struct BruteForce {
    let settings: CalendarSettings
    let calendar: Calendar

    init(_ settings: CalendarSettings) {
        self.settings = settings
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = settings.timeZone
        self.calendar = calendar
    }

    func isWorking(_ instant: Date) -> Bool {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: instant)
        guard settings.days.contains(where: { $0.gregorianNumber == parts.weekday! }) else { return false }
        let date = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)
        for rule in settings.holidays {
            switch rule {
            case .brNational: if BrazilianHolidays.national(year: date.year).contains(date) { return false }
            case .brOptional: if BrazilianHolidays.optional(year: date.year).contains(date) { return false }
            case .date(let year, let month, let day):
                if date == LocalDate(year: year, month: month, day: day) { return false }
            }
        }
        let minute = parts.hour! * 60 + parts.minute!
        return settings.hours.start <= minute && minute < settings.hours.end
    }

    func adding(slots: Int, to start: Date) -> Date {
        var slot = start
        var left = slots
        while true {
            if isWorking(slot) {
                left -= 1
                if left == 0 { return slot + 900 }
            }
            slot += 900
        }
    }
}

@Suite("WorkCalendar: properties")
struct WorkCalendarPropertyTests {
    static let zones = [saoPaulo, berlin, "America/New_York", "Asia/Tokyo", "Asia/Kolkata", "Australia/Lord_Howe"]
    static let hourChoices = ["08:00-18:00", "09:00-17:00", "00:00-24:00", "01:00-04:00", "07:30-19:45"]
    static let dayChoices: [Set<Weekday>] = [
        [.mon, .tue, .wed, .thu, .fri], Set(Weekday.allCases), [.sat, .sun], [.wed],
    ]
    static let holidayChoices: [[HolidayRule]] = [
        [], [.brNational], [.brNational, .brOptional, .date(year: 2026, month: 12, day: 24)],
    ]
    /// Instants of daylight-saving changes in those zones (São Paulo 2018/2019, Berlin, New York,
    /// Lord Howe's half-hour shifts in 2026), plus a year end.
    static let anchors = [
        "2018-11-04 03:00", "2019-02-17 02:00", "2026-03-29 01:00", "2026-10-25 01:00", "2026-03-08 07:00",
        "2026-11-01 06:00", "2026-04-04 15:00", "2026-10-03 15:30", "2025-12-31 12:00",
    ].map(utc)

    fileprivate static func randomSettings(using generator: inout SeededGenerator) -> CalendarSettings {
        CalendarSettings(
            kind: .business,
            timeZone: TimeZone(identifier: zones.randomElement(using: &generator)!)!,
            hours: WorkingHours(parsing: hourChoices.randomElement(using: &generator)!)!,
            days: dayChoices.randomElement(using: &generator)!,
            holidays: holidayChoices.randomElement(using: &generator)!)
    }

    @Test("Working time agrees with a 15-minute brute force over Foundation's calendar (300 cases)")
    func agreesWithBruteForce() {
        var generator = SeededGenerator(state: 2026)
        for _ in 0..<300 {
            let settings = Self.randomSettings(using: &generator)
            let start =
                Self.anchors.randomElement(using: &generator)! + 900
                * Double(Int.random(in: -960...960, using: &generator))
            let slots = Int.random(in: 1...160, using: &generator)
            let result = WorkCalendar(settings).adding(minutes(Int64(slots) * 15), to: start)
            let expected = BruteForce(settings).adding(slots: slots, to: start)
            #expect(result == expected, "\(settings.timeZone.identifier) \(settings.hours) \(start) + \(slots * 15)m")
        }
    }

    @Test("Monotonic: start + k × d strictly increases with k (4,000 random cases)")
    func monotonic() {
        var generator = SeededGenerator(state: 42)
        for _ in 0..<4000 {
            var settings = Self.randomSettings(using: &generator)
            if Int.random(in: 0..<10, using: &generator) == 0 { settings.kind = .continuous }
            let calendar = WorkCalendar(settings)
            let start =
                Self.anchors.randomElement(using: &generator)!
                + Double.random(in: -20 * 86_400...20 * 86_400, using: &generator)
            let duration: WorkDuration =
                Bool.random(using: &generator)
                ? .time(seconds: Int64.random(in: 1...30 * 3600, using: &generator))
                : .days(Int.random(in: 1...4, using: &generator))
            let series = (0...8).map { calendar.adding(duration.times($0), to: start) }
            #expect(series[0] == start)
            let increasing = zip(series, series.dropFirst()).allSatisfy { $0 < $1 }
            #expect(
                increasing,
                "\(settings.kind) \(settings.timeZone.identifier) \(settings.hours) \(start) + k × \(duration)")
        }
    }
}
