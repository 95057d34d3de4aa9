import FollowupTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The shipped systemd units (SPEC §6.8), judged by systemd's own tools, and
/// `followupctl spool deliver` (§6.7) against a real MTA and against sendmail stand-ins.
@Suite struct SystemdUnitTests {
    static let analyze = "/usr/bin/systemd-analyze"
    static let sendmail = "/usr/sbin/sendmail"
    static let mailUser = "futest-mail"
    static var hasAnalyze: Bool { FileManager.default.isExecutableFile(atPath: analyze) }

    /// `systemd/` at the top of the repository.
    static var unitFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("systemd")
    }

    /// The built binaries, next to the test bundle.
    static var builtFolder: URL { URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent() }
    static var followupctl: String { builtFolder.appendingPathComponent("followupctl").path }

    static let unitNames = [
        "followupd.service", "followupd.socket", "followupd-mailer.service", "followupd-mailer.timer",
        "followupd-backup.service", "followupd-backup.timer",
    ]

    /// Every unit copied to a temporary folder, `/usr/bin/followup{d,ctl}` pointing at the built
    /// binaries (verify wants the ExecStart= binary to exist).
    static func installedCopies() throws -> URL {
        let folder = try temporaryFolder("units")
        for name in unitNames {
            let text = try String(contentsOf: unitFolder.appendingPathComponent(name), encoding: .utf8)
                .replacingOccurrences(
                    of: "/usr/bin/followupctl", with: builtFolder.appendingPathComponent("followupctl").path
                )
                .replacingOccurrences(
                    of: "/usr/bin/followupd", with: builtFolder.appendingPathComponent("followupd").path)
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return folder
    }

    // MARK: - The units

    @Test(.enabled(if: hasAnalyze, "needs systemd-analyze"), arguments: unitNames)
    func everyUnitPassesVerify(unit: String) throws {
        let folder = try Self.installedCopies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Self.run(
            Self.analyze, ["verify", "--recursive-errors=no", folder.appendingPathComponent(unit).path])
        let ours = (run.stdout + run.stderr).split(separator: "\n").filter { line in
            line.contains(folder.path) || Self.unitNames.contains { line.contains($0) }
        }
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(ours.isEmpty, "\(ours.joined(separator: "\n"))")
    }

    /// The check above can fail: verify does reject what systemd 252 does not know.
    @Test(.enabled(if: hasAnalyze, "needs systemd-analyze"))
    func verifyRejectsAnUnknownSetting() throws {
        let folder = try Self.installedCopies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let unit = folder.appendingPathComponent("followupd.service")
        let text = try String(contentsOf: unit, encoding: .utf8)
        try text.replacingOccurrences(of: "Type=notify\n", with: "Type=notify-reload\n")
            .write(to: unit, atomically: true, encoding: .utf8)
        let run = try Self.run(Self.analyze, ["verify", "--recursive-errors=no", unit.path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("notify-reload"))
    }

    @Test(.enabled(if: hasAnalyze, "needs systemd-analyze"))
    func theDaemonsExposureIsAtMost2() throws {
        let folder = try Self.installedCopies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let exposure = try Self.exposure(of: folder.appendingPathComponent("followupd.service"))
        #expect(exposure.score <= 2.0, "\(exposure.report)")
        // What the daemon needs is still there: the network for webhooks, local sockets.
        #expect(exposure.report.contains("✗ RestrictAddressFamilies=~AF_(INET|INET6)"))
    }

    /// The mailer runs a setuid/setgid sendmail: systemd itself must find NoNewPrivileges off.
    @Test(.enabled(if: hasAnalyze, "needs systemd-analyze"))
    func theMailerMayGainPrivilegesThroughSendmail() throws {
        let folder = try Self.installedCopies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let exposure = try Self.exposure(of: folder.appendingPathComponent("followupd-mailer.service"))
        #expect(exposure.report.contains("✗ NoNewPrivileges="), "\(exposure.report)")
    }

    /// Settings that would break the daemon although they improve the score (NOTES.md).
    @Test func theUnitsAvoidKnownBreakages() throws {
        let service = try Self.settings(of: "followupd.service")
        #expect(!service.contains { $0.hasPrefix("PrivateUsers=") }, "defeats SO_PEERCRED authorisation")
        #expect(!service.contains { $0.hasPrefix("DynamicUser=") })
        #expect(!service.contains { $0.hasPrefix("RuntimeDirectory=") }, "would remove the socket's folder")
        #expect(!service.contains { $0.hasPrefix("Type=notify-reload") }, "not in systemd 252")
        #expect(service.contains("ExecReload=+/usr/bin/followupctl reload --wait"))
        #expect(service.contains("WatchdogSec=30s") && service.contains("Restart=on-failure"))
        // Else the watchdog's SIGABRT starts swift-backtrace, which the sandbox stops: a 45 s hang.
        #expect(service.contains("Environment=SWIFT_BACKTRACE=enable=no"))
        let socket = try Self.settings(of: "followupd.socket")
        #expect(socket.contains("ListenStream=/run/followupd/control.sock"))
        #expect(socket.contains("FileDescriptorName=control"))
        #expect(!socket.contains { $0.hasPrefix("PartOf=") }, "a restart of the service must not close the socket")
        // Each of these implies NoNewPrivileges=yes (systemd.exec(5)).
        let implying = [
            "NoNewPrivileges=yes", "DynamicUser=", "LockPersonality=", "MemoryDenyWriteExecute=", "PrivateDevices=",
            "ProtectClock=", "ProtectHostname=", "ProtectKernelLogs=", "ProtectKernelModules=",
            "ProtectKernelTunables=",
            "RestrictAddressFamilies=", "RestrictNamespaces=", "RestrictRealtime=", "RestrictSUIDSGID=",
            "SystemCallArchitectures=", "SystemCallFilter=", "SystemCallLog=",
        ]
        let mailer = try Self.settings(of: "followupd-mailer.service")
        for key in implying { #expect(!mailer.contains { $0.hasPrefix(key) }, "\(key) stops a setuid sendmail") }
        #expect(mailer.contains("Type=oneshot"))
    }

    // MARK: - followupctl spool deliver

    /// Two messages through the real MTA into a local mailbox, oldest first.
    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: sendmail),
            "no /usr/sbin/sendmail: scripts/setup installs exim4-daemon-light"),
        .enabled(if: getuid() == 0, "needs root, to create the local user \(mailUser) with useradd"))
    func deliversThroughTheRealMTA() async throws {
        try Self.ensureMailUser()
        let spool = try Self.spool()
        defer { try? FileManager.default.removeItem(at: spool) }
        let tag = UUID().uuidString.prefix(8)
        let first = "FU-1.resend.\(tag)", second = "FU-2.report.\(tag)"
        try Self.writeMessage(spool, name: second, subject: "[FU-2] Relatório de tentativas \(tag)", age: 60)
        try Self.writeMessage(spool, name: first, subject: "[FU-1] Reenvio \(tag)", age: 120)

        let run = try Self.deliver(spool)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(
            run.stdout.components(separatedBy: "\n").prefix(2) == ["handed over \(first)", "handed over \(second)"])
        #expect(Self.names(spool, "new").isEmpty)
        #expect(Self.names(spool, "cur") == [first, second].sorted())

        // Exim delivers in the background right after accepting: wait for the mailbox.
        let subjects = ["[FU-1] Reenvio \(tag)", "[FU-2] Relatório de tentativas \(tag)"]
        var found: [String] = []
        let arrived = try await eventually(timeout: 30, every: .milliseconds(200)) {
            found = try Self.mailboxSubjects(of: Self.mailUser)
            return subjects.allSatisfy(found.contains)
        }
        #expect(arrived, "subjects in /var/mail/\(Self.mailUser): \(found)")
    }

    @Test func aMessageSendmailRefusesGoesToFailed() throws {
        let spool = try Self.spool()
        defer { try? FileManager.default.removeItem(at: spool) }
        try FileManager.default.removeItem(at: spool.appendingPathComponent("failed"))
        try Self.writeMessage(spool, name: "bad", subject: "refused", age: 20)
        try Self.writeMessage(spool, name: "good", subject: "taken", age: 10)
        let sendmail = try Self.script(
            in: spool,
            "grep -q '^Subject: refused' && { echo 'no valid recipients' >&2; exit 65; }; cat >/dev/null; exit 0")

        let run = try Self.deliver(spool, "--sendmail", sendmail)
        #expect(run.status == 65, "\(run.stdout)\(run.stderr)")
        #expect(Self.names(spool, "failed") == ["bad"], "failed/ is created when missing")
        #expect(Self.names(spool, "cur") == ["good"])
        #expect(Self.names(spool, "new").isEmpty)
        #expect(run.stdout.contains("failed bad: sendmail exited 65: no valid recipients; moved to failed/"))
        #expect(run.stdout.contains("1 handed over to sendmail, 1 failed"))
    }

    @Test func aTemporaryFailureLeavesTheMessageQueued() throws {
        let spool = try Self.spool()
        defer { try? FileManager.default.removeItem(at: spool) }
        try Self.writeMessage(spool, name: "later", subject: "s", age: 5)
        let sendmail = try Self.script(in: spool, "echo 'try again later' >&2; exit 75")

        let run = try Self.deliver(spool, "--sendmail", sendmail)
        #expect(run.status == 75, "\(run.stdout)\(run.stderr)")
        #expect(Self.names(spool, "new") == ["later"])
        #expect(Self.names(spool, "cur").isEmpty && Self.names(spool, "failed").isEmpty)
        #expect(run.stdout.contains("kept later: sendmail exited 75: try again later"))
    }

    @Test func aHungSendmailIsKilledAndTheMessageKept() throws {
        let spool = try Self.spool()
        defer { try? FileManager.default.removeItem(at: spool) }
        try Self.writeMessage(spool, name: "stuck", subject: "s", age: 5)
        let sendmail = try Self.script(in: spool, "sleep 60")
        let started = Date()
        let run = try Self.deliver(spool, "--sendmail", sendmail, "--timeout", "1")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(run.status == 75)
        #expect(Self.names(spool, "new") == ["stuck"])
        #expect(run.stdout.contains("took over 1 s and was killed"))
    }

    @Test func anEmptySpoolIsQuietAndAMissingOneIsAnError() throws {
        let spool = try Self.spool()
        defer { try? FileManager.default.removeItem(at: spool) }
        let empty = try Self.deliver(spool, "--sendmail", "/nonexistent/sendmail")
        #expect(empty.status == 0 && empty.stdout.isEmpty && empty.stderr.isEmpty)
        let missing = try Self.deliver(spool.appendingPathComponent("nothing-here"))
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no spool at"))
    }

    // MARK: - Helpers

    /// `followupctl spool deliver --spool DIR …`, with no daemon anywhere near.
    static func deliver(_ spool: URL, _ more: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(
            followupctl, ["spool", "deliver", "--spool", spool.path] + more,
            environment: ["FOLLOWUPD_SOCKET": "/nonexistent/control.sock"])
    }

    /// A Maildir with tmp/ new/ cur/ failed/.
    static func spool() throws -> URL {
        let folder = try temporaryFolder("spool")
        for sub in ["tmp", "new", "cur", "failed"] {
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        return folder
    }

    /// An RFC 5322 message in new/, its modification time `age` seconds ago.
    static func writeMessage(_ spool: URL, name: String, subject: String, age: TimeInterval) throws {
        let encoded = "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
        let message = [
            "Date: Sun, 29 Nov 2026 09:00:00 -0300",
            "From: Suporte <suporte@localhost>",
            "To: \(mailUser)@localhost",
            "Message-ID: <\(name)@followupd.test>",
            "Subject: \(subject.allSatisfy(\.isASCII) ? subject : encoded)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            "Olá, esta é uma mensagem de teste do followupd.",
            "",
        ].joined(separator: "\r\n")
        let url = spool.appendingPathComponent("new").appendingPathComponent(name)
        try Data(message.utf8).write(to: url)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: url.path)
    }

    /// A sendmail stand-in: a shell script that reads the message on its standard input.
    static func script(in folder: URL, _ body: String) throws -> String {
        let url = folder.appendingPathComponent("sendmail-\(UUID().uuidString.prefix(6))")
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: url)
        chmod(url.path, 0o755)
        return url.path
    }

    static func names(_ spool: URL, _ sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: spool.appendingPathComponent(sub).path)) ?? []).sorted()
    }

    static func ensureMailUser() throws {
        guard getpwnam(mailUser) == nil else { return }
        let made = try run("/usr/sbin/useradd", ["-m", mailUser])
        #expect(made.status == 0 || getpwnam(mailUser) != nil, "useradd: \(made.stderr)")
    }

    /// The decoded subjects of a local mailbox, read by Python's `mailbox` and `email` packages.
    static func mailboxSubjects(of user: String) throws -> [String] {
        let path = "/var/mail/\(user)"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let program = """
            import mailbox, sys
            from email.header import decode_header, make_header
            for m in mailbox.mbox(sys.argv[1]):
                print(str(make_header(decode_header(m['subject'] or ''))))
            """
        let read = try run("/usr/bin/env", [PythonProgram.interpreter, "-c", program, path])
        return read.stdout.split(separator: "\n").map(String.init)
    }

    /// The exposure figure (`→ Overall exposure level for X: 1.2 OK`) and the whole report.
    static func exposure(of unit: URL) throws -> (score: Double, report: String) {
        let run = try run(analyze, ["security", "--offline=true", "--no-pager", unit.path])
        let line = run.stdout.split(separator: "\n").first { $0.contains("Overall exposure level for") }
        let figure = line?.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(figure != nil, "no exposure figure in: \(run.stdout)\(run.stderr)")
        return (figure ?? .infinity, run.stdout)
    }

    /// The unit's settings, comments and blank lines removed.
    static func settings(of unit: String) throws -> [String] {
        try String(contentsOf: unitFolder.appendingPathComponent(unit), encoding: .utf8).split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    static func temporaryFolder(_ kind: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "followupd-\(kind)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs a program to completion; its output goes through files (no pipe to fill up).
    static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let folder = try temporaryFolder("run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out"), err = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        var env = ProcessInfo.processInfo.environment
        env["SYSTEMD_COLORS"] = "0"
        env["JOURNAL_STREAM"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus, try String(contentsOf: out, encoding: .utf8),
            try String(contentsOf: err, encoding: .utf8)
        )
    }
}
