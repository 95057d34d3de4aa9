import ArgumentParser
import FollowupCore
import Foundation

/// A time written on the command line: RFC 3339 (`2026-11-29T14:05:00-03:00`), or a wall-clock
/// time `YYYY-MM-DD HH:MM` / a date `YYYY-MM-DD` (its 00:00) in the desk's time zone.
///
/// A wall-clock time is only turned into an instant once the daemon has said which zone the
/// desk works in (`GET /v1/status`); text that is neither form is a usage error (exit 64).
enum TimeArgument: Sendable, Hashable, ExpressibleByArgument, CustomStringConvertible {
    /// An RFC 3339 time: the zone is in the text.
    case instant(Date)
    /// A wall-clock time in the desk's zone.
    case local(LocalDate, hour: Int, minute: Int)

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        if let date = Timestamp.parse(text) {
            self = .instant(date)
            return
        }
        // `2026-11-29 14:05`, `2026-11-29T14:05` or `2026-11-29`.
        let datePart = text.prefix(10)
        guard let day = LocalDate(parsing: datePart) else { return nil }
        let rest = text.dropFirst(10)
        if rest.isEmpty {
            self = .local(day, hour: 0, minute: 0)
            return
        }
        guard let separator = rest.first, separator == " " || separator == "T" || separator == "t" else { return nil }
        let clock = rest.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 2 || clock.count == 3,
            clock.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hour = Int(clock[0]), let minute = Int(clock[1]), (0...23).contains(hour), (0...59).contains(minute),
            clock.count == 2 || clock[2] == "00"
        else { return nil }
        self = .local(day, hour: hour, minute: minute)
    }

    /// Whether the zone must come from the daemon before this time means an instant.
    var needsZone: Bool {
        if case .local = self { return true }
        return false
    }

    /// The instant this time names in `zone`.
    ///
    /// - Throws: a usage error for a wall-clock time that does not exist in the zone (a
    ///   daylight-saving gap).
    func date(in zone: TimeZone) throws(FollowupError) -> Date {
        switch self {
        case .instant(let date):
            return date
        case .local(let day, let hour, let minute):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let components = DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute)
            guard let date = calendar.date(from: components),
                case let back = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date),
                back.year == day.year, back.month == day.month, back.day == day.day, back.hour == hour,
                back.minute == minute
            else {
                throw FollowupError(.usage, "\(self) does not exist in \(zone.identifier) (a daylight-saving gap)")
            }
            return date
        }
    }

    var description: String {
        switch self {
        case .instant(let date): Timestamp.format(date)
        case .local(let day, let hour, let minute):
            "\(day) \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)"
        }
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// Reads `TIME` or the word `none` (edit: clear the value).
enum ClearableTime: Sendable, Hashable, ExpressibleByArgument {
    case none
    case time(TimeArgument)

    init?(argument: String) {
        if argument.lowercased() == "none" {
            self = .none
        } else if let time = TimeArgument(argument: argument) {
            self = .time(time)
        } else {
            return nil
        }
    }
}

/// Reads a duration such as `24h`, `90m`, `2d` (validated here, sent as written canonically).
struct DurationArgument: Sendable, Hashable, ExpressibleByArgument {
    var duration: WorkDuration

    init?(argument: String) {
        guard let duration = try? WorkDuration(parsing: argument) else { return nil }
        self.duration = duration
    }
}

/// Reads `FU-12`, `fu-12` or `12`; anything else is a usage error (exit 64).
extension CaseID: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(parsing: argument)
    }
}
