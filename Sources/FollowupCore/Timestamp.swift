import Foundation

/// RFC 3339 times in UTC, as the API and the stored documents write them.
public enum Timestamp {
    /// Formats an instant as `2026-11-29T12:00:00Z` (fractions of a second when present).
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        if seconds == seconds.rounded(.down) {
            return date.formatted(.iso8601)
        }
        return Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
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
