import FollowupCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// Reading the sections about the daemon itself and its policy.
extension ConfigurationReader {
    // MARK: storage, control, metrics

    /// `storage`: `path` (SQLite) or `url` (PostgreSQL, with `password_file`), not both; neither
    /// gives the default SQLite file.
    func storage(_ node: ConfigurationNode) throws(ConfigurationError) -> StorageSettings {
        let map = try node.mapping(known: ["path", "url", "password_file"])
        switch (map["path"], map["url"]) {
        case (.some, .some):
            throw node.error("path and url are exclusive: give path (SQLite) or url (PostgreSQL), not both")
        case (.some(let path), nil):
            if let passwordFile = map["password_file"] {
                throw passwordFile.error("only used with url (PostgreSQL)")
            }
            return .sqlite(path: files.resolve(try path.nonEmptyText()))
        case (nil, .some(let url)):
            let text = try url.nonEmptyText()
            guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
                throw url.error("\"\(text)\" is not a PostgreSQL URL: write postgres://USER@HOST/DATABASE")
            }
            var passwordFile: String?
            if let node = map["password_file"] {
                let path = files.resolveSecret(try node.nonEmptyText())
                _ = try readSecretFile(path, at: node)
                passwordFile = path
            }
            return .postgres(url: text, passwordFile: passwordFile)
        case (nil, nil):
            if let passwordFile = map["password_file"] {
                throw passwordFile.error("only used with url (PostgreSQL)")
            }
            return .default
        }
    }

    /// `control`: the socket, its mode and group, and the groups of each role.
    func control(_ node: ConfigurationNode) throws(ConfigurationError) -> ControlSettings {
        let map = try node.mapping(known: ["socket", "mode", "group", "readers", "technicians", "leaders", "admins"])
        var control = ControlSettings()
        if let node = map["socket"] {
            control.socket = files.resolve(try node.nonEmptyText())
            // sockaddr_un.sun_path holds 108 bytes, the terminating NUL included.
            if control.socket.utf8.count > 107 {
                throw node.error(
                    "\"\(control.socket)\" is \(control.socket.utf8.count) bytes long; a Unix socket path holds at most 107"
                )
            }
        }
        if let node = map["mode"] {
            let text = try node.nonEmptyText(expected: "an octal mode such as \"0660\"")
            let digits = text.hasPrefix("0o") ? text.dropFirst(2) : Substring(text)
            guard !digits.isEmpty, digits.allSatisfy({ ("0"..."7").contains($0) }),
                let mode = UInt16(digits, radix: 8), mode <= 0o777
            else {
                throw node.error("\"\(text)\" is not a permission mode: write octal digits such as \"0660\"")
            }
            control.mode = mode
        }
        if let node = map["group"] { control.group = try node.nonEmptyText() }
        if let node = map["readers"] { control.readers = try node.textList() }
        if let node = map["admins"] { control.admins = try node.textList() }
        if let node = map["technicians"] { control.technicians = try node.textList() }
        if let node = map["leaders"] { control.leaders = try node.textList() }
        return control
    }

    /// `metrics`: the `listen` address, which must be a loopback one.
    func metrics(_ node: ConfigurationNode) throws(ConfigurationError) -> MetricsSettings {
        let map = try node.mapping(known: ["listen"])
        guard let listen = map["listen"] else { return .default }
        return try address(listen, example: "127.0.0.1:9464", loopbackOnly: true)
    }

    /// A TCP listener's `HOST:PORT` (`[::1]:PORT` for IPv6); with `loopbackOnly`, a loopback host.
    func address(_ listen: ConfigurationNode, example: String, loopbackOnly: Bool) throws(ConfigurationError)
        -> MetricsSettings
    {
        let text = try listen.nonEmptyText(expected: "an address such as \(example)")
        let host: Substring
        let port: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw listen.error("\"\(text)\" has no port: write \(example)") }
            port = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        } else {
            throw listen.error(
                "\"\(text)\" is not HOST:PORT: write \(example) or [::1]:\(example.split(separator: ":").last ?? "")")
        }
        guard let number = UInt16(port), number > 0 else {
            throw listen.error("\"\(port)\" is not a TCP port (1-65535)")
        }
        guard !host.isEmpty else { throw listen.error("\"\(text)\" has no host: write \(example)") }
        guard !loopbackOnly || Self.isLoopback(String(host)) else {
            throw listen.error(
                "\"\(host)\" is not a loopback address: /metrics and /healthz have no authentication, "
                    + "so they listen on 127.0.0.1, [::1] or localhost only")
        }
        return MetricsSettings(host: String(host), port: number)
    }

    /// Whether `host` is `localhost`, an IPv4 address in 127.0.0.0/8, `::1`, or `::ffff:127.x.y.z`.
    static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            return withUnsafeBytes(of: &ipv4) { $0[0] == 127 }
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, host, &ipv6) == 1 {
            return withUnsafeBytes(of: &ipv6) { bytes in
                let loopback = bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1
                let mapped = bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
                return loopback || (mapped && bytes[12] == 127)
            }
        }
        return false
    }

    // MARK: policy and calendar

    /// `policy`: the durations of §3, the global calendar's kind and zone, and `priority`;
    /// checked with `CasePolicy.problems`, also with the priority overrides applied.
    func policy(_ node: ConfigurationNode, into configuration: inout Configuration) throws(ConfigurationError) {
        let map = try node.mapping(known: [
            "timezone", "calendar", "resend_after", "max_resends", "report_after", "owner_reminder_after",
            "client_reminder_after", "deadline_warning", "ack_within", "cancellation_contact_within",
            "report_to_client", "priority", "max_owner_reminders", "close_returned_after",
        ])
        if let node = map["timezone"] { configuration.calendar.timeZone = try timeZone(node) }
        if let node = map["calendar"] {
            configuration.calendar.kind = try node.oneOf([CalendarKind.continuous, .business])
        }
        var policy = CasePolicy.standard
        if let node = map["resend_after"] { policy.resendAfter = try node.duration() }
        if let node = map["max_resends"] { policy.maxResends = try node.int() }
        if let node = map["report_after"] { policy.reportAfter = try node.duration() }
        if let node = map["owner_reminder_after"] { policy.ownerReminderAfter = try node.duration() }
        if let node = map["client_reminder_after"] { policy.clientReminderAfter = try node.duration() }
        if let node = map["deadline_warning"] { policy.deadlineWarning = try node.duration() }
        if let node = map["ack_within"] { policy.ackWithin = try node.duration() }
        if let node = map["cancellation_contact_within"] { policy.cancellationContactWithin = try node.duration() }
        if let node = map["max_owner_reminders"] { policy.maxOwnerReminders = try node.int() }
        if let node = map["close_returned_after"] { policy.closeReturnedAfter = try node.duration() }
        if let node = map["report_to_client"] {
            policy.reportToClient = try node.oneOf([CasePolicy.ReportAudience.owner, .auto])
        }
        if let problem = policy.problems(prefix: "policy.").first {
            throw ConfigurationError(key: problem.key, message: problem.message)
        }
        configuration.policy = policy
        if let node = map["priority"] {
            let overrides = try priority(node)
            if let problem = overrides.applied(to: policy).problems(prefix: "policy.priority.").first {
                throw ConfigurationError(
                    key: problem.key, message: problem.message + " (with priority overrides applied)")
            }
            configuration.priority = overrides
        }
    }

    /// `policy.priority`: the durations that replace the policy's for priority cases.
    func priority(_ node: ConfigurationNode) throws(ConfigurationError) -> PriorityOverrides {
        let map = try node.mapping(known: [
            "resend_after", "max_resends", "report_after", "owner_reminder_after", "client_reminder_after",
            "deadline_warning",
        ])
        var overrides = PriorityOverrides()
        if let node = map["resend_after"] { overrides.resendAfter = try node.duration() }
        if let node = map["max_resends"] { overrides.maxResends = try node.int() }
        if let node = map["report_after"] { overrides.reportAfter = try node.duration() }
        if let node = map["owner_reminder_after"] { overrides.ownerReminderAfter = try node.duration() }
        if let node = map["client_reminder_after"] { overrides.clientReminderAfter = try node.duration() }
        if let node = map["deadline_warning"] { overrides.deadlineWarning = try node.duration() }
        return overrides
    }

    /// A time zone identifier of the tz database (`America/Sao_Paulo`).
    func timeZone(_ node: ConfigurationNode) throws(ConfigurationError) -> TimeZone {
        let identifier = try node.nonEmptyText(expected: "a time zone such as America/Sao_Paulo")
        guard let zone = TimeZone(identifier: identifier) else {
            throw node.error("unknown time zone \"\(identifier)\": write a tz database name such as America/Sao_Paulo")
        }
        return zone
    }

    /// The fields a `calendar` map names, written over `calendar` (the global calendar's
    /// `hours`, `days`, `holidays`; a partner's may also name `timezone` and `kind`).
    func calendar(_ map: ConfigurationMapping, into calendar: inout CalendarSettings) throws(ConfigurationError) {
        if let node = map["hours"] {
            let text = try node.nonEmptyText(expected: "working hours such as \"08:00-18:00\"")
            guard let hours = WorkingHours(parsing: text) else {
                throw node.error(
                    "\"\(text)\" is not a span of working hours: write HH:MM-HH:MM with the start before the end, "
                        + "such as \"08:00-18:00\"")
            }
            calendar.hours = hours
        }
        if let node = map["days"] {
            var days: Set<Weekday> = []
            for item in try node.sequence() {
                let text = try item.nonEmptyText(expected: "a day such as mon")
                guard let day = Weekday(rawValue: text.lowercased()) else {
                    let names = Weekday.allCases.map(\.rawValue).joined(separator: ", ")
                    throw item.error("\"\(text)\" is not a day of the week: write one of \(names)")
                }
                days.insert(day)
            }
            guard !days.isEmpty else { throw node.error("must name at least one business day") }
            calendar.days = days
        }
        if let node = map["holidays"] {
            var holidays: [HolidayRule] = []
            for item in try node.sequence() {
                let text = try item.nonEmptyText(expected: "a holiday entry such as br-national")
                guard let rule = HolidayRule(parsing: text) else {
                    throw item.error(
                        "unknown holiday entry \"\(text)\": write br-national, br-optional or a date YYYY-MM-DD")
                }
                if !holidays.contains(rule) { holidays.append(rule) }
            }
            calendar.holidays = holidays
        }
        if let node = map["timezone"] { calendar.timeZone = try timeZone(node) }
        if let node = map["kind"] { calendar.kind = try node.oneOf([CalendarKind.continuous, .business]) }
    }

    // MARK: notifications, mail, inbound, reports, log

    /// `notifications`: retries, time-out and folding (§4.1).
    func notifications(_ node: ConfigurationNode) throws(ConfigurationError) -> NotificationSettings {
        let map = try node.mapping(known: [
            "max_attempts", "retry_initial", "retry_max", "timeout", "digest_threshold", "max_reminders",
        ])
        var settings = NotificationSettings()
        if let node = map["max_attempts"] {
            settings.maxAttempts = try node.int()
            guard settings.maxAttempts >= 1 else { throw node.error("must be at least 1") }
        }
        if let node = map["retry_initial"] { settings.retryInitial = try node.positiveWallDuration() }
        if let node = map["retry_max"] { settings.retryMax = try node.positiveWallDuration() }
        if settings.retryMax < settings.retryInitial {
            throw ConfigurationError(
                key: map.path(of: "retry_max"), message: "must not be shorter than notifications.retry_initial")
        }
        if let node = map["timeout"] { settings.timeout = try node.positiveWallDuration() }
        if let node = map["digest_threshold"] {
            settings.digestThreshold = try node.int()
            guard settings.digestThreshold >= 1 else { throw node.error("must be at least 1") }
        }
        if let node = map["max_reminders"] {
            settings.maxReminders = try node.int()
            guard settings.maxReminders >= 0 else { throw node.error("must be 0 (off) or more") }
        }
        return settings
    }

    /// `mail`: the transport, the spool, `sendmail` and the `From` header (§6.7).
    func mail(_ node: ConfigurationNode) throws(ConfigurationError) -> MailSettings {
        let map = try node.mapping(known: ["transport", "maildir", "sendmail", "from"])
        var mail = MailSettings()
        if let node = map["transport"] { mail.transport = try node.oneOf(MailSettings.Transport.allCases) }
        if let node = map["maildir"] { mail.maildir = files.resolve(try node.nonEmptyText()) }
        if let node = map["sendmail"] { mail.sendmail = try node.nonEmptyText() }
        if let node = map["from"] {
            mail.from = try node.nonEmptyText()
            guard Self.isAddress(Self.mailbox(in: mail.from)) else {
                throw node.error(
                    "\"\(mail.from)\" is not an address: write \"Name <user@example.com>\" or user@example.com")
            }
        }
        return mail
    }

    /// `inbound`: the Maildir of partners' replies (required in the section), the default kind and the rescan.
    func inbound(_ node: ConfigurationNode) throws(ConfigurationError) -> InboundSettings {
        let map = try node.mapping(known: ["maildir", "default_kind", "rescan", "capture_address"])
        var inbound = InboundSettings(maildir: files.resolve(try map.required("maildir").nonEmptyText()))
        if let node = map["default_kind"] { inbound.defaultKind = try node.oneOf(InboundSettings.DefaultKind.allCases) }
        if let node = map["rescan"] { inbound.rescan = try node.positiveWallDuration() }
        if let node = map["capture_address"] { inbound.captureAddress = try address(node) }
        return inbound
    }

    /// `tickets`: the address template of a ticket (`url`, with `{ticket}`) and its name.
    func tickets(_ node: ConfigurationNode) throws(ConfigurationError) -> TicketSettings {
        let map = try node.mapping(known: ["url", "name"])
        var tickets = TicketSettings()
        if let node = map["url"] {
            let url = try node.nonEmptyText(expected: "an address with {ticket} in it")
            let lower = url.lowercased()
            guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), url.contains("{ticket}"),
                URL(string: url.replacingOccurrences(of: "{ticket}", with: "SSC-1")) != nil,
                !url.contains(where: { $0.isWhitespace || "<>|\"\\".contains($0) })
            else {
                throw node.error(
                    "\"\(url)\" is not a ticket address: write https://… with {ticket} where the reference goes, "
                        + "for example https://ssc.example/ssc/{ticket}")
            }
            tickets.url = url
        }
        if let node = map["name"] {
            let name = try node.nonEmptyText(expected: "what the desk calls a ticket, for example SSC")
            guard name.count <= 30, !name.contains(where: \.isNewline) else {
                throw node.error("expected a short name for the desk's tickets (at most 30 characters), like SSC")
            }
            tickets.name = name
        }
        return tickets
    }

    /// `reports`: the optional folder of report files, the language and the templates folder.
    func reports(_ node: ConfigurationNode) throws(ConfigurationError) -> ReportSettings {
        let map = try node.mapping(known: ["dir", "locale", "templates"])
        var reports = ReportSettings()
        if let node = map["dir"] { reports.dir = files.resolve(try node.nonEmptyText()) }
        if let node = map["locale"] { reports.locale = try node.oneOf(ReportSettings.Language.allCases) }
        if let node = map["templates"] { reports.templates = files.resolve(try node.nonEmptyText()) }
        return reports
    }

    /// `log`: target and level.
    func log(_ node: ConfigurationNode) throws(ConfigurationError) -> LogSettings {
        let map = try node.mapping(known: ["target", "level"])
        var log = LogSettings()
        if let node = map["target"] { log.target = try node.oneOf(LogSettings.Target.allCases) }
        if let node = map["level"] { log.level = try node.oneOf(LogSettings.Level.allCases) }
        return log
    }

    /// The address of a `From` value: what is between `<` and `>` in `Name <address>`, else the whole text.
    static func mailbox(in from: String) -> String {
        guard let open = from.lastIndex(of: "<") else { return from }
        return String(from[from.index(after: open)...].prefix { $0 != ">" })
    }

    /// Whether `text` looks like a bare e-mail address: one `@` with something on both sides, no
    /// spaces or angle brackets. (Deliverability is the MTA's business.)
    static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].count >= 1
            && !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," })
    }
}
