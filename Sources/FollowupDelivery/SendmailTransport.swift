import FollowupConfig
import FollowupEngine
import FollowupMail
import Foundation

/// Hands a rendered message to `sendmail -t -oi` (§6.7) from async code, and tells how it ended.
///
/// `sendmail` runs on a thread of its own: the concurrency pool never waits for it.
/// Exit status 0 is delivered; 75 (EX_TEMPFAIL) retry; 64 and 65 (EX_USAGE, EX_DATAERR: our
/// message is wrong) refused; any other status, a signal, the time limit or a failure to
/// start are retried too (keep queued and alert). The error text is what `sendmail` printed
/// (bounded) followed by how it ended.
public struct SendmailTransport: Sendable {
    /// A transport; the program and time limit come with each message.
    public init() {}

    /// Runs `settings.sendmail` on `data`, killing it after `timeout`; never throws.
    public func send(_ data: Data, settings: MailSettings, timeout: Duration) async -> DeliveryOutcome {
        let program = settings.sendmail
        let run = await BlockingWork.run("followupd-sendmail") {
            Sendmail.run(program: program, message: data, timeout: timeout)
        }
        return Self.outcome(of: run)
    }

    /// The outcome a `sendmail` run stands for.
    public static func outcome(of run: Sendmail.Run) -> DeliveryOutcome {
        let said = run.stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " / ")
        let error = said.isEmpty ? run.end.description : "\(said.prefix(400)) (\(run.end.description))"
        switch run.end {
        case .exited(0):
            return .delivered(DeliveryDetail(exitStatus: 0))
        case .exited(let status) where status == 64 || status == 65:
            return .refused(DeliveryDetail(exitStatus: status, error: error))
        case .exited(let status):
            return .retry(after: nil, DeliveryDetail(exitStatus: status, error: error))
        case .signalled, .timedOut, .notStarted:
            return .retry(after: nil, DeliveryDetail(error: error))
        }
    }
}
