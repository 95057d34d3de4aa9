import Foundation

/// The span of times a client or a mail may supply (SPEC §6.3 "Correction (times)"): from
/// 2000-01-01 to ten years from now.
///
/// Nothing the desk tracks happened before 2000 or is planned more than ten years ahead; a
/// time outside is a typo or a forged header, and letting it in would arm timers decades
/// away or decades overdue.
public enum TimeBounds {
    /// `2000-01-01T00:00:00Z`.
    public static let earliest = Date(timeIntervalSince1970: 946_684_800)
    /// How far ahead a time may lie: ten years of 365.25 days.
    public static let horizon: TimeInterval = 10 * 365.25 * 86_400

    /// The latest time accepted at `now`.
    public static func latest(now: Date) -> Date { now.addingTimeInterval(horizon) }

    /// Whether `value` lies between ``earliest`` and ten years from `now` (both included).
    public static func accepts(_ value: Date, now: Date) -> Bool {
        value >= earliest && value <= latest(now: now)
    }
}
