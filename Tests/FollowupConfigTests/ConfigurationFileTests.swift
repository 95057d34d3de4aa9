import FollowupConfig
import FollowupCore
import Foundation
import Testing

/// A fresh temporary directory, removed after `body`.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("followupd-config-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Writes `text` to `path`, creating the directories on the way.
func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

/// The repository's root, found from this file's place in `Tests/FollowupConfigTests/`.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().standardizedFileURL.path

@Suite("Configuration files, paths and secrets")
struct ConfigurationFileTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let otherSecret = "whsec_c2Vjb25kIHNlY3JldCBmb3IgdGVzdHM="

    @Test("relative paths are resolved against the configuration's directory")
    func relativePaths() throws {
        let configuration = try parse(
            """
            storage: { path: ../.run/followupd.sqlite }
            control: { socket: ./run/../run/control.sock }
            mail: { maildir: outbox, sendmail: sendmail }
            inbound: { maildir: ../.run/inbox }
            reports: { dir: reports, templates: /usr/share/followupd/templates }
            """, base: "/srv/desk/etc")
        #expect(configuration.storage == .sqlite(path: "/srv/desk/.run/followupd.sqlite"))
        #expect(configuration.control.socket == "/srv/desk/etc/run/control.sock")
        #expect(configuration.mail.maildir == "/srv/desk/etc/outbox")
        #expect(configuration.mail.sendmail == "sendmail", "a program name is not a path to resolve")
        #expect(configuration.inbound?.maildir == "/srv/desk/.run/inbox")
        #expect(configuration.reports.dir == "/srv/desk/etc/reports")
        #expect(configuration.reports.templates == "/usr/share/followupd/templates")
    }

    @Test("load reads a file and resolves paths against its directory")
    func loadFromFile() throws {
        try withTemporaryDirectory { directory in
            try write("storage: { path: data/db.sqlite }\nlog: { level: warning }\n", to: directory + "/etc/f.yaml")
            let configuration = try Configuration.load(contentsOf: directory + "/etc/../etc/f.yaml", environment: [:])
            #expect(configuration.storage == .sqlite(path: directory + "/etc/data/db.sqlite"))
            #expect(configuration.log.level == .warning)
        }
    }

    @Test("an empty file loads with the defaults")
    func loadEmptyFile() throws {
        try withTemporaryDirectory { directory in
            try write("", to: directory + "/empty.yaml")
            #expect(try Configuration.load(contentsOf: directory + "/empty.yaml", environment: [:]) == .default)
        }
    }

    @Test("an unreadable configuration file is refused naming the file")
    func unreadableFile() throws {
        try withTemporaryDirectory { directory in
            let missing = directory + "/missing.yaml"
            let error = #expect(throws: ConfigurationError.self) {
                try Configuration.load(contentsOf: missing, environment: [:])
            }
            #expect(error?.key == "(file)")
            #expect(error?.message.contains("cannot read \(missing)") == true, "\(String(describing: error))")

            let notAFile = #expect(throws: ConfigurationError.self) {
                try Configuration.load(contentsOf: directory, environment: [:])
            }
            #expect(notAFile?.key == "(file)")
            #expect(notAFile?.message.contains(directory) == true)
        }
    }

    @Test("a syntax error in a file names the file and the line")
    func syntaxErrorNamesFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/bad.yaml"
            try write("storage:\n  path: /a\nlog: { level: info\n", to: path)
            let error = #expect(throws: ConfigurationError.self) {
                try Configuration.load(contentsOf: path, environment: [:])
            }
            #expect(error?.key == "(file)")
            #expect(error?.message.hasPrefix("\(path), line ") == true, "\(String(describing: error))")
        }
    }

    @Test("an error in a loaded file names the dotted key")
    func keyErrorInFile() throws {
        try withTemporaryDirectory { directory in
            try write("policy:\n  resend_aftr: 24h\n", to: directory + "/f.yaml")
            let error = #expect(throws: ConfigurationError.self) {
                try Configuration.load(contentsOf: directory + "/f.yaml", environment: [:])
            }
            #expect(error?.key == "policy.resend_aftr")
        }
    }

    @Test("a webhook secret is read from a file beside the configuration, trimmed")
    func secretFromRelativeFile() throws {
        try withTemporaryDirectory { directory in
            try write(Self.secret + "\n", to: directory + "/secrets/teams.secret")
            try write(Self.secret + "\n", to: directory + "/bare.secret")
            let yaml = """
                webhooks:
                  teams: { url: "https://example.com/t", format: teams, secret_file: secrets/teams.secret }
                  bare: { url: "https://example.com/b", secret_file: bare.secret }
                  absolute: { url: "https://example.com/a", secret_file: \(directory)/secrets/teams.secret }
                """
            let configuration = try parse(yaml, base: directory)
            #expect(configuration.webhooks["teams"]?.secret == Self.secret)
            #expect(configuration.webhooks["bare"]?.secret == Self.secret)
            #expect(configuration.webhooks["absolute"]?.secret == Self.secret)
        }
    }

    @Test("a bare secret file name is looked up in $CREDENTIALS_DIRECTORY")
    func secretFromCredentialsDirectory() throws {
        try withTemporaryDirectory { directory in
            try write(Self.secret, to: directory + "/etc/teams.secret")
            try write(Self.otherSecret + "\n", to: directory + "/credentials/teams.secret")
            try write(Self.secret, to: directory + "/etc/local/teams.secret")
            try write("hunter2\n", to: directory + "/credentials/db.password")
            let yaml = """
                storage: { url: "postgres://followupd@db/followupd", password_file: db.password }
                webhooks:
                  teams: { url: "https://example.com/t", secret_file: teams.secret }
                  local: { url: "https://example.com/l", secret_file: ./local/teams.secret }
                """
            let environment = ["CREDENTIALS_DIRECTORY": directory + "/credentials"]
            let configuration = try parse(yaml, base: directory + "/etc", environment: environment)
            #expect(configuration.webhooks["teams"]?.secret == Self.otherSecret)
            #expect(
                configuration.webhooks["local"]?.secret == Self.secret, "a path with a slash stays relative to the file"
            )
            #expect(
                configuration.storage
                    == .postgres(
                        url: "postgres://followupd@db/followupd", passwordFile: directory + "/credentials/db.password"))

            // The same file without the credentials directory reads the file beside the configuration.
            let withoutCredentials = try parse(
                "webhooks: { teams: { url: \"https://example.com/t\", secret_file: teams.secret } }",
                base: directory + "/etc")
            #expect(withoutCredentials.webhooks["teams"]?.secret == Self.secret)

            // A bare name missing from the credentials directory is refused with the path tried.
            let error = try #require(
                refusal(
                    "webhooks: { x: { url: \"https://example.com/x\", secret_file: nope.secret } }",
                    base: directory + "/etc",
                    environment: environment))
            #expect(error.key == "webhooks.x.secret_file")
            #expect(error.message.contains("cannot read \(directory)/credentials/nope.secret"), "\(error)")
        }
    }

    @Test("a secret file that is not a Standard Webhooks secret is refused without quoting it")
    func badSecretFile() throws {
        try withTemporaryDirectory { directory in
            try write("correct horse battery staple\n", to: directory + "/plain.secret")
            try write("whsec_not*base64\n", to: directory + "/broken.secret")
            try FileManager.default.createDirectory(
                atPath: directory + "/dir.secret", withIntermediateDirectories: true)
            for (file, says) in [
                ("plain.secret", "does not start with whsec_"), ("broken.secret", "valid base64"),
                ("dir.secret", "cannot read"),
            ] {
                let error = try #require(
                    refusal("webhooks: { w: { url: \"https://example.com\", secret_file: \(file) } }", base: directory))
                #expect(error.key == "webhooks.w.secret_file")
                #expect(error.message.contains(says), "\(error)")
                #expect(!error.message.contains("horse") && !error.message.contains("not*base64"))
            }
        }
    }

    @Test("the shipped example configuration loads and shows the true defaults")
    func exampleConfigurationLoads() throws {
        let path = repositoryRoot + "/etc/followupd.example.yaml"
        let configuration = try Configuration.load(contentsOf: path, environment: [:])
        let defaults = Configuration.default
        #expect(configuration.storage == defaults.storage)
        #expect(configuration.control == defaults.control)
        #expect(configuration.metrics == defaults.metrics)
        #expect(configuration.policy == defaults.policy)
        #expect(configuration.priority == defaults.priority)
        #expect(configuration.calendar == defaults.calendar)
        #expect(configuration.notifications == defaults.notifications)
        #expect(configuration.mail == defaults.mail)
        #expect(configuration.inbound == defaults.inbound)
        #expect(configuration.reports == defaults.reports)
        #expect(configuration.log == defaults.log)
        #expect(configuration.retention == defaults.retention)
        #expect(configuration.webhooks["audit"]?.format == .standard)
        #expect(configuration.leader(named: "Ana")?.webhooks == ["audit"])
        #expect(configuration.owner(named: "Joana")?.leader == "Ana")
        #expect(configuration.calendar(forPartner: "SIEG").hours == WorkingHours(start: 540, end: 1020))
    }

    @Test("the shipped example configuration mentions every key")
    func exampleMentionsEveryKey() throws {
        let text = try String(contentsOfFile: repositoryRoot + "/etc/followupd.example.yaml", encoding: .utf8)
        let keys = [
            "storage", "path", "url", "password_file", "control", "socket", "mode", "group", "readers", "admins",
            "metrics", "listen", "policy", "timezone", "calendar", "resend_after", "max_resends", "report_after",
            "owner_reminder_after", "client_reminder_after", "deadline_warning", "ack_within",
            "cancellation_contact_within", "report_to_client", "priority", "hours", "days", "holidays",
            "notifications", "max_attempts", "retry_initial", "retry_max", "timeout", "digest_threshold",
            "max_reminders", "mail", "transport", "maildir", "sendmail", "from", "webhooks", "format", "secret",
            "secret_file", "leaders", "name", "email", "ops", "owners", "leader", "phone", "partners", "emails",
            "domains", "inbound", "default_kind", "rescan", "reports", "dir", "locale", "templates", "log", "target",
            "level", "max_owner_reminders", "close_returned_after", "retention", "closed_cases", "inbound_mail",
        ]
        for key in keys {
            #expect(text.contains("\(key):"), "followupd.example.yaml does not mention \(key)")
        }
    }

    @Test("the shipped development configuration keeps its state in .run beside the repository")
    func developmentConfigurationLoads() throws {
        let configuration = try Configuration.load(
            contentsOf: repositoryRoot + "/etc/followupd.dev.yaml", environment: [:])
        #expect(configuration.storage == .sqlite(path: repositoryRoot + "/.run/followupd.sqlite"))
        #expect(configuration.control.socket == repositoryRoot + "/.run/control.sock")
        #expect(configuration.mail.transport == .maildir)
        #expect(configuration.mail.maildir == repositoryRoot + "/.run/outbox")
        #expect(configuration.log.target == .stderr)
        #expect(configuration.policy == CasePolicy.standard)
        #expect(configuration.webhooks.isEmpty)
        #expect(configuration.leaders.count == 1 && configuration.owners.count == 1)
        #expect(configuration.owners[0].leader == configuration.leaders[0].name)
        #expect(configuration.leaders[0].email?.hasSuffix("@example.com") == true)
        #expect(configuration.owners[0].email?.hasSuffix("@example.com") == true)
    }
}
