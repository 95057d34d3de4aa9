/// Brazil's built-in holiday sets (`br-national`, `br-optional`), computed for any year.
///
/// Movable days count from Easter Sunday, found with the anonymous Gregorian algorithm
/// (Meeus/Jones/Butcher), so no table needs updating.
public enum BrazilianHolidays {
    /// Easter Sunday of a Gregorian year.
    public static func easterSunday(year: Int) -> (month: Int, day: Int) {
        let a = mod(year, 19)
        let b = floorDiv(year, 100)
        let c = mod(year, 100)
        let d = floorDiv(b, 4)
        let e = mod(b, 4)
        let f = floorDiv(b + 8, 25)
        let g = floorDiv(b - f + 1, 3)
        let h = mod(19 * a + b - d - g + 15, 30)
        let i = c / 4
        let k = c % 4
        let l = mod(32 + 2 * e + 2 * i - h - k, 7)
        let m = (a + 11 * h + 22 * l) / 451
        let monthAndDay = h + l - 7 * m + 114
        return (month: monthAndDay / 31, day: monthAndDay % 31 + 1)
    }

    /// The national holidays of a year, in date order: 1 Jan, Good Friday, 21 Apr, 1 May,
    /// 7 Sep, 12 Oct, 2 Nov, 15 Nov, 20 Nov (from 2024 on), 25 Dec; each date once (Good
    /// Friday falls on 21 Apr in some years, 2000 and 2079 among them).
    public static func national(year: Int) -> [LocalDate] {
        var dates = Set(fixedNational(year: year).map { LocalDate(year: year, month: $0.month, day: $0.day) })
        dates.insert(LocalDate(dayNumber: easterDayNumber(year: year) + goodFridayOffset))
        return dates.sorted()
    }

    /// The optional days (pontos facultativos) of a year, in date order: Carnival Monday and
    /// Tuesday (Easter − 48 and − 47 days) and Corpus Christi (Easter + 60 days).
    public static func optional(year: Int) -> [LocalDate] {
        let easter = easterDayNumber(year: year)
        return [carnivalMondayOffset, carnivalTuesdayOffset, corpusChristiOffset].map {
            LocalDate(dayNumber: easter + $0)
        }
    }

    /// Whether `date` is a national holiday; no allocation (the calendar's hot path).
    static func isNational(_ date: LocalDate, dayNumber: Int) -> Bool {
        switch (date.month, date.day) {
        case (1, 1), (4, 21), (5, 1), (9, 7), (10, 12), (11, 2), (11, 15), (12, 25): return true
        case (11, 20): return date.year >= 2024
        case (3, _), (4, _):
            return dayNumber == easterDayNumber(year: date.year) + goodFridayOffset
        default: return false
        }
    }

    /// Whether `date` is an optional day; no allocation (the calendar's hot path).
    static func isOptional(_ date: LocalDate, dayNumber: Int) -> Bool {
        // Carnival falls in February or March, Corpus Christi in May or June.
        guard (2...3).contains(date.month) || (5...6).contains(date.month) else { return false }
        let offset = dayNumber - easterDayNumber(year: date.year)
        return offset == carnivalMondayOffset || offset == carnivalTuesdayOffset
            || offset == corpusChristiOffset
    }

    /// Easter Sunday of `year` as a ``LocalDate/dayNumber``.
    static func easterDayNumber(year: Int) -> Int {
        let easter = easterSunday(year: year)
        return LocalDate(year: year, month: easter.month, day: easter.day).dayNumber
    }

    private static let goodFridayOffset = -2
    private static let carnivalMondayOffset = -48
    private static let carnivalTuesdayOffset = -47
    private static let corpusChristiOffset = 60

    private static func fixedNational(year: Int) -> [(month: Int, day: Int)] {
        var days: [(month: Int, day: Int)] = [
            (1, 1), (4, 21), (5, 1), (9, 7), (10, 12), (11, 2), (11, 15), (12, 25),
        ]
        if year >= 2024 { days.append((11, 20)) }
        return days
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    private static func mod(_ a: Int, _ b: Int) -> Int {
        let remainder = a % b
        return remainder < 0 ? remainder + b : remainder
    }
}
