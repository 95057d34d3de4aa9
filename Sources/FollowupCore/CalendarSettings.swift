import Foundation

/// How durations are counted: on the wall clock, or on working time.
public enum CalendarKind: String, Sendable, Hashable, Codable {
    /// Wall-clock time: `24h` is 86,400 seconds later, `1d` is 24 h.
    case continuous
    /// Working hours on business days, skipping holidays, in the calendar's time zone.
    case business
}

/// A day of the week, as the configuration names it.
public enum Weekday: String, Sendable, Hashable, Codable, CaseIterable {
    case sun, mon, tue, wed, thu, fri, sat

    /// The Gregorian calendar's weekday number (1 = Sunday … 7 = Saturday).
    public var gregorianNumber: Int { Weekday.allCases.firstIndex(of: self)! + 1 }
}

/// A day's working hours, in minutes after local midnight: `08:00-18:00` is 480..<1080.
public struct WorkingHours: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Minutes after midnight when work starts.
    public var start: Int
    /// Minutes after midnight when work ends (after `start`, at most 24:00).
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// Parses `HH:MM-HH:MM` (start before end; `24:00` allowed as the end).
    public init?(parsing text: String) {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]),
            start < end, start < 1440
        else { return nil }
        self.init(start: start, end: end)
    }

    private static func minutes(_ text: String) -> Int? {
        let pieces = text.split(separator: ":")
        guard pieces.count == 2, pieces[0].count == 2, pieces[1].count == 2,
            let hours = Int(pieces[0]), let minutes = Int(pieces[1]),
            (0...24).contains(hours), (0..<60).contains(minutes), hours * 60 + minutes <= 1440
        else { return nil }
        return hours * 60 + minutes
    }

    public var description: String {
        String(format: "%02d:%02d-%02d:%02d", start / 60, start % 60, end / 60, end % 60)
    }

    /// 08:00 to 18:00.
    public static let office = WorkingHours(start: 8 * 60, end: 18 * 60)
}

/// One entry of a calendar's `holidays` list: a built-in set or one date.
public enum HolidayRule: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Brazil's national holidays (1 Jan, Good Friday, 21 Apr, 1 May, 7 Sep, 12 Oct, 2 Nov,
    /// 15 Nov, 20 Nov from 2024, 25 Dec), computed for any year.
    case brNational
    /// Brazil's optional days (pontos facultativos): Carnival Monday and Tuesday, Corpus Christi.
    case brOptional
    /// One calendar date, in the calendar's time zone.
    case date(year: Int, month: Int, day: Int)

    /// Parses `br-national`, `br-optional` or `YYYY-MM-DD`.
    public init?(parsing text: String) {
        switch text {
        case "br-national": self = .brNational
        case "br-optional": self = .brOptional
        default:
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
                (1...12).contains(month), (1...31).contains(day)
            else { return nil }
            var components = DateComponents(year: year, month: month, day: day)
            components.calendar = Calendar(identifier: .gregorian)
            guard components.isValidDate else { return nil }
            self = .date(year: year, month: month, day: day)
        }
    }

    public var description: String {
        switch self {
        case .brNational: "br-national"
        case .brOptional: "br-optional"
        case .date(let year, let month, let day): String(format: "%04d-%02d-%02d", year, month, day)
        }
    }
}

/// The settings of one calendar, as the configuration gives them (global or per partner).
public struct CalendarSettings: Sendable, Hashable, Codable {
    /// Continuous (wall clock) or business (working time).
    public var kind: CalendarKind
    /// The zone in which hours, days and holidays are read.
    public var timeZone: TimeZone
    /// Working hours of a business day.
    public var hours: WorkingHours
    /// The business days of the week.
    public var days: Set<Weekday>
    /// Days off: built-in sets and single dates.
    public var holidays: [HolidayRule]

    public init(
        kind: CalendarKind = .continuous,
        timeZone: TimeZone = TimeZone(identifier: "America/Sao_Paulo")!,
        hours: WorkingHours = .office,
        days: Set<Weekday> = [.mon, .tue, .wed, .thu, .fri],
        holidays: [HolidayRule] = [.brNational]
    ) {
        self.kind = kind
        self.timeZone = timeZone
        self.hours = hours
        self.days = days
        self.holidays = holidays
    }

    /// The default: continuous, America/Sao_Paulo, 08:00-18:00 Monday to Friday, br-national.
    public static let `default` = CalendarSettings()
}
