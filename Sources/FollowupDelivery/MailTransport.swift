import FollowupConfig
import FollowupEngine
import FollowupMail
import Foundation

/// Delivers a composed message by the configured transport (§6.7) and tells how it ended.
///
/// - `maildir`: the message is written into `settings.maildir` under the notification id
///   (`tmp/`, fsync, rename into `new/`, fsync), so a re-delivery replaces the file. A
///   Maildir that cannot be written is retried; an id that cannot name a file is refused.
/// - `sendmail`: ``SendmailTransport``.
///
/// Both run off the concurrency pool. The time limit applies to `sendmail`; a Maildir write
/// is not interrupted.
public struct MailTransport: Sendable {
    private let sendmail: SendmailTransport

    /// A transport.
    public init(sendmail: SendmailTransport = SendmailTransport()) {
        self.sendmail = sendmail
    }

    /// Delivers `message` as notification `id`; never throws.
    public func deliver(_ message: MailMessage, id: String, settings: MailSettings, timeout: Duration) async
        -> DeliveryOutcome
    {
        let data = message.rendered()
        switch settings.transport {
        case .sendmail:
            return await sendmail.send(data, settings: settings, timeout: timeout)
        case .maildir:
            let folder = URL(fileURLWithPath: settings.maildir, isDirectory: true)
            return await BlockingWork.run("followupd-maildir") {
                do {
                    try Maildir.deliver(data, named: id, into: folder)
                    return .delivered(DeliveryDetail())
                } catch let error as MailError where error.code == .invalidMaildirName {
                    return .refused(DeliveryDetail(error: error.description))
                } catch {
                    return .retry(after: nil, DeliveryDetail(error: "\(error)"))
                }
            }
        }
    }
}
