import AsyncHTTPClient
import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// What a webhook's answer, or the failure to get one, means for the notification (§6.6).
///
/// - 2xx: delivered.
/// - 410 Gone: refused, the endpoint is gone (the notification fails at once).
/// - 429 and 5xx: retry, no sooner than `Retry-After` (seconds or an HTTP date) when given.
/// - 3xx (redirects are not followed), every other status, time-outs and network errors: retry.
///
/// Error texts say what happened in a few words: `HTTP 500: <start of the answer>`,
/// `timed out after 2s`, `connection refused`.
public enum WebhookVerdict {
    /// The outcome of an answer with `status`.
    ///
    /// - Parameters:
    ///   - retryAfter: the `Retry-After` header, if any.
    ///   - location: the `Location` header of a redirect, if any.
    ///   - excerpt: the start of the answer's body, quoted in the error text.
    ///   - now: the time a `Retry-After` date is counted from.
    public static func outcome(status: Int, retryAfter: String?, location: String?, excerpt: String, now: Date)
        -> DeliveryOutcome
    {
        let said = oneLine(excerpt)
        let answer = said.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(said)"
        switch status {
        case 200...299:
            return .delivered(DeliveryDetail(httpStatus: status))
        case 410:
            return .refused(DeliveryDetail(httpStatus: status, error: "HTTP 410: the endpoint is gone"))
        case 429, 500...599:
            return .retry(after: delay(retryAfter, now: now), DeliveryDetail(httpStatus: status, error: answer))
        case 300...399:
            let target = location.map { " to \(oneLine($0, limit: 200))" } ?? ""
            return .retry(
                after: nil, DeliveryDetail(httpStatus: status, error: "HTTP \(status): redirect\(target) not followed"))
        default:
            return .retry(after: nil, DeliveryDetail(httpStatus: status, error: answer))
        }
    }

    /// How long `Retry-After` asks to wait: whole seconds, or the time until an HTTP date (0 when
    /// it is past); nil when absent or unreadable.
    ///
    /// What it asks is reported as is, up to ``longestDelay`` (larger numbers mean the same);
    /// the backoff honours it only up to `notifications.retry_max`.
    public static func delay(_ retryAfter: String?, now: Date) -> Duration? {
        guard let text = retryAfter?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ (48...57).contains($0) }) {
            return min(.seconds(Int64(text) ?? .max), longestDelay)
        }
        guard let date = httpDate(text) else { return nil }
        let seconds = date.timeIntervalSince(now).rounded(.up)
        return seconds >= longestDelay.seconds ? longestDelay : .seconds(Int64(max(0, seconds)))
    }

    /// The longest wait a `Retry-After` is read as: a thousand years.
    public static let longestDelay = Duration.seconds(1000 * 31_557_600)

    /// An HTTP date (RFC 9110 §5.6.7): IMF-fixdate, or the obsolete RFC 850 and asctime forms.
    static func httpDate(_ text: String) -> Date? {
        let formats = ["EEE, dd MMM yyyy HH:mm:ss 'GMT'", "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", "EEE MMM d HH:mm:ss yyyy"]
        let normalised = text.split(separator: " ").joined(separator: " ")
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: normalised) { return date }
        }
        return nil
    }

    /// Why a request got no answer, in a few words.
    public static func reason(for error: any Error, timeout: Duration) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout,
                .tlsHandshakeTimeout:
                return "timed out after \(seconds(timeout))"
            case .remoteConnectionClosed:
                return "the connection was closed before an answer"
            case .cancelled:
                return "cancelled before an answer"
            default:
                return "request failed: \(oneLine(String(describing: error), limit: 300))"
            }
        }
        if let error = error as? IOError {
            return error.errnoCode == ECONNREFUSED
                ? "connection refused" : "network error: \(String(cString: strerror(error.errnoCode)))"
        }
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("connection refused") { return "connection refused" }
        return "request failed: \(oneLine(text, limit: 300))"
    }

    /// A duration as seconds for people: `2s`, `1.5s`.
    static func seconds(_ duration: Duration) -> String {
        let (whole, attoseconds) = duration.components
        guard attoseconds != 0 else { return "\(whole)s" }
        let value = Double(whole) + Double(attoseconds) / 1e18
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text + "s"
    }

    /// `text` on one line (runs of white space and control characters become one space), cut
    /// to `limit` characters.
    static func oneLine(_ text: String, limit: Int = 200) -> String {
        let words = text.unicodeScalars.split { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }
        let line = words.map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }
}
