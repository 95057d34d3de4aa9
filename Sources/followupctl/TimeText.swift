import Foundation

/// How human output writes times: in the desk's zone, to the minute, with the zone's offset
/// (`2026-11-29 14:05 -03`), and spans as `2d 3h`, `45m`.
struct TimeText: Sendable {
    /// The desk's time zone (`policy.timezone`, from `GET /v1/status`).
    var zone: TimeZone
    /// The time "now" for relative phrases (`in 3h`, `2h ago`).
    var now: Date

    init(zone: TimeZone, now: Date = Date()) {
        self.zone = zone
        self.now = now
    }

    /// `2026-11-29 14:05 -03`.
    func full(_ date: Date) -> String {
        "\(minute(date)) \(Self.offset(zone.secondsFromGMT(for: date)))"
    }

    /// `2026-11-29 14:05` (tables, where the column header names the zone).
    func minute(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return "\(Self.pad(parts.year ?? 0, 4))-\(Self.pad(parts.month ?? 0, 2))-\(Self.pad(parts.day ?? 0, 2)) "
            + "\(Self.pad(parts.hour ?? 0, 2)):\(Self.pad(parts.minute ?? 0, 2))"
    }

    /// `11-29 14:05` in the current year, else `2027-01-04 09:00` (narrow table columns).
    func compact(_ date: Date) -> String {
        let text = minute(date)
        return calendar.component(.year, from: date) == calendar.component(.year, from: now)
            ? String(text.dropFirst(5)) : text
    }

    /// `2026-11-29 14:05 -03 (in 3h 20m)` or `(… ago)`.
    func withDistance(_ date: Date) -> String {
        "\(full(date)) (\(distance(date)))"
    }

    /// `in 3h 20m`, `2d 1h ago`, `now`.
    func distance(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince(now).rounded())
        if seconds == 0 { return "now" }
        let span = Self.span(seconds: abs(seconds))
        return seconds > 0 ? "in \(span)" : "\(span) ago"
    }

    /// The zone's offset at `date`, as in the human times' suffix (`-03`); for table headers.
    func offset(at date: Date) -> String { Self.offset(zone.secondsFromGMT(for: date)) }

    /// `-03`, `+05:30`, `+00`.
    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let hours = abs(seconds) / 3600
        let minutes = abs(seconds) % 3600 / 60
        return minutes == 0 ? "\(sign)\(pad(hours, 2))" : "\(sign)\(pad(hours, 2)):\(pad(minutes, 2))"
    }

    /// The two largest units of a span: `3d 4h`, `2h 5m`, `45m`, `30s`.
    static func span(seconds: Int) -> String {
        let units = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]
        let largest = units.firstIndex { seconds >= $0.1 } ?? units.count - 1
        let (name, size) = units[largest]
        var text = "\(seconds / size)\(name)"
        if largest + 1 < units.count {
            let (nextName, nextSize) = units[largest + 1]
            let next = seconds % size / nextSize
            if next > 0 { text += " \(next)\(nextName)" }
        }
        return text
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
