import Foundation

/// Counts durations on a calendar (§3 "Calendars"): the wall clock, or working time.
///
/// A continuous calendar adds absolute seconds (`1d` is 86,400 s). A business calendar counts
/// only working time: ``CalendarSettings/hours`` on the days of ``CalendarSettings/days`` that
/// are not holidays, all read in ``CalendarSettings/timeZone``. Each working interval's bounds
/// are computed from local wall time, so a daylight-saving change moves them with the clock and
/// never makes a deadline fire twice or never.
///
/// Guarantees, for any start instant `t`, duration `d` and whole numbers `k1 < k2`:
/// `adding(d.times(k1), to: t) <= adding(d.times(k2), to: t)` (strictly `<` when `d` is
/// positive and both results fall before the horizon below); a result is never before `t`
/// on a business calendar.
///
/// Choices where the rules say nothing:
/// - Settings that leave no working time at all (empty ``CalendarSettings/days``, or hours
///   that are not `0 <= start < end <= 24:00`) count as continuous: the configuration refuses
///   them, and a deadline that never comes would be worse than one on the wall clock.
/// - A business search that runs into the year 4001 (a holiday list that covers every day,
///   or an absurd duration) stops there and answers `Date.distantFuture`; instants outside
///   `Date.distantPast ..< Date.distantFuture` count as continuous.
/// - Negative durations on a business calendar answer the start itself.
/// - A local time that a daylight-saving change skips resolves to the first instant after the
///   gap; a local time that occurs twice resolves to its first occurrence.
///
/// The value is immutable and holds no cache: it is `Sendable` without locks. An addition
/// builds no Foundation `Calendar` or collection: wall times are converted with the zone's
/// offset (`TimeZone.secondsFromGMT(for:)`), two look-ups per business day crossed, and days
/// are stepped with ``LocalDate/dayNumber`` arithmetic.
public struct WorkCalendar: Sendable {
    /// The settings this calendar was built from.
    public let settings: CalendarSettings

    /// Whether durations count working time (else the wall clock).
    private let countsWorkingTime: Bool
    /// The zone in which wall times are read.
    private let timeZone: TimeZone
    /// Bit `n` set when weekday `n` (0 = Sunday) is a business day.
    private let weekdayMask: UInt8
    /// Opening time, in seconds after local midnight.
    private let openingSecond: Int64
    /// Closing time, in seconds after local midnight (up to 86,400).
    private let closingSecond: Int64
    /// Whether `br-national` is in the holiday list.
    private let observesNational: Bool
    /// Whether `br-optional` is in the holiday list.
    private let observesOptional: Bool
    /// The single holiday dates, as ``LocalDate/dayNumber`` values.
    private let singleHolidays: Set<Int>

    private static let secondsPerDay: Int64 = 86_400
    /// The first local day a business search does not look at (4001-01-01).
    private static let horizonDay = LocalDate(year: 4001, month: 1, day: 1).dayNumber
    private static let earliestInstant = Date.distantPast.timeIntervalSince1970
    private static let latestInstant = Date.distantFuture.timeIntervalSince1970

    /// A calendar that counts as `settings` say.
    public init(_ settings: CalendarSettings) {
        self.settings = settings
        timeZone = settings.timeZone
        weekdayMask = settings.days.reduce(0) { $0 | UInt8(1) << ($1.gregorianNumber - 1) }
        openingSecond = Int64(settings.hours.start) * 60
        closingSecond = Int64(settings.hours.end) * 60
        var national = false
        var optional = false
        var singles: Set<Int> = []
        for rule in settings.holidays {
            switch rule {
            case .brNational: national = true
            case .brOptional: optional = true
            case .date(let year, let month, let day):
                singles.insert(LocalDate(year: year, month: month, day: day).dayNumber)
            }
        }
        observesNational = national
        observesOptional = optional
        singleHolidays = singles
        let hoursValid =
            settings.hours.start >= 0 && settings.hours.start < settings.hours.end
            && settings.hours.end <= 1440
        countsWorkingTime = settings.kind == .business && weekdayMask != 0 && hoursValid
    }

    /// The instant `duration` after `start`, counted on this calendar.
    ///
    /// Continuous: `.time(s)` is `start + s` seconds, `.days(n)` is `start + n × 86,400` s.
    /// Business: a zero duration is `start`. `.time(s)` begins counting at the first working
    /// moment at or after `start` and consumes `s` seconds of working time; when they run out
    /// exactly at a closing time, that closing instant is the answer. `.days(n)` moves the
    /// first working moment at or after `start` forward by `n` business days, keeping its local
    /// time of day.
    public func adding(_ duration: WorkDuration, to start: Date) -> Date {
        let instant = start.timeIntervalSince1970
        guard countsWorkingTime, instant >= Self.earliestInstant, instant < Self.latestInstant else {
            return start.addingTimeInterval(Double(duration.nominalSeconds))
        }
        switch duration {
        case .time(let seconds) where seconds > 0:
            return Date(timeIntervalSince1970: adding(workingSeconds: Double(seconds), to: instant))
        case .days(let days) where days > 0:
            return Date(timeIntervalSince1970: adding(businessDays: days, to: instant))
        default:
            return start
        }
    }

    /// Whether `date` is a business day: one of the settings' days and not a holiday.
    ///
    /// Answers from the settings whatever the calendar's kind.
    public func isBusinessDay(_ date: LocalDate) -> Bool {
        isBusinessDay(dayNumber: date.dayNumber)
    }

    /// Whether `date` is a holiday of the settings' list (built-in sets and single dates).
    public func isHoliday(_ date: LocalDate) -> Bool {
        isHoliday(dayNumber: date.dayNumber)
    }

    /// The date of `instant` in the calendar's time zone.
    public func localDate(of instant: Date) -> LocalDate {
        let clamped = min(max(instant.timeIntervalSince1970, Self.earliestInstant), Self.latestInstant)
        return LocalDate(dayNumber: localDay(of: clamped))
    }

    // MARK: - Business arithmetic (instants as seconds since 1970)

    /// Consumes `seconds` (> 0) of working time from `start` on.
    private func adding(workingSeconds seconds: Double, to start: Double) -> Double {
        var remaining = seconds
        var day = localDay(of: start)
        while day < Self.horizonDay {
            if isBusinessDay(dayNumber: day) {
                let interval = workingInterval(day: day)
                let begin = max(start, interval.open)
                if begin < interval.close {
                    let available = interval.close - begin
                    if remaining <= available { return begin + remaining }
                    remaining -= available
                }
            }
            day += 1
        }
        return Self.latestInstant
    }

    /// Moves the first working moment at or after `start` forward by `days` (> 0) business days.
    private func adding(businessDays days: Int, to start: Double) -> Double {
        var day = localDay(of: start)
        var moment: Double?
        while day < Self.horizonDay {
            if isBusinessDay(dayNumber: day) {
                let interval = workingInterval(day: day)
                let begin = max(start, interval.open)
                if begin < interval.close {
                    moment = begin
                    break
                }
            }
            day += 1
        }
        guard let moment else { return Self.latestInstant }
        var target = day
        var left = days
        while left > 0 {
            target += 1
            if target >= Self.horizonDay { return Self.latestInstant }
            if isBusinessDay(dayNumber: target) { left -= 1 }
        }
        let wallTime = localSeconds(of: moment) + Double(Int64(target - day) * Self.secondsPerDay)
        return instant(ofLocalSeconds: wallTime)
    }

    /// Whether a day (as a ``LocalDate/dayNumber``) is a business day.
    private func isBusinessDay(dayNumber: Int) -> Bool {
        weekdayMask & (UInt8(1) << LocalDate.weekdayIndex(dayNumber: dayNumber)) != 0
            && !isHoliday(dayNumber: dayNumber)
    }

    /// Whether a day (as a ``LocalDate/dayNumber``) is a holiday; allocates nothing.
    private func isHoliday(dayNumber: Int) -> Bool {
        if !singleHolidays.isEmpty, singleHolidays.contains(dayNumber) { return true }
        guard observesNational || observesOptional else { return false }
        let date = LocalDate(dayNumber: dayNumber)
        return (observesNational && BrazilianHolidays.isNational(date, dayNumber: dayNumber))
            || (observesOptional && BrazilianHolidays.isOptional(date, dayNumber: dayNumber))
    }

    // MARK: - Wall time and instants

    /// The opening and closing instants of a local day's working hours.
    ///
    /// When the offset is the same a day before and two days after the day's midnight, no
    /// change of offset can touch the day (a real zone never changes its offset twice within
    /// three days and back): both bounds then cost no further look-up.
    private func workingInterval(day: Int) -> (open: Double, close: Double) {
        let midnight = Int64(day) * Self.secondsPerDay
        let before = offset(at: midnight - Self.secondsPerDay)
        let after = offset(at: midnight + 2 * Self.secondsPerDay)
        if before == after {
            return (Double(midnight + openingSecond - before), Double(midnight + closingSecond - before))
        }
        return (
            instant(ofLocalSeconds: Double(midnight + openingSecond)),
            instant(ofLocalSeconds: Double(midnight + closingSecond))
        )
    }

    /// The local day number of an instant.
    private func localDay(of instant: Double) -> Int {
        Int((localSeconds(of: instant) / Double(Self.secondsPerDay)).rounded(.down))
    }

    /// The local wall time of an instant, as seconds since 1970-01-01 00:00 local.
    private func localSeconds(of instant: Double) -> Double {
        instant + Double(offset(at: Int64(instant.rounded(.down))))
    }

    /// The first instant whose local wall time is `local` (seconds since 1970-01-01 00:00
    /// local); inside a daylight-saving gap, the first instant after the gap.
    private func instant(ofLocalSeconds local: Double) -> Double {
        let whole = local.rounded(.down)
        let fraction = local - whole
        let wall = Int64(whole)
        let early = offset(at: wall - Self.secondsPerDay)
        let late = offset(at: wall + Self.secondsPerDay)
        if early == late { return Double(wall - early) + fraction }
        let withEarly = wall - early
        let withLate = wall - late
        let earlyFits = offset(at: withEarly) == early
        let lateFits = offset(at: withLate) == late
        switch (earlyFits, lateFits) {
        case (true, true): return Double(min(withEarly, withLate)) + fraction
        case (true, false): return Double(withEarly) + fraction
        case (false, true): return Double(withLate) + fraction
        case (false, false): return Double(firstInstant(withOffset: late, after: withLate, upTo: withEarly))
        }
    }

    /// The first instant in `(low, high]` at which the offset is `offset`, by bisection; the
    /// end of a daylight-saving gap (`high` when the bounds are not what the gap promises).
    private func firstInstant(withOffset target: Int64, after low: Int64, upTo high: Int64) -> Int64 {
        var low = low
        var high = high
        guard low < high, offset(at: high) == target else { return max(low, high) }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(at: middle) == target { high = middle } else { low = middle }
        }
        return high
    }

    /// The zone's offset from UTC at an instant, in seconds.
    private func offset(at instant: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))
    }
}
