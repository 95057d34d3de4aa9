import FollowupConfig
import Foundation
import Testing

/// A configuration that must be refused, the key the error must name and words its message must hold.
struct Refusal: Sendable, CustomTestStringConvertible {
    var yaml: String
    var key: String
    var says: String

    init(_ yaml: String, _ key: String, _ says: String) {
        self.yaml = yaml
        self.key = key
        self.says = says
    }

    var testDescription: String { "\(key) ← \(yaml.replacingOccurrences(of: "\n", with: " ⏎ "))" }
}

@Suite("Configuration refusals")
struct ConfigurationRefusalTests {
    static let longSocket = "/run/" + String(repeating: "s", count: 110) + ".sock"

    static let refusals: [Refusal] = [
        // Unknown keys, named with their full path.
        Refusal(
            "policy: { resend_aftr: 24h }", "policy.resend_aftr", "unknown key; known keys here: ack_within, calendar"),
        Refusal("polcy: {}", "polcy", "did you mean policy?"),
        Refusal("calendar: { timezone: UTC }", "calendar.timezone", "known keys here: days, holidays, hours"),
        Refusal("control: { sockets: /x }", "control.sockets", "unknown key"),
        Refusal("leaders: [{ name: Ana, mail: a@b.c }]", "leaders[0].mail", "unknown key"),
        Refusal("webhooks: { a: { url: 'https://x', secrets: y } }", "webhooks.a.secrets", "unknown key"),
        Refusal("policy: { priority: { ack_within: 1h } }", "policy.priority.ack_within", "unknown key"),
        // Wrong types.
        Refusal("storage: [a]", "storage", "expected a mapping, found a list"),
        Refusal("leaders: { name: Ana }", "leaders", "expected a list, found a mapping"),
        Refusal("mail: { maildir: [a] }", "mail.maildir", "expected a text value, found a list"),
        Refusal("policy: { max_resends: two }", "policy.max_resends", "expected a whole number, found \"two\""),
        Refusal("policy: { max_resends: 1.5 }", "policy.max_resends", "expected a whole number"),
        Refusal("control: { readers: followupd }", "control.readers", "expected a list of text values"),
        Refusal("leaders: [{ name: Ana, ops: maybe }]", "leaders[0].ops", "expected true or false, found \"maybe\""),
        Refusal("owners: [{ name: Jo, phone: 1 }]", "owners[0].phone", "expected true or false"),
        // Who the desk is (the client's report).
        Refusal("desk: { company: '' }", "desk.company", "must not be empty"),
        Refusal("desk: { compny: X }", "desk.compny", "unknown key"),
        Refusal("desk: { phone: ramal 12 }", "desk.phone", "is not a telephone number"),
        Refusal("desk: { phone: '123' }", "desk.phone", "8 to 20 digits"),
        Refusal("desk: { email: suporte }", "desk.email", "is not an e-mail address"),
        Refusal("inbound: { maildir: in, capture_address: captura }", "inbound.capture_address", "e-mail address"),
        Refusal("tickets: { url: 'ssc.example/{ticket}' }", "tickets.url", "https://"),
        Refusal("tickets: { url: 'https://ssc.example/ssc' }", "tickets.url", "{ticket}"),
        Refusal("tickets: { link: x }", "tickets.link", "unknown key"),
        // The web application (§6.9).
        Refusal("web: { public_url: 'https://f.example' }", "web.listen", "required"),
        Refusal("web: { listen: 8080 }", "web.listen", "is not HOST:PORT"),
        Refusal("web: { listen: '127.0.0.1:0' }", "web.listen", "is not a TCP port"),
        Refusal("web: { listen: '127.0.0.1:8080', public_url: 'followup.example' }", "web.public_url", "https://"),
        Refusal("web: { listen: '127.0.0.1:8080', session_ttl: 0 }", "web.session_ttl", "greater than 0"),
        Refusal("web: { listen: '127.0.0.1:8080', sesion_ttl: 1h }", "web.sesion_ttl", "unknown key"),
        Refusal("web: { listen: '127.0.0.1:8080', oidc: { client_id: f } }", "web.oidc.issuer", "required"),
        Refusal(
            "web: { listen: '127.0.0.1:8080', oidc: { issuer: 'https://l.example', client_id: f, roles: { boss: [x] } } }",
            "web.oidc.roles.boss", "unknown key"),
        Refusal(
            "web: { listen: '127.0.0.1:8080', oidc: { issuer: 'https://l.example', client_id: f, client_secret_file: /nonexistent/s } }",
            "web.oidc.client_secret_file", "cannot read"),
        Refusal("tickets: { name: '' }", "tickets.name", "must not be empty"),
        Refusal("owners: [{ name: Jo, phone_number: '(11) 4004 ramal 1' }]", "owners[0].phone_number", "telephone"),
        Refusal("owners: [{ name: Jo, login: 'jo prado' }]", "owners[0].login", "is not a login name"),
        Refusal("leaders: [{ name: Ana, login: 'ana@x' }]", "leaders[0].login", "is not a login name"),
        Refusal("- storage", "(file)", "expected a mapping of sections"),
        // Durations and the rules of §3.
        Refusal("policy: { resend_after: 24x }", "policy.resend_after", "\"24x\" is not a duration"),
        Refusal("policy: { report_after: 3 days }", "policy.report_after", "\"3 days\" is not a duration"),
        Refusal("policy: { ack_within: -4h }", "policy.ack_within", "is not a duration"),
        Refusal("policy: { resend_after: 0 }", "policy.resend_after", "must be greater than 0"),
        Refusal("policy: { report_after: 0 }", "policy.report_after", "must be greater than 0"),
        Refusal("policy: { max_resends: 3 }", "policy.max_resends", "must be less than report_after"),
        Refusal("policy: { resend_after: 72h }", "policy.max_resends", "must be less than report_after"),
        Refusal("policy: { max_owner_reminders: -1 }", "policy.max_owner_reminders", "must be 0 (no cap) or more"),
        Refusal("policy: { max_owner_reminders: five }", "policy.max_owner_reminders", "expected a whole number"),
        Refusal("policy: { close_returned_after: 14 days }", "policy.close_returned_after", "is not a duration"),
        Refusal("policy: { close_returned_after: -1d }", "policy.close_returned_after", "is not a duration"),
        Refusal("retention: { closed_cases: 2 years }", "retention.closed_cases", "is not a duration"),
        Refusal("retention: { inbound: 90d }", "retention.inbound", "unknown key"),
        Refusal("policy: { max_resends: -1 }", "policy.max_resends", "must be 0 or more"),
        Refusal("policy: { priority: { resend_after: 0 } }", "policy.priority.resend_after", "must be greater than 0"),
        Refusal(
            "policy: { priority: { report_after: 12h } }", "policy.priority.max_resends", "with priority overrides"),
        Refusal("policy: { priority: { resend_after: 1d2h } }", "policy.priority.resend_after", "is not a duration"),
        Refusal("policy: { timezone: Mars/Olympus }", "policy.timezone", "unknown time zone \"Mars/Olympus\""),
        Refusal("policy: { calendar: weekly }", "policy.calendar", "\"weekly\" is not one of: continuous, business"),
        Refusal("policy: { report_to_client: always }", "policy.report_to_client", "is not one of: owner, auto"),
        // Calendars.
        Refusal("calendar: { days: [] }", "calendar.days", "at least one"),
        Refusal("calendar: { days: [mon, funday] }", "calendar.days[1]", "\"funday\" is not a day"),
        Refusal("calendar: { hours: \"18:00-08:00\" }", "calendar.hours", "is not a span of working hours"),
        Refusal("calendar: { hours: \"8-18\" }", "calendar.hours", "\"8-18\""),
        Refusal("calendar: { hours: \"08:00-25:00\" }", "calendar.hours", "working hours"),
        Refusal(
            "calendar: { holidays: [br-national, carnaval] }", "calendar.holidays[1]",
            "unknown holiday entry \"carnaval\""),
        Refusal("calendar: { holidays: [\"2026-02-30\"] }", "calendar.holidays[0]", "unknown holiday entry"),
        Refusal(
            "partners: [{ name: P, calendar: { hollidays: [] } }]", "partners[0].calendar.hollidays",
            "did you mean holidays?"),
        Refusal(
            "partners: [{ name: P, calendar: { timezone: Nowhere } }]", "partners[0].calendar.timezone",
            "unknown time zone"),
        Refusal("partners: [{ name: P, calendar: { days: [] } }]", "partners[0].calendar.days", "at least one"),
        Refusal("partners: [{ name: P, calendar: { kind: lunar } }]", "partners[0].calendar.kind", "is not one of"),
        // Storage and control.
        Refusal("storage: { path: a.db, url: \"postgres://x/y\" }", "storage", "path and url are exclusive"),
        Refusal("storage: { url: \"mysql://x/y\" }", "storage.url", "is not a PostgreSQL URL"),
        Refusal("storage: { path: a.db, password_file: pw }", "storage.password_file", "only used with url"),
        Refusal("storage: { password_file: pw }", "storage.password_file", "only used with url"),
        Refusal(
            "storage: { url: \"postgres://x/y\", password_file: /nonexistent/pw }", "storage.password_file",
            "cannot read /nonexistent/pw"),
        Refusal("storage: { path: \"\" }", "storage.path", "must not be empty"),
        Refusal("control: { mode: \"0999\" }", "control.mode", "\"0999\" is not a permission mode"),
        Refusal("control: { mode: \"01777\" }", "control.mode", "is not a permission mode"),
        Refusal("control: { mode: rw }", "control.mode", "is not a permission mode"),
        Refusal("control: { admins: [\"\"] }", "control.admins[0]", "must not be empty"),
        Refusal("control: { socket: \(longSocket) }", "control.socket", "at most 107"),
        // Metrics.
        Refusal("metrics: { listen: \"0.0.0.0:9464\" }", "metrics.listen", "\"0.0.0.0\" is not a loopback address"),
        Refusal("metrics: { listen: \"[::]:9464\" }", "metrics.listen", "is not a loopback address"),
        Refusal("metrics: { listen: \"192.168.1.5:9464\" }", "metrics.listen", "is not a loopback address"),
        Refusal("metrics: { listen: \"example.com:9464\" }", "metrics.listen", "is not a loopback address"),
        Refusal("metrics: { listen: \"127.0.0.1:0\" }", "metrics.listen", "is not a TCP port"),
        Refusal("metrics: { listen: \"127.0.0.1:99999\" }", "metrics.listen", "is not a TCP port"),
        Refusal("metrics: { listen: \"127.0.0.1\" }", "metrics.listen", "is not HOST:PORT"),
        // Notifications, mail, inbound, reports, log.
        Refusal("notifications: { max_attempts: 0 }", "notifications.max_attempts", "at least 1"),
        Refusal("notifications: { retry_initial: 0 }", "notifications.retry_initial", "must be greater than 0"),
        Refusal("notifications: { retry_initial: 3h }", "notifications.retry_max", "must not be shorter"),
        Refusal("notifications: { timeout: soon }", "notifications.timeout", "\"soon\" is not a duration"),
        Refusal("notifications: { digest_threshold: 0 }", "notifications.digest_threshold", "at least 1"),
        Refusal("notifications: { max_reminders: -1 }", "notifications.max_reminders", "0 (off) or more"),
        Refusal("mail: { transport: smtp }", "mail.transport", "\"smtp\" is not one of: maildir, sendmail"),
        Refusal("mail: { from: Suporte }", "mail.from", "is not an address"),
        Refusal("inbound: { default_kind: ack }", "inbound.maildir", "required"),
        Refusal("inbound: { maildir: /in, default_kind: auto }", "inbound.default_kind", "is not one of: info, ack"),
        Refusal("inbound: { maildir: /in, rescan: 0 }", "inbound.rescan", "must be greater than 0"),
        Refusal("reports: { locale: fr }", "reports.locale", "\"fr\" is not one of: pt-BR, en"),
        Refusal(
            "log: { level: verbose }", "log.level",
            "is not one of: trace, debug, info, notice, warning, error, critical"),
        Refusal("log: { target: syslog }", "log.target", "is not one of: auto, journal, stderr"),
        // Webhooks.
        Refusal("webhooks: { a: { url: \"ftp://x/y\" } }", "webhooks.a.url", "is not an http or https URL"),
        Refusal("webhooks: { a: { url: \"https://\" } }", "webhooks.a.url", "is not an http or https URL"),
        Refusal("webhooks: { a: { format: standard } }", "webhooks.a.url", "required"),
        Refusal(
            "webhooks: { a: { url: \"https://x\", format: discord } }", "webhooks.a.format",
            "is not one of: standard, teams, slack"),
        Refusal(
            "webhooks: { a: { url: \"https://x\", secret: abc } }", "webhooks.a.secret", "does not start with whsec_"),
        Refusal("webhooks: { a: { url: \"https://x\", secret: \"whsec_!!!\" } }", "webhooks.a.secret", "valid base64"),
        Refusal("webhooks: { a: { url: \"https://x\", secret: whsec_ } }", "webhooks.a.secret", "valid base64"),
        Refusal(
            "webhooks: { a: { url: \"https://x\", secret: \"whsec_YQ==\", secret_file: s } }", "webhooks.a", "exclusive"
        ),
        Refusal(
            "webhooks: { a: { url: \"https://x\", secret_file: /nonexistent/s } }", "webhooks.a.secret_file",
            "cannot read /nonexistent/s"),
        // People and references.
        Refusal("leaders: [{ email: a@example.com }]", "leaders[0].name", "required"),
        Refusal("leaders: [{ name: Ana, email: ana }]", "leaders[0].email", "\"ana\" is not an e-mail address"),
        Refusal(
            "leaders: [{ name: Ana }, { name: ANA }]", "leaders[1].name",
            "duplicate name \"ANA\": leaders[0] is already \"Ana\""),
        Refusal("owners: [{ name: Jo }, { name: jo }]", "owners[1].name", "duplicate name"),
        Refusal("partners: [{ name: SIEG }, { name: Sieg }]", "partners[1].name", "duplicate name"),
        Refusal("partners: [{ name: SIEG, emails: [suporte] }]", "partners[0].emails[0]", "is not an e-mail address"),
        // A free-mail domain would let anyone speak for the partner (§4.5).
        Refusal("partners: [{ name: SIEG, domains: [gmail.com] }]", "partners[0].domains[0]", "free-mail domain"),
        Refusal("partners: [{ name: SIEG, domains: [HOTMAIL.com] }]", "partners[0].domains[0]", "free-mail domain"),
        Refusal(
            "partners: [{ name: SIEG, domains: [sieg.example, outlook.com] }]", "partners[0].domains[1]",
            "outlook.com is a free-mail domain"),
        Refusal("partners: [{ name: SIEG, domains: [yahoo.com] }]", "partners[0].domains[0]", "free-mail domain"),
        Refusal("partners: [{ name: SIEG, domains: [bol.com.br] }]", "partners[0].domains[0]", "free-mail domain"),
        Refusal("partners: [{ name: SIEG, domains: [uol.com.br] }]", "partners[0].domains[0]", "free-mail domain"),
        Refusal("partners: [{ name: SIEG, domains: [terra.com.br] }]", "partners[0].domains[0]", "free-mail domain"),
        Refusal("partners: [{ name: SIEG, domains: [br.yahoo.com] }]", "partners[0].domains[0]", "free-mail domain"),
        Refusal(
            "partners: [{ name: SIEG, domains: [suporte@sieg.example] }]", "partners[0].domains[0]", "not a mail domain"
        ),
        Refusal("partners: [{ name: SIEG, domains: [localhost] }]", "partners[0].domains[0]", "not a mail domain"),
        Refusal("partners: [{ name: SIEG, domains: sieg.example }]", "partners[0].domains", "expected a list"),
        Refusal(
            "leaders: [{ name: Ana, webhooks: [teams] }]", "leaders[0].webhooks[0]",
            "unknown webhook \"teams\"; no webhooks are configured"),
        Refusal(
            "webhooks: { audit: { url: \"https://x\" } }\nowners: [{ name: Jo, webhooks: [audit, chat] }]",
            "owners[0].webhooks[1]", "unknown webhook \"chat\"; webhooks are: audit"),
        Refusal(
            "leaders: [{ name: Ana }]\nowners: [{ name: Jo, leader: Bia }]", "owners[0].leader",
            "unknown leader \"Bia\"; leaders are: Ana"),
        Refusal("owners: [{ name: Jo, leader: Bia }]", "owners[0].leader", "no leaders are configured"),
        // YAML itself.
        Refusal("policy: { resend_after: 24h\nlog: {}", "(file)", "configuration, line"),
        Refusal("log:\n  level: info\n  level: debug\n", "(file)", "duplicate key \"level\""),
        Refusal("storage:\n  path: [a\n", "(file)", "line"),
    ]

    @Test("refused with the key named", arguments: refusals)
    func refused(_ expected: Refusal) throws {
        let error = try #require(refusal(expected.yaml))
        #expect(error.key == expected.key, "\(error)")
        #expect(error.message.contains(expected.says), "\(error)")
        #expect(error.description == "\(error.key): \(error.message)")
    }

    @Test("a refused secret is never quoted in the error")
    func secretNotQuoted() throws {
        let error = try #require(refusal("webhooks: { a: { url: \"https://x\", secret: \"my-password-123\" } }"))
        #expect(error.key == "webhooks.a.secret")
        #expect(!error.description.contains("my-password-123"))
    }

    @Test("a syntax error names the line")
    func syntaxErrorLine() throws {
        let error = try #require(refusal("storage:\n  path: /a\ncontrol:\n  socket: [unclosed\n"))
        #expect(error.key == "(file)")
        #expect(error.message.hasPrefix("configuration, line "), "\(error)")
    }
}
