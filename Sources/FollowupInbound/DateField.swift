import Foundation

/// The `Date` field (RFC 5322 §3.3) read tolerantly: weekday optional, seconds optional, two- and
/// three-digit years (obsolete syntax), named zones (`GMT`, `EST`, … and `BRT`), comments,
/// asctime order (`Thu Feb 13 14:05:09 2025`), and ISO 8601 as some scripts write it.
///
/// A missing zone is taken as UTC. Anything unreadable gives nil rather than a guess.
enum DateField {
    /// The instant `text` names, or nil.
    static func parse(_ text: String) -> Date? {
        let cleaned = HeaderParameters.withoutComments(text).replacingOccurrences(of: ",", with: " ")
        let tokens = cleaned.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if tokens.count == 1, let date = iso8601(tokens[0]) { return date }
        var day: Int?
        var month: Int?
        var year: Int?
        var time: (Int, Int, Int)?
        var offset: Int?
        for token in tokens {
            let lower = token.lowercased()
            if time == nil, token.contains(":"), let parsed = clock(token) {
                time = parsed
            } else if month == nil, let number = monthNumber(lower) {
                month = number
            } else if let first = token.first, first == "+" || first == "-", token.count == 5,
                let value = Int(token.dropFirst())
            {
                let minutes = value / 100 * 60 + value % 100
                offset = (first == "-" ? -minutes : minutes) * 60
            } else if let zone = zones[lower] {
                offset = zone * 3600
            } else if let number = Int(token), token.allSatisfy(\.isASCII) {
                if day == nil && token.count <= 2 && number >= 1 && number <= 31 {
                    day = number
                } else if year == nil {
                    year = fullYear(number, digits: token.count)
                }
            }
        }
        guard let day, let month, let year, let (hour, minute, second) = time else { return nil }
        return instant(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset ?? 0)
    }

    /// `hh:mm[:ss[.fraction]]`.
    private static func clock(_ token: String) -> (Int, Int, Int)? {
        let parts = token.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let hour = Int(parts[0]), let minute = Int(parts[1]) else {
            return nil
        }
        var second = 0
        if parts.count == 3 {
            guard let value = Int(parts[2].prefix { $0.isASCII && $0.isNumber }) else { return nil }
            second = value
        }
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        return (hour, minute, min(second, 59))
    }

    /// Years as RFC 5322 §4.3 reads them: 00–49 → 2000s, 50–999 → + 1900.
    private static func fullYear(_ number: Int, digits: Int) -> Int? {
        switch digits {
        case 1, 2: return number < 50 ? 2000 + number : 1900 + number
        case 3: return 1900 + number
        case 4: return number >= 1900 ? number : nil
        default: return nil
        }
    }

    /// The month of an English (or Portuguese) month name or its three-letter abbreviation.
    private static func monthNumber(_ lower: String) -> Int? {
        guard lower.count >= 3, lower.allSatisfy(\.isLetter) else { return nil }
        let key = String(lower.prefix(3))
        return months[key]
    }

    /// `2025-02-13T14:05:09-03:00` and the like.
    private static func iso8601(_ token: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: token) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: token)
    }

    /// The instant of a civil date and time at `offset` seconds east of UTC.
    private static func instant(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, _ offset: Int
    ) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: parts) else { return nil }
        return date.addingTimeInterval(TimeInterval(-offset))
    }

    private static let months: [String: Int] = [
        "jan": 1, "feb": 2, "fev": 2, "mar": 3, "apr": 4, "abr": 4, "may": 5, "mai": 5, "jun": 6, "jul": 7,
        "aug": 8, "ago": 8, "sep": 9, "set": 9, "oct": 10, "out": 10, "nov": 11, "dec": 12, "dez": 12,
    ]

    /// Zone names in hours east of UTC; military letters other than `Z` mean nothing reliable (RFC 5322 §4.3).
    private static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
        "pst": -8, "pdt": -7, "brt": -3, "brst": -2, "bst": 1, "cet": 1, "cest": 2,
    ]
}
