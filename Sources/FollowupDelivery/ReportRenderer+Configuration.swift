import FollowupConfig
import FollowupCore
import FollowupReports

extension ReportRenderer {
    /// The renderer `configuration` asks for: `reports.locale`, `reports.templates`, the
    /// ticket links (`tickets.url`, in the desk's report) and the desk's time zone
    /// (`policy.timezone`).
    ///
    /// - Throws: ``FollowupError`` naming the template file at fault.
    public init(for configuration: Configuration) throws(FollowupError) {
        try self.init(
            language: DeskLanguage(rawValue: configuration.reports.locale.rawValue) ?? .ptBR,
            templatesDirectory: configuration.reports.templates, timeZone: configuration.calendar.timeZone)
        let tickets = configuration.tickets
        if tickets.url != nil { ticketLink = { tickets.link(for: $0) } }
    }
}
