import FollowupCore
import Foundation

/// Brazil's holidays for 1990–2100 from the table made by `scripts/brazil-holidays-table`
/// (PyPI's `holidays` and `dateutil.easter`): the model's holidays, independent of
/// `BrazilianHolidays`.
struct HolidayTable: Sendable {
    /// `YYYY-MM-DD` of each national day.
    let national: Set<String>
    /// `YYYY-MM-DD` of each optional day (Carnival Monday and Tuesday, Corpus Christi).
    let optional: Set<String>

    static let shared: HolidayTable = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../FollowupCoreTests/Fixtures/br-holidays-1990-2100.tsv")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var national: Set<String> = []
        var optional: Set<String> = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t")
            guard fields.count == 3 else { continue }
            if fields[1] == "national" {
                national.insert(String(fields[0]))
            } else {
                optional.insert(String(fields[0]))
            }
        }
        return HolidayTable(national: national, optional: optional)
    }()
}

/// Durations on a calendar, counted the slow and obvious way for the reference model: day by
/// day, each working interval found from its local wall times.
///
/// A local wall time means the first instant whose local reading is at or after it: inside a
/// daylight-saving gap, the end of the gap; a time that occurs twice, its first occurrence.
struct ModelCalendar {
    let settings: CalendarSettings
    let holidays: Set<String>
    /// Answers already worked out (the model asks the same questions over and over).
    private let memo = Memo()

    final class Memo {
        var businessDays: [Int: Bool] = [:]
        var sums: [String: Date] = [:]
    }

    init(_ settings: CalendarSettings, holidays table: HolidayTable) {
        self.settings = settings
        var days: Set<String> = []
        for rule in settings.holidays {
            switch rule {
            case .brNational: days.formUnion(table.national)
            case .brOptional: days.formUnion(table.optional)
            case .date(let year, let month, let day): days.insert(String(format: "%04d-%02d-%02d", year, month, day))
            }
        }
        holidays = days
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Seconds since 1970-01-01 00:00 local time of an instant.
    func local(_ t: Double) -> Double {
        t + Double(settings.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: t.rounded(.down))))
    }

    /// The first instant whose local reading is at or after local time `wall`.
    func instant(ofLocal wall: Double) -> Double {
        // Offsets are within ±14 h: 16 h either side brackets the answer.
        let low = wall - 16 * 3600
        let high = wall + 16 * 3600
        let candidates = [low, wall, high].map { wall - (local($0) - $0) }.filter { local($0) == wall }
        // A reading that occurs twice: its first occurrence.
        if let first = candidates.min() { return first }
        // A gap: bisect for the first instant reading at or after `wall` (monotone around a gap).
        var a = low
        var b = high
        while b - a > 1 {
            let middle = ((a + b) / 2).rounded(.down)
            if local(middle) >= wall { b = middle } else { a = middle }
        }
        return b
    }

    /// The local day number (days since 1970-01-01) of an instant.
    func day(of t: Double) -> Int { Int((local(t) / 86_400).rounded(.down)) }

    func isBusinessDay(_ day: Int) -> Bool {
        if let known = memo.businessDays[day] { return known }
        let answer = computeIsBusinessDay(day)
        memo.businessDays[day] = answer
        return answer
    }

    private func computeIsBusinessDay(_ day: Int) -> Bool {
        let date = Date(timeIntervalSince1970: Double(day) * 86_400)
        let parts = Self.utc.dateComponents([.year, .month, .day, .weekday], from: date)
        let weekday = Weekday.allCases[parts.weekday! - 1]
        guard settings.days.contains(weekday) else { return false }
        return !holidays.contains(String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!))
    }

    /// Opening and closing instants of a day's working hours.
    func hours(of day: Int) -> (open: Double, close: Double) {
        let midnight = Double(day) * 86_400
        return (
            instant(ofLocal: midnight + Double(settings.hours.start * 60)),
            instant(ofLocal: midnight + Double(settings.hours.end * 60))
        )
    }

    /// Whether `date` is inside working hours on a business day (closing instant included).
    func isWorking(_ date: Date) -> Bool {
        let t = date.timeIntervalSince1970
        for day in (self.day(of: t) - 1)...(self.day(of: t) + 1) where isBusinessDay(day) {
            let (open, close) = hours(of: day)
            if open <= t, t <= close { return true }
        }
        return false
    }

    /// `duration` after `start`: wall-clock seconds on a continuous calendar; on a business
    /// calendar, working seconds (`s`, `m`, `h`) or business days (`d`, same local time of
    /// the first working moment).
    func adding(_ duration: WorkDuration, to start: Date) -> Date {
        guard settings.kind == .business else {
            return start.addingTimeInterval(Double(duration.nominalSeconds))
        }
        let key = "\(duration) \(start.timeIntervalSince1970)"
        if let known = memo.sums[key] { return known }
        let answer = businessSum(duration, to: start)
        memo.sums[key] = answer
        return answer
    }

    private func businessSum(_ duration: WorkDuration, to start: Date) -> Date {
        let t = start.timeIntervalSince1970
        var day = self.day(of: t)
        // The first working moment at or after the start.
        var first: Double?
        var firstDay = day
        for candidate in day..<(day + 4000) where isBusinessDay(candidate) {
            let (open, close) = hours(of: candidate)
            if max(t, open) < close {
                first = max(t, open)
                firstDay = candidate
                break
            }
        }
        guard let moment = first else { return .distantFuture }
        switch duration {
        case .time(let seconds):
            var left = Double(seconds)
            guard left > 0 else { return start }
            day = firstDay
            var from = moment
            while true {
                if isBusinessDay(day) {
                    let (open, close) = hours(of: day)
                    let begin = max(from, open)
                    if begin < close {
                        if left <= close - begin { return Date(timeIntervalSince1970: begin + left) }
                        left -= close - begin
                    }
                }
                day += 1
                from = -.infinity
            }
        case .days(let count):
            guard count > 0 else { return start }
            var target = firstDay
            var left = count
            while left > 0 {
                target += 1
                if isBusinessDay(target) { left -= 1 }
            }
            let timeOfDay = local(moment) - Double(firstDay) * 86_400
            return Date(timeIntervalSince1970: instant(ofLocal: Double(target) * 86_400 + timeOfDay))
        }
    }
}
