import FollowupCore

/// How long the daemon keeps data before erasing it in the background (`retention`, §6.10);
/// each age is wall-clock time, zero keeps for ever (the default).
public struct RetentionSettings: Sendable, Hashable {
    /// Closed cases, counted from their last change, are erased as `followupctl erase` does.
    public var closedCases: WorkDuration
    /// Copies of inbound mail in the inbound Maildir (`cur/`, `failed/`), by file age.
    public var inboundMail: WorkDuration
    /// Report files under `reports.dir`, by file age (the database keeps its reports).
    public var reports: WorkDuration

    public init(closedCases: WorkDuration = .zero, inboundMail: WorkDuration = .zero, reports: WorkDuration = .zero) {
        self.closedCases = closedCases
        self.inboundMail = inboundMail
        self.reports = reports
    }

    /// Whether anything is ever erased.
    public var isActive: Bool { !(closedCases.isZero && inboundMail.isZero && reports.isZero) }
}

extension ConfigurationReader {
    /// `retention`: `closed_cases`, `inbound_mail`, `reports`, each a duration (0 keeps).
    func retention(_ node: ConfigurationNode) throws(ConfigurationError) -> RetentionSettings {
        let map = try node.mapping(known: ["closed_cases", "inbound_mail", "reports"])
        var settings = RetentionSettings()
        if let node = map["closed_cases"] { settings.closedCases = try node.duration() }
        if let node = map["inbound_mail"] { settings.inboundMail = try node.duration() }
        if let node = map["reports"] { settings.reports = try node.duration() }
        return settings
    }
}
