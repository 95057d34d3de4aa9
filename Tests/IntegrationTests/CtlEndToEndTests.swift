import FollowupAPI
import FollowupCore
import Foundation
import Testing

/// What a `followupctl` run left: its exit status and what it printed.
struct CtlRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the real `followupctl` (built next to `followupd`, or `$FOLLOWUPCTL_BIN`) against a
/// workspace's control socket.
struct FollowupctlProcess {
    let socket: String
    let directory: URL

    init(_ workspace: Workspace) {
        socket = workspace.directory.appendingPathComponent("control.sock").path
        directory = workspace.directory
    }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["FOLLOWUPCTL_BIN"] { return URL(fileURLWithPath: path) }
        return DaemonProcess.binary.deletingLastPathComponent().appendingPathComponent("followupctl")
    }

    /// Runs `followupctl --socket SOCKET arguments…` to completion.
    @discardableResult
    func callAsFunction(_ arguments: String...) throws -> CtlRun {
        try run(["--socket", socket] + arguments)
    }

    /// Runs `followupctl arguments…` as given (no `--socket` added).
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CtlRun {
        let name = UUID().uuidString.prefix(8)
        let out = directory.appendingPathComponent("ctl-\(name).out")
        let err = directory.appendingPathComponent("ctl-\(name).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        var env = ProcessInfo.processInfo.environment
        env["FOLLOWUPD_SOCKET"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        try process.run()
        process.waitUntilExit()
        return CtlRun(
            status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
            stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// `followupctl --json show ID`, decoded.
    func show(_ id: String) throws -> CaseJSON {
        let run = try self("--json", "show", id)
        guard run.status == 0 else { throw CtlFailure(run: run) }
        return try APICoding.decoder().decode(CaseJSON.self, from: Data(run.stdout.utf8))
    }

    /// `followupctl report ID --format json --audience desk`, decoded.
    func report(_ id: String) throws -> ReportDocument {
        let run = try self("report", id, "--format", "json", "--audience", "desk")
        guard run.status == 0 else { throw CtlFailure(run: run) }
        return try APICoding.decoder().decode(ReportDocument.self, from: Data(run.stdout.utf8))
    }

    /// Opens a case for SIEG and returns the id `open` printed.
    func open(client: String = "Mercado São João") throws -> String {
        let run = try self(
            "open", "--client", client, "--partner", "SIEG", "--partner-email", "suporte@sieg.example",
            "--subject", "Nota fiscal rejeitada", "--verification", "Confirmar o certificado A1 no cofre",
            "--owner", "joana")
        guard run.status == 0 else { throw CtlFailure(run: run) }
        return run.stdout.trimmingCharacters(in: .newlines)
    }

    /// Waits until the daemon answers `status`.
    func waitForDaemon() async throws -> Bool {
        try await eventually(timeout: 15, every: .milliseconds(50)) { try self("status").status == 0 }
    }
}

/// A `followupctl` run that should have succeeded.
struct CtlFailure: Error, CustomStringConvertible {
    var run: CtlRun
    var description: String { "followupctl exited \(run.status): \(run.stderr)\(run.stdout)" }
}

/// `followupctl` against the real daemon over the real socket: the desk's rules seen from the
/// command line, with durations of seconds.
@Suite(.serialized) struct CtlEndToEndTests {
    /// Starts a daemon on a fresh workspace, runs `body`, stops the daemon.
    func withDaemon(
        resendAfter: String = "2s", reportAfter: String = "6s",
        _ body: (Workspace, FollowupctlProcess, DaemonProcess) async throws -> Void
    ) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: resendAfter, reportAfter: reportAfter)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let ctl = FollowupctlProcess(workspace)
        let ready = try await ctl.waitForDaemon()
        try #require(ready, "followupd did not answer: \(daemon.stderr)")
        try await body(workspace, ctl, daemon)
    }

    @Test func resendAtResendAfterThenReportAtReportAfter() async throws {
        try await withDaemon { _, ctl, daemon in
            let id = try ctl.open()
            #expect(id == "FU-1", "open prints the id alone")
            let opened = try ctl.show(id)
            #expect(opened.state == .awaitingPartner)
            #expect(opened.attempts.count == 1)
            #expect(opened.nextAction?.kind == "resend")

            let resent = try await eventually(timeout: 10) { try ctl.show(id).attempts.count == 2 }
            #expect(resent, "\(daemon.stderr)")
            let afterResend = try ctl.show(id)
            let gap = afterResend.attempts[1].at.timeIntervalSince(afterResend.attempts[0].at)
            #expect(gap >= 2, "the resend waits for resend_after")
            #expect(afterResend.attempts[1].by == "followupd")
            let page = try ctl("show", id)
            #expect(page.status == 0)
            let attemptsTable =
                page.stdout.components(separatedBy: "\nAttempts\n").last?
                .components(separatedBy: "\n\n").first ?? ""
            #expect(attemptsTable.split(separator: "\n").count == 3, "a header and 2 attempts:\n\(page.stdout)")
            #expect(attemptsTable.split(separator: "\n").last?.contains("followupd") == true)

            let reported = try await eventually(timeout: 12) { try ctl.show(id).state == .returnedToClient }
            #expect(reported, "\(daemon.stderr)")
            let report = try ctl.report(id)
            #expect(report.reason == .noReply)
            #expect(report.attempts.count == 2)
            #expect(report.generatedAt.timeIntervalSince(afterResend.attempts[0].at) >= 6)
            #expect(try ctl.show(id).attempts.count == 2, "one resend only (max_resends 1)")
        }
    }

    @Test func anInformativeReturnMovesTheReportToTheNextContactsCycle() async throws {
        try await withDaemon { _, ctl, daemon in
            let id = try ctl.open()
            let start = try ctl.show(id).cycle.startedAt
            let reply = try ctl("reply", id, "--note", "Pediram o número de série do certificado")
            #expect(reply.status == 0, "\(reply.stderr)")
            #expect(reply.stdout.contains("now awaiting_us"))
            #expect(try ctl.show(id).state == .awaitingUs)

            try await sleepUntil(start.addingTimeInterval(3))
            let sent = try ctl("sent", id, "--note", "Enviei o número de série")
            #expect(sent.status == 0, "\(sent.stderr)")
            let resumed = try ctl.show(id)
            #expect(resumed.state == .awaitingPartner)
            #expect(resumed.cycle.number == 2)
            let cycleStart = resumed.cycle.startedAt

            // The first cycle's report deadline (start + 6 s) passes without a report (checked
            // while the new deadline, cycleStart + 6 s, is still ahead).
            try await sleepUntil(start.addingTimeInterval(7))
            let atOldDeadline = try ctl.show(id)
            if Date() < cycleStart.addingTimeInterval(6) {
                #expect(atOldDeadline.state == .awaitingPartner, "\(daemon.stderr)")
                #expect(atOldDeadline.reports.isEmpty)
            }

            let reported = try await eventually(timeout: 10) { try ctl.show(id).state == .returnedToClient }
            #expect(reported, "\(daemon.stderr)")
            let report = try ctl.report(id)
            #expect(report.generatedAt.timeIntervalSince(cycleStart) >= 6, "counted from the new contact")
            #expect(try ctl.show(id).reports.count == 1, "no report at the first cycle's deadline")
        }
    }

    @Test func aRefusalIssuesTheReportAtOnce() async throws {
        try await withDaemon(resendAfter: "1h", reportAfter: "3h") { _, ctl, _ in
            let id = try ctl.open()
            let refused = try ctl("refused", id, "--note", "O SIEG pediu que o cliente entre em contato direto")
            #expect(refused.status == 0, "\(refused.stderr)")
            #expect(refused.stdout.contains("now returned_to_client"))
            let report = try ctl.report(id)
            #expect(report.reason == .partnerRefused)
            #expect(report.nextStep == .contactPartnerDirectly)
            let subject = try ctl.show(id)
            #expect(subject.state == .returnedToClient)
            #expect(subject.reports.map(\.reason) == [.partnerRefused])
            // For the ticket: the desk's report as text, as --audience desk prints it.
            let forTicket = try ctl("report", id, "--for-ticket")
            #expect(forTicket.status == 0, "\(forTicket.stderr)")
            #expect(forTicket.stdout == (try ctl("report", id, "--audience", "desk")).stdout)
            #expect(forTicket.stdout.contains("O SIEG pediu que o cliente entre em contato direto"))
            #expect(try ctl("report", id, "--for-ticket", "--format", "md").status == 64)
        }
    }

    @Test func anAckStopsResendsButKeepsTheReportAndAnAutoReplyChangesNothing() async throws {
        try await withDaemon { _, ctl, daemon in
            let id = try ctl.open()
            let before = try ctl.show(id)
            let auto = try ctl("reply", id, "--kind", "auto", "--note", "Ausente do escritório")
            #expect(auto.status == 0, "\(auto.stderr)")
            let afterAuto = try ctl.show(id)
            #expect(afterAuto.state == before.state)
            #expect(afterAuto.nextAction == before.nextAction)
            #expect(afterAuto.cycle == before.cycle)
            #expect(afterAuto.attempts == before.attempts)

            let ack = try ctl("reply", id, "--kind", "ack", "--note", "Estamos verificando")
            #expect(ack.status == 0, "\(ack.stderr)")
            let afterAck = try ctl.show(id)
            #expect(afterAck.state == .awaitingPartner)
            #expect(afterAck.cycle.acknowledged)
            #expect(afterAck.nextAction?.kind == "report")

            let reported = try await eventually(timeout: 12) { try ctl.show(id).state == .returnedToClient }
            #expect(reported, "\(daemon.stderr)")
            #expect(try ctl.show(id).attempts.count == 1, "no resend after the ack")
            #expect(try ctl.report(id).reason == .noInformation)
        }
    }

    @Test func closeThenReopenAndIdempotentNotes() async throws {
        try await withDaemon(resendAfter: "1h", reportAfter: "3h") { _, ctl, _ in
            let id = try ctl.open()
            for _ in 0..<2 {
                let note = try ctl("note", id, "Cliente avisado por telefone", "--idempotency-key", "note-1")
                #expect(note.status == 0, "\(note.stderr)")
            }
            let notes = try ctl.show(id).events?.filter { $0.kind == .noteAdded } ?? []
            #expect(notes.count == 1, "the same Idempotency-Key records once")

            let close = try ctl("close", id, "--resolution", "Certificado reinstalado")
            #expect(close.status == 0, "\(close.stderr)")
            #expect(close.stdout.contains("now closed"))
            let closed = try ctl.show(id)
            #expect(closed.state == .closed)
            #expect(closed.nextAction == nil)

            let reopen = try ctl("reopen", id, "--reason", "O erro voltou")
            #expect(reopen.status == 0, "\(reopen.stderr)")
            #expect(reopen.stdout.contains("now awaiting_us"))
            #expect(try ctl.show(id).state == .awaitingUs)
        }
    }

    @Test func refusalsByTheDaemonExit1WithItsMessage() async throws {
        try await withDaemon(resendAfter: "1h", reportAfter: "3h") { _, ctl, _ in
            let id = try ctl.open()
            let reopen = try ctl("reopen", id, "--reason", "engano")
            #expect(reopen.status == 1)
            #expect(reopen.stderr.hasPrefix("followupctl: "))
            #expect(reopen.stderr.contains("awaiting_partner"), "names the state: \(reopen.stderr)")
            #expect(reopen.stdout.isEmpty)
            #expect(try ctl.show(id).state == .awaitingPartner, "nothing changed")

            let unknown = try ctl("show", "FU-999")
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("FU-999"))
            let noReport = try ctl("report", id, "--format", "json")
            #expect(noReport.status == 1, "no report yet")
            let badTime = try ctl("sent", id, "--at", "ontem")
            #expect(badTime.status == 64)
            let badID = try ctl("show", "FU-x")
            #expect(badID.status == 64)
        }
    }

    @Test func noDaemonExits69NamingTheSocket() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let ctl = FollowupctlProcess(workspace)
        let status = try ctl("status")
        #expect(status.status == 69)
        #expect(status.stderr.contains("cannot reach followupd at \(ctl.socket)"), "\(status.stderr)")
        let fromEnvironment = try ctl.run(["show", "FU-1"], environment: ["FOLLOWUPD_SOCKET": ctl.socket])
        #expect(fromEnvironment.status == 69)
        #expect(fromEnvironment.stderr.contains(ctl.socket))
    }

    @Test func jsonOutputIsTheAPIsJSON() async throws {
        try await withDaemon(resendAfter: "1h", reportAfter: "3h") { _, ctl, _ in
            // Three days ago at 09:00 on the desk's clock (America/Sao_Paulo, -03 all year).
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "America/Sao_Paulo")!
            let day = calendar.dateComponents([.year, .month, .day], from: Date().addingTimeInterval(-3 * 86_400))
            let sentAt = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 9))!
            let wallClock = LocalDate(year: day.year!, month: day.month!, day: day.day!).description + " 09:00"
            let opened = try ctl(
                "--json", "open", "--client", "ACME", "--partner", "SIEG", "--partner-email", "a@sieg.example",
                "--subject", "S", "--verification", "V", "--owner", "joana", "--sent-at", wallClock)
            #expect(opened.status == 0, "\(opened.stderr)")
            let created = try APICoding.decoder().decode(CaseJSON.self, from: Data(opened.stdout.utf8))
            #expect(created.id == "FU-1")
            #expect(created.events == nil)

            let shown = try ctl("show", "1", "--json")
            let subject = try APICoding.decoder().decode(CaseJSON.self, from: Data(shown.stdout.utf8))
            #expect(subject.client.name == "ACME")
            #expect(subject.partner?.emails == ["a@sieg.example"])
            #expect(subject.events?.first?.kind == .opened)
            // The wall-clock time was read in the desk's zone.
            #expect(subject.attempts.first?.at == sentAt)
            #expect(Timestamp.format(sentAt).hasSuffix("T12:00:00Z"))

            // Sent three days ago: both deadlines are long past, the report is issued at once.
            let listed = try await eventually(timeout: 10) {
                let run = try ctl("--json", "list", "--state", "returned_to_client")
                return try APICoding.decoder().decode(CaseList.self, from: Data(run.stdout.utf8)).cases.map(\.id) == [
                    "FU-1"
                ]
            }
            #expect(listed)
            let status = try ctl("--json", "status")
            let health = try APICoding.decoder().decode(StatusJSON.self, from: Data(status.stdout.utf8))
            #expect(health.timezone == "America/Sao_Paulo")
        }
    }

    @Test func aRestartInTheMiddleLosesNothing() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration()
        let ctl = FollowupctlProcess(workspace)
        let first = try workspace.startDaemon()
        try #require(try await ctl.waitForDaemon(), "\(first.stderr)")
        let id = try ctl.open()
        #expect(try ctl("note", id, "Antes de reiniciar").status == 0)
        #expect(try ctl("flag", id, "urgent").status == 0)
        #expect(first.terminate() == 0, "\(first.stderr)")
        #expect(try ctl("status").status == 69)

        // The resend comes due while the daemon is down; it is carried out once after the start.
        try await Task.sleep(for: .seconds(2.5))
        let second = try workspace.startDaemon()
        defer { _ = second.terminate() }
        try #require(try await ctl.waitForDaemon(), "\(second.stderr)")
        let resent = try await eventually(timeout: 10) { try ctl.show(id).attempts.count == 2 }
        #expect(resent, "\(second.stderr)")
        let reported = try await eventually(timeout: 10) { try ctl.show(id).state == .returnedToClient }
        #expect(reported, "\(second.stderr)")

        let subject = try ctl.show(id)
        let kinds = subject.events?.map(\.kind) ?? []
        #expect(kinds.filter { $0 == .noteAdded }.count == 1)
        #expect(kinds.filter { $0 == .resent }.count == 1)
        #expect(kinds.filter { $0 == .reportGenerated }.count == 1)
        #expect(subject.flags.map(\.flag) == [.urgent])
        #expect(subject.attempts.count == 2)
        #expect(try ctl.report(id).reason == .noReply)
    }
}

/// Sleeps until a wall-clock instant (returns at once when it has passed).
func sleepUntil(_ date: Date) async throws {
    let seconds = date.timeIntervalSinceNow
    if seconds > 0 { try await Task.sleep(for: .seconds(seconds)) }
}
