import Foundation

/// RFC 3339 times in UTC, as the API and the stored documents write them.
public enum Timestamp {
    /// Formats an instant as `2026-11-29T12:00:00Z`, with milliseconds when it has a
    /// fraction of a second (`…:00.250Z`).
    ///
    /// Written by hand (days to civil date, as in Howard Hinnant's algorithm): every API
    /// answer formats several times, and Foundation's format styles cost microseconds each.
    public static func format(_ date: Date) -> String {
        var whole = date.timeIntervalSince1970.rounded(.down)
        var millis = Int(((date.timeIntervalSince1970 - whole) * 1000).rounded())
        if millis == 1000 {
            whole += 1
            millis = 0
        }
        let total = Int64(whole)
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = Int(total - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        var text = pad(Int(year), 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if millis > 0 { text += "." + pad(millis, 3) }
        return text + "Z"
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

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Reads an RFC 3339 time with a zone designator, with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let date = try? Date(text, strategy: fractional) { return date }
        // Offsets other than Z.
        let withZone = Date.ISO8601FormatStyle().year().month().day().time(includingFractionalSeconds: false)
            .timeZone(separator: .omitted)
        return try? Date(text, strategy: withZone)
    }
}
