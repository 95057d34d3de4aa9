import Foundation
import Testing

@testable import FollowupCore

@Suite("Brazilian holidays")
struct BrazilianHolidaysTests {
    @Test(
        "Easter Sunday of known years",
        arguments: [
            (2000, 4, 23), (2019, 4, 21), (2024, 3, 31), (2025, 4, 20), (2026, 4, 5), (2038, 4, 25),
            (1818, 3, 22), (2285, 3, 22), (1943, 4, 25), (2008, 3, 23), (2011, 4, 24),
        ])
    func easterOfKnownYears(year: Int, month: Int, day: Int) {
        let easter = BrazilianHolidays.easterSunday(year: year)
        #expect(easter.month == month)
        #expect(easter.day == day)
    }

    @Test("Easter is a Sunday between 22 March and 25 April in every year from 1583 to 4100")
    func easterIsAlwaysASundayInRange() {
        let utc = Self.utcCalendar
        for year in 1583...4100 {
            let easter = BrazilianHolidays.easterSunday(year: year)
            let date = utc.date(from: DateComponents(year: year, month: easter.month, day: easter.day))!
            #expect(utc.component(.weekday, from: date) == 1, "Easter \(year) is not a Sunday")
            let marchDay = easter.month == 3 ? easter.day : 31 + easter.day
            #expect((22...56).contains(marchDay), "Easter \(year) out of range: \(easter)")
        }
    }

    @Test("National holidays of 2026: fixed dates and Good Friday, in date order")
    func nationalHolidays2026() {
        let dates = BrazilianHolidays.national(year: 2026).map(\.description)
        #expect(
            dates == [
                "2026-01-01", "2026-04-03", "2026-04-21", "2026-05-01", "2026-09-07", "2026-10-12",
                "2026-11-02", "2026-11-15", "2026-11-20", "2026-12-25",
            ])
    }

    @Test("Optional days of 2026: Carnival Monday and Tuesday, Corpus Christi")
    func optionalDays2026() {
        let dates = BrazilianHolidays.optional(year: 2026).map(\.description)
        #expect(dates == ["2026-02-16", "2026-02-17", "2026-06-04"])
    }

    @Test("Good Friday follows Easter", arguments: [(2024, "2024-03-29"), (2025, "2025-04-18"), (2019, "2019-04-19")])
    func goodFriday(year: Int, expected: String) {
        #expect(BrazilianHolidays.national(year: year).map(\.description).contains(expected))
    }

    @Test("Black Consciousness Day (20 Nov) is national only from 2024 on")
    func blackConsciousnessDay() {
        #expect(!BrazilianHolidays.national(year: 2023).contains(LocalDate(year: 2023, month: 11, day: 20)))
        #expect(BrazilianHolidays.national(year: 2023).count == 9)
        for year in [2024, 2025, 2026, 2040] {
            #expect(BrazilianHolidays.national(year: year).contains(LocalDate(year: year, month: 11, day: 20)))
            #expect(BrazilianHolidays.national(year: year).count == 10)
        }
    }

    @Test("Carnival and Corpus Christi are not national holidays (spec correction)")
    func optionalDaysAreNotNational() {
        let national = Set(BrazilianHolidays.national(year: 2026))
        for date in BrazilianHolidays.optional(year: 2026) {
            #expect(!national.contains(date))
        }
    }

    @Test("The allocation-free checks agree with the lists for 1900…2100")
    func fastChecksAgreeWithLists() {
        for year in 1900...2100 {
            let national = Set(BrazilianHolidays.national(year: year))
            let optional = Set(BrazilianHolidays.optional(year: year))
            let first = LocalDate(year: year, month: 1, day: 1).dayNumber
            let last = LocalDate(year: year, month: 12, day: 31).dayNumber
            for dayNumber in first...last {
                let date = LocalDate(dayNumber: dayNumber)
                if BrazilianHolidays.isNational(date, dayNumber: dayNumber) != national.contains(date)
                    || BrazilianHolidays.isOptional(date, dayNumber: dayNumber) != optional.contains(date)
                {
                    Issue.record("holiday checks disagree on \(date)")
                    return
                }
            }
        }
    }

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

@Suite("LocalDate")
struct LocalDateTests {
    @Test("Day numbers and weekdays agree with Foundation's Gregorian calendar, 1600…2500")
    func dayNumbersAgreeWithFoundation() {
        let utc = BrazilianHolidaysTests.utcCalendar
        var date = utc.date(from: DateComponents(year: 1600, month: 1, day: 1))!
        let end = utc.date(from: DateComponents(year: 2500, month: 12, day: 31))!
        while date <= end {
            let parts = utc.dateComponents([.year, .month, .day, .weekday], from: date)
            let local = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)
            let expectedNumber = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
            if local.dayNumber != expectedNumber || LocalDate(dayNumber: expectedNumber) != local
                || local.weekday.gregorianNumber != parts.weekday!
            {
                Issue.record("day arithmetic wrong for \(local)")
                return
            }
            date += 86_400 * 3  // every third day: all weekdays, all months
        }
    }

    @Test("Stepping days crosses months, leap days and years")
    func addingDays() {
        #expect(LocalDate(year: 2025, month: 12, day: 31).adding(days: 1) == LocalDate(year: 2026, month: 1, day: 1))
        #expect(LocalDate(year: 2024, month: 2, day: 28).adding(days: 1) == LocalDate(year: 2024, month: 2, day: 29))
        #expect(LocalDate(year: 2100, month: 2, day: 28).adding(days: 1) == LocalDate(year: 2100, month: 3, day: 1))
        #expect(LocalDate(year: 2000, month: 3, day: 1).adding(days: -1) == LocalDate(year: 2000, month: 2, day: 29))
        #expect(LocalDate(year: 1970, month: 1, day: 1).dayNumber == 0)
        #expect(LocalDate(year: 1969, month: 12, day: 31).dayNumber == -1)
        #expect(LocalDate(year: 2026, month: 4, day: 3).weekday == .fri)
    }

    @Test("Description, parsing, ordering and Codable use YYYY-MM-DD")
    func textForm() throws {
        let date = LocalDate(year: 2026, month: 3, day: 9)
        #expect(date.description == "2026-03-09")
        #expect(LocalDate(parsing: "2026-03-09") == date)
        #expect(LocalDate(parsing: "2026-02-29") == nil)
        #expect(LocalDate(parsing: "2026-3-09") == nil)
        #expect(LocalDate(parsing: "2026-13-01") == nil)
        #expect(date < LocalDate(year: 2026, month: 3, day: 10))
        #expect(LocalDate(year: 2025, month: 12, day: 31) < date)
        let encoded = try JSONEncoder().encode([date])
        #expect(String(decoding: encoded, as: UTF8.self) == "[\"2026-03-09\"]")
        #expect(try JSONDecoder().decode([LocalDate].self, from: encoded) == [date])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([LocalDate].self, from: Data("[\"2026-02-30\"]".utf8))
        }
    }
}
