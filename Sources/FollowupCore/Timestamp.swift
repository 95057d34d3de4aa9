import Foundation

/// RFC 3339 times in UTC, as the API and the stored documents write them.
///
/// Both directions use the proleptic Gregorian calendar, by hand (days to civil date and back,
/// as in Howard Hinnant's algorithms): Foundation's calendar switches to the Julian one before
/// October 1582, which shifted old dates by ten days, and it wrote years its parser could not
/// read back. Every instant from `0001-01-01T00:00:00Z` to `9999-12-31T23:59:59.999Z`
/// round-trips to the millisecond; instants outside that span are formatted as its nearest
/// end, and text naming one is not read at all.
public enum Timestamp {
    /// The earliest instant that can be written: `0001-01-01T00:00:00Z`.
    public static let earliest = Date(timeIntervalSince1970: -62_135_596_800)
    /// The latest instant that can be written: `9999-12-31T23:59:59.999Z`.
    public static let latest = Date(timeIntervalSince1970: 253_402_300_799.999)

    /// Formats an instant as `2026-11-29T12:00:00Z`, with milliseconds when it has a
    /// fraction of a second (`…:00.250Z`).
    ///
    /// Never traps: an instant outside ``earliest``…``latest`` (or not a number) is written as
    /// the nearest end of that span. Written by hand because every API answer formats several
    /// times, and Foundation's format styles cost microseconds each.
    public static func format(_ date: Date) -> String {
        var seconds = date.timeIntervalSince1970
        if !(seconds >= earliest.timeIntervalSince1970) { seconds = earliest.timeIntervalSince1970 }
        seconds = min(seconds, latest.timeIntervalSince1970)
        let totalMillis = min(Int64((seconds * 1000).rounded()), 253_402_300_799_999)
        let millis = Int(totalMillis - floorDivide(totalMillis, 1000) * 1000)
        let total = floorDivide(totalMillis, 1000)
        let days = floorDivide(total, 86_400)
        let secondOfDay = Int(total - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        var text = pad(Int(year), 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if millis > 0 { text += "." + pad(millis, 3) }
        return text + "Z"
    }

    /// Reads an RFC 3339 time with a zone designator (`Z` or `±HH:MM`, also `±HHMM`), with or
    /// without fractional seconds; `T` may be `t` or a space.
    ///
    /// Nil for anything else: a missing zone, an impossible date (`2026-02-30`), a second of
    /// 60, or an instant outside ``earliest``…``latest`` (such as `0000-01-01T00:00:00Z`).
    public static func parse(_ text: String) -> Date? {
        var reader = Digits(Array(text.utf8))
        guard let year = reader.number(4), reader.skip("-"), let month = reader.number(2), reader.skip("-"),
            let day = reader.number(2), reader.skip(oneOf: "Tt "), let hour = reader.number(2), reader.skip(":"),
            let minute = reader.number(2), reader.skip(":"), let second = reader.number(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: Int64(year))).contains(day),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var fraction = 0.0
        if reader.skip(".") {
            let start = reader.position
            while reader.number(1) != nil {}
            guard reader.position > start, let value = Double("0." + reader.text(from: start)) else { return nil }
            fraction = value
        }
        let offset: Int64
        if reader.skip(oneOf: "Zz") {
            offset = 0
        } else if let sign = reader.sign() {
            guard let hours = reader.number(2) else { return nil }
            _ = reader.skip(":")
            guard let minutes = reader.number(2), hours <= 23, minutes <= 59 else { return nil }
            offset = sign * Int64(hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard reader.atEnd else { return nil }
        let days = self.days(year: Int64(year), month: month, day: day)
        let whole = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - offset
        let date = Date(timeIntervalSince1970: Double(whole) + fraction)
        guard date >= earliest, date <= latest else { return nil }
        return date
    }

    /// The proleptic Gregorian date of a count of days since 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The count of days since 1970-01-01 of a proleptic Gregorian date (the inverse of ``civil(fromDays:)``).
    static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = Int64((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1)
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int, year: Int64) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// A cursor over ASCII text for ``parse(_:)``.
    private struct Digits {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { position == bytes.count }

        /// Exactly `count` ASCII digits as a number.
        mutating func number(_ count: Int) -> Int? {
            guard position + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<position + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            position += count
            return value
        }

        mutating func skip(_ character: Character) -> Bool { skip(oneOf: String(character)) }

        mutating func skip(oneOf characters: String) -> Bool {
            guard position < bytes.count, characters.utf8.contains(bytes[position]) else { return false }
            position += 1
            return true
        }

        mutating func sign() -> Int64? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }

        func text(from start: Int) -> String { String(decoding: bytes[start..<position], as: UTF8.self) }
    }
}
