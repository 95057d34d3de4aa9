import FollowupConfig
import FollowupCore
import Foundation
import Testing

/// Parses configuration text as if it were `/etc/followupd/followupd.yaml`.
func parse(_ yaml: String, base: String = "/etc/followupd", environment: [String: String] = [:])
    throws(ConfigurationError) -> Configuration
{
    try Configuration.parse(yaml: yaml, baseDirectory: base, environment: environment)
}

/// The error parsing `yaml` throws, or `nil` (recorded as a failure) when it parses.
func refusal(_ yaml: String, base: String = "/etc/followupd", environment: [String: String] = [:])
    -> ConfigurationError?
{
    #expect(throws: ConfigurationError.self) { try parse(yaml, base: base, environment: environment) }
}

@Suite("Configuration values")
struct ConfigurationTests {
    @Test("an empty document loads with every default", arguments: ["", "{}", "# only a comment\n", "~", "---\n"])
    func emptyDocumentGivesDefaults(yaml: String) throws {
        let configuration = try parse(yaml)
        #expect(configuration == Configuration.default)
        #expect(configuration.storage == .sqlite(path: "/var/lib/followupd/followupd.sqlite"))
        #expect(configuration.control.socket == "/run/followupd/control.sock")
        #expect(configuration.control.mode == 0o660)
        #expect(configuration.control.group == nil)
        #expect(configuration.control.readers == ["followupd"])
        #expect(configuration.control.admins == ["followupd-admin"])
        #expect(configuration.metrics == nil)
        #expect(configuration.policy == CasePolicy.standard)
        #expect(configuration.policy.resendAfter == .time(seconds: 24 * 3600))
        #expect(configuration.policy.reportAfter == .time(seconds: 72 * 3600))
        #expect(configuration.priority == PriorityOverrides())
        #expect(configuration.calendar.kind == .continuous)
        #expect(configuration.calendar.timeZone.identifier == "America/Sao_Paulo")
        #expect(configuration.calendar.hours == WorkingHours(start: 480, end: 1080))
        #expect(configuration.calendar.days == [.mon, .tue, .wed, .thu, .fri])
        #expect(configuration.calendar.holidays == [.brNational])
        #expect(configuration.notifications.maxAttempts == 12)
        #expect(configuration.notifications.retryInitial == .seconds(5))
        #expect(configuration.notifications.retryMax == .seconds(7200))
        #expect(configuration.notifications.timeout == .seconds(15))
        #expect(configuration.notifications.digestThreshold == 20)
        #expect(configuration.notifications.maxReminders == 3)
        #expect(configuration.mail.transport == .maildir)
        #expect(configuration.mail.maildir == "/var/spool/followupd/outbox")
        #expect(configuration.mail.sendmail == "/usr/sbin/sendmail")
        #expect(configuration.mail.from == "Suporte <suporte@localhost>")
        #expect(configuration.webhooks.isEmpty)
        #expect(configuration.leaders.isEmpty && configuration.owners.isEmpty && configuration.partners.isEmpty)
        #expect(configuration.inbound == nil)
        #expect(configuration.reports == ReportSettings(dir: nil, locale: .ptBR, templates: nil))
        #expect(configuration.log == LogSettings(target: .auto, level: .info))
    }

    @Test("empty sections and null values keep the defaults")
    func emptySectionsKeepDefaults() throws {
        let configuration = try parse(
            """
            storage: {}
            control:
            policy: { priority: {} }
            calendar: {}
            notifications: {}
            mail: { from: ~ }
            reports: {}
            log: {}
            """)
        #expect(configuration == Configuration.default)
    }

    static let fullFile = """
        storage:
          url: postgres://followupd@db/followupd
        control:
          socket: /run/fu/ctl.sock
          mode: "0640"
          group: desk
          readers: ["*"]
          admins: [leaders, ops]
        metrics:
          listen: "[::1]:9100"
        policy:
          timezone: America/Manaus
          calendar: business
          resend_after: 8h
          max_resends: 2
          report_after: 3d
          owner_reminder_after: 12h
          client_reminder_after: 2d
          deadline_warning: 0
          ack_within: 90m
          cancellation_contact_within: 1d
          report_to_client: auto
          max_owner_reminders: 3
          close_returned_after: 14d
          priority: { resend_after: 4h, max_resends: 3, report_after: 16h, owner_reminder_after: 6h,
                      client_reminder_after: 1d, deadline_warning: 48h }
        calendar:
          hours: "09:00-17:30"
          days: [Mon, tue, wed, thu, fri, sat]
          holidays: [br-national, br-optional, 2026-12-24, "2026-12-31"]
        notifications:
          max_attempts: 5
          retry_initial: 30s
          retry_max: 1h
          timeout: 20s
          digest_threshold: 50
          max_reminders: 0
        mail:
          transport: sendmail
          maildir: /srv/spool/out
          sendmail: /usr/lib/sendmail
          from: "Desk <desk@example.com>"
        webhooks:
          teams: { url: "https://example.webhook.office.com/x", format: teams }
          audit: { url: "http://127.0.0.1:8080/hook", format: standard, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }
          chat: { url: "https://hooks.slack.example/T1", format: slack }
        leaders:
          - { name: Ana, email: ana@example.com, webhooks: [teams, audit], ops: true }
          - { name: Bruno, webhooks: [chat] }
        owners:
          - { name: Joana, email: joana@example.com, leader: ana, phone: true, webhooks: [chat] }
          - { name: Pedro }
        partners:
          - name: SIEG
            emails: [suporte@sieg.example, n2@sieg.example]
            domains: [SIEG.example, mail.sieg.com.br]
            calendar: { hours: "09:00-17:00" }
          - { name: Fiscosoft }
        inbound:
          maildir: /var/spool/followupd/inbox
          default_kind: ack
          rescan: 1m
        reports:
          dir: /var/lib/followupd/reports
          locale: en
          templates: /etc/followupd/templates
        log:
          target: journal
          level: debug
        """

    @Test("a file naming every key gives every value")
    func fullFile() throws {
        let configuration = try parse(Self.fullFile)
        #expect(configuration.storage == .postgres(url: "postgres://followupd@db/followupd", passwordFile: nil))
        #expect(
            configuration.control
                == ControlSettings(
                    socket: "/run/fu/ctl.sock", mode: 0o640, group: "desk", readers: ["*"], admins: ["leaders", "ops"]))
        #expect(configuration.metrics == MetricsSettings(host: "::1", port: 9100))
        #expect(configuration.metrics?.description == "[::1]:9100")
        #expect(
            configuration.policy
                == CasePolicy(
                    resendAfter: .time(seconds: 8 * 3600), maxResends: 2, reportAfter: .days(3),
                    ownerReminderAfter: .time(seconds: 12 * 3600), clientReminderAfter: .days(2),
                    deadlineWarning: .zero,
                    ackWithin: .time(seconds: 90 * 60), cancellationContactWithin: .days(1), reportToClient: .auto,
                    maxOwnerReminders: 3, closeReturnedAfter: .days(14)))
        #expect(
            configuration.priority
                == PriorityOverrides(
                    resendAfter: .time(seconds: 4 * 3600), maxResends: 3, reportAfter: .time(seconds: 16 * 3600),
                    ownerReminderAfter: .time(seconds: 6 * 3600), clientReminderAfter: .days(1),
                    deadlineWarning: .time(seconds: 48 * 3600)))
        #expect(configuration.calendar.kind == .business)
        #expect(configuration.calendar.timeZone.identifier == "America/Manaus")
        #expect(configuration.calendar.hours == WorkingHours(start: 540, end: 1050))
        #expect(configuration.calendar.days == [.mon, .tue, .wed, .thu, .fri, .sat])
        #expect(
            configuration.calendar.holidays == [
                .brNational, .brOptional, .date(year: 2026, month: 12, day: 24), .date(year: 2026, month: 12, day: 31),
            ])
        #expect(
            configuration.notifications
                == NotificationSettings(
                    maxAttempts: 5, retryInitial: .seconds(30), retryMax: .seconds(3600), timeout: .seconds(20),
                    digestThreshold: 50, maxReminders: 0))
        #expect(
            configuration.mail
                == MailSettings(
                    transport: .sendmail, maildir: "/srv/spool/out", sendmail: "/usr/lib/sendmail",
                    from: "Desk <desk@example.com>"))
        #expect(
            configuration.webhooks == [
                "teams": WebhookSettings(url: "https://example.webhook.office.com/x", format: .teams),
                "audit": WebhookSettings(
                    url: "http://127.0.0.1:8080/hook", format: .standard,
                    secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                "chat": WebhookSettings(url: "https://hooks.slack.example/T1", format: .slack),
            ])
        #expect(
            configuration.leaders == [
                Leader(name: "Ana", email: "ana@example.com", webhooks: ["teams", "audit"], ops: true),
                Leader(name: "Bruno", webhooks: ["chat"]),
            ])
        // The owner's leader is written "ana": it is stored as the leaders section spells it.
        #expect(
            configuration.owners == [
                Owner(name: "Joana", email: "joana@example.com", leader: "Ana", phone: true, webhooks: ["chat"]),
                Owner(name: "Pedro"),
            ])
        #expect(configuration.partners.map(\.name) == ["SIEG", "Fiscosoft"])
        #expect(configuration.partners[0].emails == ["suporte@sieg.example", "n2@sieg.example"])
        #expect(configuration.partners[0].domains == ["sieg.example", "mail.sieg.com.br"], "lower case")
        #expect(configuration.partners[1].calendar == nil)
        #expect(configuration.partners[1].domains.isEmpty)
        #expect(
            configuration.inbound
                == InboundSettings(maildir: "/var/spool/followupd/inbox", defaultKind: .ack, rescan: .seconds(60)))
        #expect(
            configuration.reports
                == ReportSettings(dir: "/var/lib/followupd/reports", locale: .en, templates: "/etc/followupd/templates")
        )
        #expect(configuration.log == LogSettings(target: .journal, level: .debug))
    }

    @Test("retention ages are read, and keep everything by default")
    func retention() throws {
        #expect(try parse("").retention == RetentionSettings())
        #expect(try parse("").retention.isActive == false)
        let configuration = try parse("retention: { closed_cases: 730d, inbound_mail: 90d, reports: 48h }")
        #expect(
            configuration.retention
                == RetentionSettings(
                    closedCases: .days(730), inboundMail: .days(90), reports: .time(seconds: 48 * 3600)))
        #expect(configuration.retention.isActive)
    }

    @Test("the web section: off by default, every key read, the secret from its file")
    func web() throws {
        #expect(try parse("").web == nil)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "s3cr3t\n".write(to: folder.appendingPathComponent("oidc.secret"), atomically: true, encoding: .utf8)
        let configuration = try parse(
            """
            web:
              listen: "[::1]:8443"
              public_url: https://followup.example.com/
              session_ttl: 8h
              local_accounts: false
              ack_links_ttl: 2d
              oidc:
                issuer: https://login.example.com/realms/desk/
                client_id: followupd
                client_secret_file: oidc.secret
                roles_claim: groups
                roles: { technician: [desk], leader: [desk-leaders] }
            """, base: folder.path)
        let web = try #require(configuration.web)
        #expect(web.listen == MetricsSettings(host: "::1", port: 8443))
        #expect(web.publicURL == "https://followup.example.com", "the final slash is dropped")
        #expect(web.isSecure && web.baseURL == "https://followup.example.com")
        #expect(web.sessionTTL == .seconds(8 * 3600) && web.ackLinksTTL == .seconds(2 * 86_400))
        #expect(!web.localAccounts)
        let oidc = try #require(web.oidc)
        #expect(oidc.issuer == "https://login.example.com/realms/desk" && oidc.clientID == "followupd")
        #expect(oidc.clientSecret == "s3cr3t" && oidc.loginClaim == "preferred_username")
        #expect(!"\(configuration)".contains("s3cr3t"), "the secret never reaches a log line")
        #expect(oidc.rolesClaim == "groups" && oidc.roles == ["technician": ["desk"], "leader": ["desk-leaders"]])
        let plain = try #require(try parse("web: { listen: '127.0.0.1:8080' }").web)
        #expect(plain.baseURL == "http://127.0.0.1:8080" && !plain.isSecure && plain.localAccounts)
        #expect(plain.sessionTTL == .seconds(12 * 3600) && plain.ackLinksTTL == .seconds(7 * 86_400))
    }

    @Test("lookups by name ignore case")
    func lookups() throws {
        let configuration = try parse(Self.fullFile)
        #expect(configuration.owner(named: "JOANA")?.email == "joana@example.com")
        #expect(configuration.leader(named: "bruno")?.webhooks == ["chat"])
        #expect(configuration.partner(named: "sieg")?.emails.count == 2)
        #expect(configuration.owner(named: "Ana") == nil)
        #expect(configuration.leader(named: "Joana") == nil)
        #expect(configuration.partner(named: "Nobody") == nil)
    }

    @Test("the desk's identity and the people's logins and numbers, for the client's report")
    func deskIdentity() throws {
        let configuration = try parse(
            """
            desk: { company: Domínio Sistemas, email: suporte@dominio.example, phone: "+55 11 4004-0000" }
            leaders:
              - { name: Ana Lima, login: ana.lima }
            owners:
              - { name: Joana Prado, login: joana.prado, phone_number: "(11) 4004-0012", phone: true }
            """)
        #expect(
            configuration.desk
                == DeskSettings(
                    company: "Domínio Sistemas", email: "suporte@dominio.example", phone: "+55 11 4004-0000"))
        let owner = try #require(configuration.owner(named: "joana.prado"), "an owner is found by login too")
        #expect(owner.name == "Joana Prado" && owner.phoneNumber == "(11) 4004-0012" && owner.phone)
        #expect(configuration.leaders.first?.login == "ana.lima")
        #expect(configuration.owner(named: "root") == nil)
        #expect(try parse("").desk == DeskSettings())
    }

    @Test("the groups of each role, and people known by their logins")
    func rolesAndLogins() throws {
        let configuration = try parse(
            """
            control: { readers: [r], technicians: [t1, t2], leaders: [l], admins: [a] }
            leaders:
              - { name: Ana Lima }
            owners:
              - { name: José Prado, login: jprado }
              - { name: Maria Ção }
            """)
        #expect(configuration.control.technicians == ["t1", "t2"])
        #expect(configuration.control.leaders == ["l"])
        #expect(configuration.person(withLogin: "jprado") == "José Prado")
        #expect(configuration.person(withLogin: "mariacao") == "Maria Ção", "the default login")
        #expect(configuration.person(withLogin: "analima") == "Ana Lima")
        #expect(configuration.person(withLogin: "root") == nil)
        #expect(try parse("").control.technicians.isEmpty)
    }

    @Test("the capture address, the desk's people by address and the ticket links")
    func captureAndTickets() throws {
        let configuration = try parse(
            """
            inbound: { maildir: /var/spool/in, capture_address: captura@desk.example }
            tickets: { url: "https://ssc.example/ssc/{ticket}?view=1", name: SSC }
            leaders:
              - { name: Ana Lima, email: ana@desk.example }
            owners:
              - { name: Joana Prado, email: Joana@Desk.example }
            partners:
              - { name: SIEG, emails: [suporte@sieg.example], domains: [sieg.com.br] }
              - { name: Gmail user, emails: [parceiro@gmail.com] }
            """)
        #expect(configuration.inbound?.captureAddress == "captura@desk.example")
        #expect(configuration.person(withAddress: "joana@desk.EXAMPLE")?.name == "Joana Prado")
        #expect(configuration.person(withAddress: "joana@desk.example")?.isOwner == true)
        #expect(configuration.person(withAddress: "ana@desk.example")?.isOwner == false)
        #expect(configuration.person(withAddress: "outro@desk.example") == nil)
        #expect(configuration.partner(forAddress: "Suporte@SIEG.example")?.name == "SIEG")
        #expect(configuration.partner(forAddress: "nfe@sieg.com.br")?.name == "SIEG")
        #expect(configuration.partner(forAddress: "parceiro@gmail.com")?.name == "Gmail user")
        #expect(configuration.partner(forAddress: "outro@gmail.com") == nil)
        #expect(configuration.tickets.link(for: "SSC-1234") == "https://ssc.example/ssc/SSC-1234?view=1")
        #expect(configuration.tickets.link(for: "SSC 12/3") == "https://ssc.example/ssc/SSC%2012%2F3?view=1")
        #expect(configuration.tickets.link(for: nil) == nil)
        #expect(try parse("").tickets.link(for: "SSC-1") == nil)
    }

    @Test("a control mode is octal however it is written", arguments: ["\"0660\"", "0660", "660", "\"0o660\""])
    func controlModeIsOctal(written: String) throws {
        #expect(try parse("control: { mode: \(written) }").control.mode == 0o660)
    }

    @Test(
        "metrics listen on loopback only",
        arguments: [
            ("127.0.0.1:9464", "127.0.0.1", 9464), ("[::1]:9464", "::1", 9464), ("127.8.9.10:1", "127.8.9.10", 1),
            ("localhost:9100", "localhost", 9100), ("[::ffff:127.0.0.1]:9464", "::ffff:127.0.0.1", 9464),
        ] as [(String, String, UInt16)])
    func metricsLoopback(listen: String, host: String, port: UInt16) throws {
        #expect(try parse("metrics: { listen: \"\(listen)\" }").metrics == MetricsSettings(host: host, port: port))
    }

    @Test(
        "a From header may be a bare address or Name <address>",
        arguments: ["desk@example.com", "Suporte <suporte@example.com>", "Suporte Técnico (N1) <n1@example.com>"])
    func mailFrom(from: String) throws {
        #expect(try parse("mail: { from: \"\(from)\" }").mail.from == from)
    }

    @Test("metrics present without listen use 127.0.0.1:9464")
    func metricsDefaultListener() throws {
        #expect(try parse("metrics: {}").metrics == MetricsSettings(host: "127.0.0.1", port: 9464))
    }

    @Test("priority overrides apply only to priority cases")
    func priorityOverrides() throws {
        let configuration = try parse(
            """
            policy:
              resend_after: 24h
              report_after: 72h
              owner_reminder_after: 24h
              priority: { resend_after: 8h, report_after: 48h }
            """)
        #expect(
            configuration.priority
                == PriorityOverrides(resendAfter: .time(seconds: 8 * 3600), reportAfter: .time(seconds: 48 * 3600)))
        let normal = configuration.policy(priority: false)
        #expect(normal.resendAfter == .time(seconds: 24 * 3600))
        #expect(normal.reportAfter == .time(seconds: 72 * 3600))
        let priority = configuration.policy(priority: true)
        #expect(priority.resendAfter == .time(seconds: 8 * 3600))
        #expect(priority.reportAfter == .time(seconds: 48 * 3600))
        #expect(priority.ownerReminderAfter == .time(seconds: 24 * 3600))
        #expect(priority.maxResends == normal.maxResends)
    }

    @Test("without overrides a priority case uses the policy")
    func noPriorityOverrides() throws {
        let configuration = try parse("policy: { resend_after: 12h }")
        #expect(configuration.policy(priority: true) == configuration.policy(priority: false))
        #expect(configuration.policy(priority: true).resendAfter == .time(seconds: 12 * 3600))
    }

    @Test("a partner's calendar overrides the fields it names and inherits the rest")
    func partnerCalendarInheritance() throws {
        let configuration = try parse(
            """
            policy: { timezone: America/Recife, calendar: business }
            calendar: { hours: "08:00-18:00", days: [mon, tue, wed, thu, fri], holidays: [br-national, "2026-12-24"] }
            partners:
              - { name: SIEG, calendar: { hours: "09:00-17:00" } }
              - { name: Lisboa, calendar: { timezone: Europe/Lisbon, kind: continuous, days: [mon, tue],
                                            holidays: [] } }
              - { name: Plain }
            """)
        let global = configuration.calendar
        #expect(global.kind == .business)
        #expect(global.timeZone.identifier == "America/Recife")

        let sieg = configuration.calendar(forPartner: "sieg")
        #expect(sieg.hours == WorkingHours(start: 540, end: 1020))
        #expect(sieg.kind == .business)
        #expect(sieg.timeZone.identifier == "America/Recife")
        #expect(sieg.days == global.days)
        #expect(sieg.holidays == [.brNational, .date(year: 2026, month: 12, day: 24)])

        let lisboa = configuration.calendar(forPartner: "Lisboa")
        #expect(lisboa.timeZone.identifier == "Europe/Lisbon")
        #expect(lisboa.kind == .continuous)
        #expect(lisboa.days == [.mon, .tue])
        #expect(lisboa.holidays.isEmpty)
        #expect(lisboa.hours == global.hours)

        #expect(configuration.partner(named: "Plain")?.calendar == nil)
        #expect(configuration.calendar(forPartner: "Plain") == global)
        #expect(configuration.calendar(forPartner: "Unknown") == global)
    }

    @Test("a reload is refused when storage or control change, and allowed otherwise")
    func reloadRefusal() throws {
        let running = try parse(Self.fullFile)
        #expect(try parse(Self.fullFile).reloadRefusal(comparedTo: running) == nil)

        var policyChanged = running
        policyChanged.policy.resendAfter = .time(seconds: 3600)
        policyChanged.leaders.append(Leader(name: "Carla"))
        policyChanged.log.level = .trace
        #expect(policyChanged.reloadRefusal(comparedTo: running) == nil)

        var storageChanged = running
        storageChanged.storage = .sqlite(path: "/var/lib/followupd/other.sqlite")
        #expect(storageChanged.reloadRefusal(comparedTo: running) == "storage changed: restart required")

        var controlChanged = running
        controlChanged.control.admins.append("root")
        #expect(controlChanged.reloadRefusal(comparedTo: running) == "control changed: restart required")

        var socketChanged = running
        socketChanged.control.socket = "/run/other.sock"
        #expect(socketChanged.reloadRefusal(comparedTo: running) == "control changed: restart required")
    }

    @Test("describing a configuration never shows a webhook secret")
    func secretsAreHidden() throws {
        let configuration = try parse(Self.fullFile)
        let secret = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        #expect(!String(describing: configuration).contains(secret))
        #expect(!String(reflecting: configuration).contains(secret))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains(secret))
        #expect(dumped.contains("<hidden>"))
        #expect(configuration.webhooks["audit"]?.secret?.hasSuffix(secret) == true)
    }

    @Test("an error describes itself as key: message")
    func errorDescription() {
        let error = ConfigurationError(key: "policy.resend_after", message: "must be greater than 0")
        #expect(error.description == "policy.resend_after: must be greater than 0")
        #expect("\(error)" == "policy.resend_after: must be greater than 0")
    }
}
