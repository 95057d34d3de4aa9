import FollowupCore
import Foundation

/// The daemon's whole configuration: typed, validated, built once at start and on each reload.
///
/// Nothing else in followupd reads configuration files or environment variables: a value of
/// this type is what the rest of the daemon is given. Build one with
/// ``load(contentsOf:environment:)`` or ``parse(yaml:baseDirectory:environment:)``, which refuse
/// anything that §3 and §6.2 of the specification do not allow, or in tests with the
/// initialiser (which does not validate).
///
/// Every path a loaded configuration gives (database, socket, Maildirs, reports, templates,
/// secret files) is absolute: relative paths in the file are resolved against the file's
/// directory. `mail.sendmail` is a program, and is kept as written.
public struct Configuration: Sendable, Equatable {
    /// Where cases, timelines, the outbox and reports are stored (`storage`).
    public var storage: StorageSettings
    /// The control socket and who may use it (`control`).
    public var control: ControlSettings
    /// The loopback listener for `/metrics` and `/healthz`; `nil` when `metrics` is absent.
    public var metrics: MetricsSettings?
    /// The durations that drive a case's timers (`policy`), as used for cases not flagged priority.
    public var policy: CasePolicy
    /// The durations that replace ``policy``'s for priority cases (`policy.priority`; none by default).
    public var priority: PriorityOverrides
    /// The global calendar: kind from `policy.calendar`, zone from `policy.timezone`, hours,
    /// days and holidays from `calendar`.
    public var calendar: CalendarSettings
    /// Retries, time-outs and folding of notifications (`notifications`).
    public var notifications: NotificationSettings
    /// How outgoing mail leaves the daemon (`mail`).
    public var mail: MailSettings
    /// Webhook endpoints by the name that leaders and owners use to refer to them (`webhooks`).
    public var webhooks: [String: WebhookSettings]
    /// The desk's leaders (`leaders`); names are unique, ignoring case.
    public var leaders: [Leader]
    /// The technicians who own cases (`owners`); names are unique, ignoring case, and each
    /// `leader` names one of ``leaders``.
    public var owners: [Owner]
    /// The third parties the desk chases (`partners`); names are unique, ignoring case.
    public var partners: [PartnerSettings]
    /// Reading partners' replies from a Maildir; `nil` when `inbound` is absent.
    public var inbound: InboundSettings?
    /// Where and how attempts reports are written (`reports`).
    public var reports: ReportSettings
    /// Where log entries go and from which level (`log`).
    public var log: LogSettings
    /// Who the desk is, for the client's report (`desk`).
    public var desk: DeskSettings
    /// Links to the desk's ticket system (`tickets`).
    public var tickets: TicketSettings
    /// How long data is kept before it is erased in the background (`retention`, §6.10).
    public var retention = RetentionSettings()
    /// The web application (§6.9); `nil` when `web` is absent (off by default).
    public var web: WebSettings?

    /// A configuration from its parts; every part defaults to what an empty file gives.
    ///
    /// This initialiser checks nothing: use the loaders for configuration that comes from people.
    public init(
        storage: StorageSettings = .default,
        control: ControlSettings = ControlSettings(),
        metrics: MetricsSettings? = nil,
        policy: CasePolicy = .standard,
        priority: PriorityOverrides = PriorityOverrides(),
        calendar: CalendarSettings = .default,
        notifications: NotificationSettings = NotificationSettings(),
        mail: MailSettings = MailSettings(),
        webhooks: [String: WebhookSettings] = [:],
        leaders: [Leader] = [],
        owners: [Owner] = [],
        partners: [PartnerSettings] = [],
        inbound: InboundSettings? = nil,
        reports: ReportSettings = ReportSettings(),
        log: LogSettings = LogSettings(),
        desk: DeskSettings = DeskSettings(),
        tickets: TicketSettings = TicketSettings()
    ) {
        self.storage = storage
        self.control = control
        self.metrics = metrics
        self.policy = policy
        self.priority = priority
        self.calendar = calendar
        self.notifications = notifications
        self.mail = mail
        self.webhooks = webhooks
        self.leaders = leaders
        self.owners = owners
        self.partners = partners
        self.inbound = inbound
        self.reports = reports
        self.log = log
        self.desk = desk
        self.tickets = tickets
    }

    /// What an empty configuration file gives: every default of §6.2, no people, no webhooks.
    public static let `default` = Configuration()

    // MARK: Lookups

    /// The owner with this name, ignoring case, else the one with this login; `nil` when there is none.
    public func owner(named name: String) -> Owner? {
        owners.first { Self.sameName($0.name, name) } ?? owners.first { $0.login == name }
    }

    /// The leader with this name, ignoring case; `nil` when there is none.
    public func leader(named name: String) -> Leader? {
        leaders.first { Self.sameName($0.name, name) }
    }

    /// The login a person signs in with: its `login`, else its name in lower case without
    /// accents and spaces ("Joana Lima" → `joanalima`).
    public static func login(of name: String, configured: String?) -> String {
        configured
            ?? name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
            .filter { !$0.isWhitespace }
    }

    /// The name of the owner, else the leader, whose login is `login` (§6.3): who a peer of
    /// the control socket is, for the `by` of what it records; nil for anybody else.
    public func person(withLogin login: String) -> String? {
        owners.first { Self.login(of: $0.name, configured: $0.login) == login }?.name
            ?? leaders.first { Self.login(of: $0.name, configured: $0.login) == login }?.name
    }

    /// The owner or leader whose `email` is `address` (ignoring case), owners first: one of
    /// the desk's own people; nil for anybody else.
    public func person(withAddress address: String) -> (name: String, isOwner: Bool)? {
        let wanted = address.lowercased()
        guard !wanted.isEmpty else { return nil }
        if let owner = owners.first(where: { $0.email?.lowercased() == wanted }) { return (owner.name, true) }
        if let leader = leaders.first(where: { $0.email?.lowercased() == wanted }) { return (leader.name, false) }
        return nil
    }

    /// The configured partner one of whose `emails` is `address`, or else whose `domains`
    /// hold its domain (never a free-mail one); nil when none.
    public func partner(forAddress address: String) -> PartnerSettings? {
        let wanted = address.lowercased()
        guard let at = wanted.lastIndex(of: "@") else { return nil }
        let domain = String(wanted[wanted.index(after: at)...])
        return partners.first { $0.emails.contains { $0.lowercased() == wanted } }
            ?? (PartnerSettings.isFreeMail(domain)
                ? nil : partners.first { $0.domains.contains { $0.lowercased() == domain } })
    }

    /// The partner with this name, ignoring case; `nil` when there is none.
    public func partner(named name: String) -> PartnerSettings? {
        partners.first { Self.sameName($0.name, name) }
    }

    /// The calendar on which a partner's durations count: its own when it has one (already
    /// merged with the global calendar), otherwise the global ``calendar``.
    ///
    /// An unknown partner gets the global calendar too.
    public func calendar(forPartner name: String) -> CalendarSettings {
        partner(named: name)?.calendar ?? calendar
    }

    /// The policy for a case: ``policy`` with ``priority``'s overrides applied when `priority` is true.
    public func policy(priority isPriority: Bool) -> CasePolicy {
        isPriority ? priority.applied(to: policy) : policy
    }

    // MARK: Reload

    /// Why this (new) configuration cannot replace the running one without a restart, or `nil`
    /// when a reload may apply it.
    ///
    /// The storage and the control socket are opened once at start, so a change to `storage` or
    /// `control` is refused (`"storage changed: restart required"`, checked first, or
    /// `"control changed: restart required"`); everything else may change on reload. Armed
    /// deadlines are not recomputed: a new policy applies from the next cycle.
    public func reloadRefusal(comparedTo running: Configuration) -> String? {
        if storage != running.storage { return "storage changed: restart required" }
        if control != running.control { return "control changed: restart required" }
        if web?.listen != running.web?.listen { return "web.listen changed: restart required" }
        return nil
    }

    /// Whether two people's or partners' names are the same, ignoring case.
    static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        lhs.compare(rhs, options: [.caseInsensitive]) == .orderedSame
    }
}
