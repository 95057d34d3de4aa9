import Foundation

// The sections about what goes out and comes in: notifications, mail, webhooks, inbound mail, reports.

/// How notifications are retried, timed out and folded into digests (`notifications`, §4.1).
///
/// Durations here are wall-clock time, whatever the calendar.
public struct NotificationSettings: Sendable, Hashable {
    /// Delivery attempts before a notification is marked `failed` (at least 1).
    public var maxAttempts: Int
    /// The first retry's delay; later ones grow exponentially (with jitter) up to ``retryMax``.
    public var retryInitial: Duration
    /// The longest delay between two attempts (at least ``retryInitial``), a webhook's
    /// `Retry-After` included.
    public var retryMax: Duration
    /// How long one delivery (an HTTP request, a `sendmail` run) may take.
    public var timeout: Duration
    /// More notifications than this within a minute to one channel are folded into a digest (at least 1).
    public var digestThreshold: Int
    /// How many times an unacknowledged notification is re-sent to all leaders (0: never).
    public var maxReminders: Int

    /// Notification settings; the defaults are §6.2's.
    public init(
        maxAttempts: Int = 12,
        retryInitial: Duration = .seconds(5),
        retryMax: Duration = .seconds(2 * 3600),
        timeout: Duration = .seconds(15),
        digestThreshold: Int = 20,
        maxReminders: Int = 3
    ) {
        self.maxAttempts = maxAttempts
        self.retryInitial = retryInitial
        self.retryMax = retryMax
        self.timeout = timeout
        self.digestThreshold = digestThreshold
        self.maxReminders = maxReminders
    }
}

/// How outgoing mail leaves the daemon (`mail`, §6.7).
public struct MailSettings: Sendable, Hashable {
    /// The transport used.
    public var transport: Transport
    /// The spool Maildir's absolute path (used with ``Transport/maildir``).
    public var maildir: String
    /// The `sendmail` program (used with ``Transport/sendmail`` and by `followupctl spool deliver`).
    public var sendmail: String
    /// The `From` header of every message, `Name <address>` or a bare address.
    public var from: String

    /// How a message is handed on (`mail.transport`).
    public enum Transport: String, Sendable, Hashable, CaseIterable {
        /// Written into the spool Maildir, for the mailer units, an MTA or a person to pick up.
        case maildir
        /// Handed to `sendmail -t -oi`.
        case sendmail
    }

    /// The spool used when `mail.maildir` is absent.
    public static let defaultMaildir = "/var/spool/followupd/outbox"

    /// Mail settings; the defaults are §6.2's, with a `From` on `localhost` to be replaced.
    public init(
        transport: Transport = .maildir,
        maildir: String = MailSettings.defaultMaildir,
        sendmail: String = "/usr/sbin/sendmail",
        from: String = "Suporte <suporte@localhost>"
    ) {
        self.transport = transport
        self.maildir = maildir
        self.sendmail = sendmail
        self.from = from
    }
}

/// One webhook endpoint (an entry of `webhooks`, §6.6).
///
/// Its description and reflection never show the secret, so logging a configuration does not leak it.
public struct WebhookSettings: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The endpoint, an `http` or `https` URL.
    public var url: String
    /// The shape of the body sent.
    public var format: Format
    /// The Standard Webhooks signing secret, `whsec_` followed by base64; `nil` sends unsigned requests.
    ///
    /// When the file names `secret_file`, this is the file's content (surrounding white space removed).
    public var secret: String?

    /// The shape of a webhook's body (`format`).
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// The Standard Webhooks JSON body `{"type", "timestamp", "data"}`.
        case standard
        /// A Microsoft Teams message carrying an Adaptive Card (Workflows webhook).
        case teams
        /// A Slack message.
        case slack
    }

    /// A webhook endpoint.
    public init(url: String, format: Format = .standard, secret: String? = nil) {
        self.url = url
        self.format = format
        self.secret = secret
    }

    /// The URL and format, with the secret hidden.
    public var description: String {
        "WebhookSettings(url: \(url), format: \(format.rawValue), secret: \(secret == nil ? "none" : "<hidden>"))"
    }

    /// Same as ``description``: the secret is hidden.
    public var debugDescription: String { description }

    /// The URL, the format and whether there is a secret, never the secret itself.
    public var customMirror: Mirror {
        Mirror(self, children: ["url": url, "format": format, "secret": secret == nil ? "none" : "<hidden>"])
    }
}

/// Reading partners' replies from an inbound Maildir (`inbound`, §4.5).
public struct InboundSettings: Sendable, Hashable {
    /// The Maildir's absolute path (the folder holding `new/` and `cur/`).
    public var maildir: String
    /// The kind recorded for a reply that is neither automatic nor a bounce.
    public var defaultKind: DefaultKind
    /// The interval of the periodic rescan that backs up inotify (wall-clock time, > 0).
    public var rescan: Duration
    /// The desk's capture address (`inbound.capture_address`): a technician who puts it in
    /// Bcc of a request written from their own mailbox has that mail read here as the case's
    /// contact (or a new case). Nil: mail from the desk's own people is never taken as a contact.
    public var captureAddress: String?

    /// The kind of return an ordinary partner reply is recorded as (`inbound.default_kind`).
    public enum DefaultKind: String, Sendable, Hashable, CaseIterable {
        /// A return with information: the case moves to `awaiting_us`.
        case info
        /// An acknowledgement: the cycle's remaining resends are cancelled.
        case ack
    }

    /// Inbound settings; `info` and a 5-minute rescan by default.
    public init(
        maildir: String, defaultKind: DefaultKind = .info, rescan: Duration = .seconds(300),
        captureAddress: String? = nil
    ) {
        self.maildir = maildir
        self.defaultKind = defaultKind
        self.rescan = rescan
        self.captureAddress = captureAddress
    }
}

/// Links to the desk's ticket system (`tickets`): the ticket reference of a case becomes a
/// link in notifications, reports and the web desk.
public struct TicketSettings: Sendable, Hashable {
    /// The address of a ticket, with `{ticket}` where its reference goes
    /// (`https://ssc.example/ssc/{ticket}`); nil: references stay plain text.
    public var url: String?
    /// What the desk calls its tickets (`SSC`), for the button "Abrir SSC"; nil: "chamado".
    public var name: String?

    public init(url: String? = nil, name: String? = nil) {
        self.url = url
        self.name = name
    }

    /// The address of `ticket`, its reference percent-encoded into the template; nil when
    /// there is no template or no reference.
    public func link(for ticket: String?) -> String? {
        guard let url, let ticket = ticket?.trimmingCharacters(in: .whitespaces), !ticket.isEmpty,
            let encoded = ticket.addingPercentEncoding(withAllowedCharacters: Self.referenceCharacters)
        else { return nil }
        return url.replacingOccurrences(of: "{ticket}", with: encoded)
    }

    /// What a reference may keep as it is in a URL: RFC 3986's unreserved characters.
    static let referenceCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

/// Where and how attempts reports are written (`reports`, §4.4).
public struct ReportSettings: Sendable, Hashable {
    /// A folder (absolute path) where each report is also written as files; `nil`: database only.
    public var dir: String?
    /// The language of the shipped templates.
    public var locale: Language
    /// A folder (absolute path) of templates overriding the shipped ones; `nil`: shipped only.
    public var templates: String?

    /// The language reports are written in (`reports.locale`).
    public enum Language: String, Sendable, Hashable, CaseIterable {
        /// Brazilian Portuguese (the default).
        case ptBR = "pt-BR"
        /// English.
        case en
    }

    /// Report settings: database only, pt-BR, shipped templates by default.
    public init(dir: String? = nil, locale: Language = .ptBR, templates: String? = nil) {
        self.dir = dir
        self.locale = locale
        self.templates = templates
    }
}
