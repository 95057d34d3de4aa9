import Foundation

/// A span of time as the desk's policy writes it: `3s`, `90m`, `24h`, `2d`, or `0` (off).
///
/// `s`, `m` and `h` are an amount of time (working time on a business calendar); `d` is a
/// number of days (business days on a business calendar, 24 h on a continuous one).
public enum WorkDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// An amount of time, in seconds.
    case time(seconds: Int64)
    /// A number of (business) days.
    case days(Int)

    /// No time at all: where §3 allows it, "off".
    public static let zero = WorkDuration.time(seconds: 0)

    /// Whether this duration is zero (meaning "off" where the policy allows it).
    public var isZero: Bool {
        switch self {
        case .time(let seconds): seconds == 0
        case .days(let days): days == 0
        }
    }

    /// The duration `k` times over (`k` ≥ 0).
    public func times(_ k: Int) -> WorkDuration {
        switch self {
        case .time(let seconds): .time(seconds: seconds * Int64(k))
        case .days(let days): .days(days * k)
        }
    }

    /// The nominal length in seconds, counting a day as 24 h (used to compare durations).
    public var nominalSeconds: Int64 {
        switch self {
        case .time(let seconds): seconds
        case .days(let days): Int64(days) * 86_400
        }
    }

    /// Parses `0`, or a positive whole number followed by `s`, `m`, `h` or `d`.
    ///
    /// - Throws: ``WorkDurationError`` naming what is wrong with the text.
    public init(parsing text: String) throws(WorkDurationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "0" {
            self = .zero
            return
        }
        guard let unit = trimmed.last, let amount = Int64(trimmed.dropLast()), amount >= 0,
            trimmed.dropLast().allSatisfy(\.isASCII)
        else {
            throw WorkDurationError(text: text)
        }
        let limit: Int64 = 100 * 365 * 86_400
        switch unit {
        case "s" where amount <= limit: self = .time(seconds: amount)
        case "m" where amount <= limit / 60: self = .time(seconds: amount * 60)
        case "h" where amount <= limit / 3600: self = .time(seconds: amount * 3600)
        case "d" where amount <= 36_500: self = .days(Int(amount))
        default: throw WorkDurationError(text: text)
        }
    }

    /// The canonical text form (`24h`, `90m`, `3s`, `2d`, `0`).
    public var description: String {
        switch self {
        case .time(let seconds):
            if seconds == 0 { return "0" }
            if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
            if seconds % 60 == 0 { return "\(seconds / 60)m" }
            return "\(seconds)s"
        case .days(let days):
            return days == 0 ? "0" : "\(days)d"
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try WorkDuration(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A duration's text could not be read.
public struct WorkDurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text that was refused.
    public var text: String

    public var description: String {
        "\"\(text)\" is not a duration: write a whole number followed by s, m, h or d (for example 24h, 90m, 3s, 2d), or 0 for off"
    }
}
