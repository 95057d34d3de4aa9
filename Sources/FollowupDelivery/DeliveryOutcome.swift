import Foundation

/// How one delivery attempt of a notification ended, as every transport reports it.
public enum DeliveryOutcome: Sendable, Hashable {
    /// The recipient took it (2xx; `sendmail` exit 0; the file is in the Maildir's `new/`).
    case delivered(DeliveryDetail)
    /// A passing failure: try again later, no sooner than `after` when the recipient said so
    /// (`Retry-After`; `sendmail` exit 75 and the like).
    case retry(after: Duration?, DeliveryDetail)
    /// The recipient will never take it (410 Gone; `sendmail` 64/65, our message is wrong):
    /// the notification fails at once.
    case refused(DeliveryDetail)

    /// What the attempt recorded.
    public var detail: DeliveryDetail {
        switch self {
        case .delivered(let detail), .retry(_, let detail), .refused(let detail): detail
        }
    }
}

/// What one attempt recorded (§4.1: time, result, HTTP status or exit status, error text).
public struct DeliveryDetail: Sendable, Hashable {
    /// The HTTP status of a webhook's answer.
    public var httpStatus: Int?
    /// The exit status of `sendmail`.
    public var exitStatus: Int32?
    /// Why it did not go through (bounded, without secrets), or nil.
    public var error: String?

    public init(httpStatus: Int? = nil, exitStatus: Int32? = nil, error: String? = nil) {
        self.httpStatus = httpStatus
        self.exitStatus = exitStatus
        self.error = error.map { String($0.prefix(DeliveryDetail.longestError)) }
    }

    /// Error texts are cut to this many characters.
    public static let longestError = 500
}
