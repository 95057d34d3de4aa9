import FollowupConfig
import Foundation

/// Times as the desk reads them in messages: `27/11/2026 às 14:05` in Portuguese,
/// `2026-11-27 14:05` in English, in the configured time zone (`policy.timezone`).
public enum DeskTime {
    /// `date` written for people in `timeZone` (minutes, no seconds).
    public static func format(_ date: Date, language: ReportSettings.Language, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let year = pad(parts.year ?? 0, 4)
        let month = pad(parts.month ?? 0, 2)
        let day = pad(parts.day ?? 0, 2)
        let time = pad(parts.hour ?? 0, 2) + ":" + pad(parts.minute ?? 0, 2)
        switch language {
        case .ptBR: return "\(day)/\(month)/\(year) às \(time)"
        case .en: return "\(year)-\(month)-\(day) \(time)"
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
