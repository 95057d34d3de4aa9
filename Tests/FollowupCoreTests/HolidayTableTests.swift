import Foundation
import Testing

@testable import FollowupCore

/// Brazil's built-in holiday sets checked against a table made from an independent source
/// (`scripts/brazil-holidays-table`: the `holidays` package on PyPI and `dateutil.easter`).
@Suite("Holiday table 1990–2100")
struct HolidayTableTests {
    /// One row of the table.
    struct Row: Hashable {
        var date: LocalDate
        var set: String
        var name: String
    }

    /// The table's rows, read from the fixture beside this file.
    static let rows: [Row] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/br-holidays-1990-2100.tsv")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: "\t")
            guard fields.count == 3, let date = LocalDate(parsing: fields[0]) else { return nil }
            return Row(date: date, set: String(fields[1]), name: String(fields[2]))
        }
    }()

    @Test("The table covers every year from 1990 to 2100")
    func tableIsComplete() {
        let years = Set(Self.rows.map(\.date.year))
        #expect(years == Set(1990...2100))
        #expect(Self.rows.count > 111 * 12)
    }

    @Test("br-national is the table's national days, year by year", arguments: 1990...2100)
    func national(year: Int) {
        let table = Self.rows.filter { $0.date.year == year && $0.set == "national" }.map(\.date)
        #expect(BrazilianHolidays.national(year: year) == table)
        let calendar = WorkCalendar(CalendarSettings(kind: .business, holidays: [.brNational]))
        for date in table { #expect(calendar.isHoliday(date), "\(date) is a national holiday") }
    }

    @Test("br-optional is Carnival Monday and Tuesday and Corpus Christi, year by year", arguments: 1990...2100)
    func optional(year: Int) {
        let table = Self.rows.filter { $0.date.year == year && $0.set == "optional" }
        #expect(table.map(\.name) == ["Carnival", "Carnival", "Corpus Christi"])
        #expect(BrazilianHolidays.optional(year: year) == table.map(\.date))
        let optional = WorkCalendar(CalendarSettings(kind: .business, holidays: [.brOptional]))
        let national = WorkCalendar(CalendarSettings(kind: .business, holidays: [.brNational]))
        for row in table {
            #expect(optional.isHoliday(row.date), "\(row.date) (\(row.name)) is an optional day")
            #expect(!national.isHoliday(row.date), "\(row.date) (\(row.name)) is not a national holiday")
        }
    }

    @Test("No other day of 1990–2100 is a built-in holiday")
    func nothingElse() {
        let calendar = WorkCalendar(CalendarSettings(kind: .business, holidays: [.brNational, .brOptional]))
        let listed = Set(Self.rows.map(\.date))
        var day = LocalDate(year: 1990, month: 1, day: 1)
        let end = LocalDate(year: 2101, month: 1, day: 1)
        var extra: [LocalDate] = []
        while day < end {
            if calendar.isHoliday(day) != listed.contains(day) { extra.append(day) }
            day = day.adding(days: 1)
        }
        #expect(extra.isEmpty, "disagreeing days: \(extra.prefix(10))")
    }
}
