import FollowupAPI
import FollowupCore
import Foundation

extension FollowupError.Code {
    /// The command line itself is wrong (a bad time, a bad case id): exit 64.
    static let usage = FollowupError.Code(rawValue: "usage")
    /// No daemon answers on the socket: exit 69.
    static let unreachable = FollowupError.Code(rawValue: "unreachable")
    /// The daemon did not answer in time: exit 75, like a 503.
    static let busy = FollowupError.Code(rawValue: "busy")
    /// An answer the client does not expect (a 500, a body that is not the API's): exit 70.
    static let unexpected = FollowupError.Code(rawValue: "unexpected")
}

extension FollowupError {
    /// The exit status for this error, once for the whole command line (§6.4).
    ///
    /// 1 refused by the daemon (400, 404, 409, 413); 64 usage; 69 daemon not reachable;
    /// 70 an answer we do not understand; 75 busy or storage unavailable (503), try again;
    /// 77 not allowed (403).
    var exitStatus: Int32 {
        switch code {
        case .invalidInput, .notFound, .conflict: 1
        case .usage: 64
        case .unreachable: 69
        case .storageUnavailable, .busy: 75
        case .forbidden: 77
        default: 70
        }
    }

    /// The error for an answer that is not 2xx, from its status and its `ErrorBody`.
    ///
    /// The status decides the exit code (the body's `code` is the daemon's own vocabulary); the
    /// body's message is what the technician reads.
    init(answer: HTTPResponse) {
        let body = try? APICoding.decoder().decode(ErrorBody.self, from: answer.body)
        let message = body?.error.message ?? Self.fallbackMessage(answer)
        let field = body?.error.field
        switch answer.status {
        case 400, 413: self.init(.invalidInput, message, field: field)
        case 403: self.init(.forbidden, message)
        case 404: self.init(.notFound, message)
        case 409: self.init(.conflict, message)
        case 503: self.init(.storageUnavailable, message)
        default:
            self.init(.unexpected, "followupd answered \(answer.status) \(answer.reason): \(message)")
        }
    }

    private static func fallbackMessage(_ answer: HTTPResponse) -> String {
        let text = answer.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return "\(answer.status) \(answer.reason)" }
        return String(text.prefix(500))
    }
}
