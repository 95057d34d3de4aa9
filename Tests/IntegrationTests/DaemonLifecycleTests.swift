import FollowupCore
import FollowupStorage
import Foundation
import Logging
import Testing

/// The real `followupd` process on a real SQLite file: deadlines carried out across stops,
/// restarts and `kill -9`, each stage exactly once.
@Suite(.serialized) struct DaemonLifecycleTests {
    /// Opens `count` cases directly in the daemon's database (the control socket is not
    /// needed for this), all sent at `sentAt`.
    func openCases(
        _ count: Int, sentAt: Date, resendAfter: Int64 = 2, reportAfter: Int64 = 6, in store: SQLiteCaseStore
    ) async throws {
        let policy = CasePolicy(
            resendAfter: .time(seconds: resendAfter), reportAfter: .time(seconds: reportAfter),
            ownerReminderAfter: .zero)
        let makes: [@Sendable (CaseID) throws -> StoredChange] = (1...count).map { n in
            let request = NewCase(
                client: Client(name: "Cliente \(n)"),
                partner: PartnerContact(name: "SIEG", emails: ["suporte@sieg.example"]),
                subject: "Assunto \(n)", verification: "Verificar \(n)", owner: "joana", sentAt: sentAt)
            return { id in
                let env = CaseEnvironment(now: Date(), by: "joana", policy: policy)
                return StoredChange(case: try CaseMachine.open(request, id: id, in: env).case, entries: [])
            }
        }
        // One transaction per thousand: opening is quick even on a loaded machine.
        for chunk in stride(from: 0, to: makes.count, by: 1000) {
            for result in try await store.openCases(Array(makes[chunk..<min(chunk + 1000, makes.count)])) {
                _ = try result.get()
            }
        }
    }

    @Test func versionAndConfigurationCheck() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let version = try DaemonProcess.run(["--version"], directory: workspace.directory)
        #expect(version.status == 0)

        try workspace.writeConfiguration(resendAfter: "5h", reportAfter: "4h")
        let refused = try DaemonProcess.run(
            ["--check-config", "--config", workspace.configPath], directory: workspace.directory)
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("policy.max_resends"), "names the key: \(refused.stderr)")

        try workspace.writeConfiguration()
        let accepted = try DaemonProcess.run(
            ["--check-config", "--config", workspace.configPath], directory: workspace.directory)
        #expect(accepted.status == 0, "\(accepted.stderr)")

        try "policy:\n  resend_aftr: 2s\n".write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let typo = try DaemonProcess.run(["--config", workspace.configPath], directory: workspace.directory)
        #expect(typo.status == 78)
        #expect(typo.stderr.contains("policy.resend_aftr"))
    }

    @Test func overdueStagesFireOnceAfterARestart() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration()
        let store = try SQLiteCaseStore(
            path: workspace.databasePath, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))

        // Cases due in an hour: a daemon that starts and stops meanwhile does nothing.
        try await openCases(40, sentAt: Date(), resendAfter: 3600, reportAfter: 3 * 3600, in: store)
        let first = try workspace.startDaemon()
        let ready = try await eventually { first.stderr.contains("followupd ready") }
        #expect(ready)
        #expect(first.terminate() == 0, "a graceful stop on SIGTERM: \(first.stderr)")
        #expect(try await store.counts().stages.isEmpty, "nothing was due while it ran")

        // While it is down, cases whose resend (5 s) and report (8 s) deadlines have both
        // passed: sent 9 s ago. Written into the stopped daemon's database, as a downtime
        // leaves them; no test timing decides what is overdue.
        try await openCases(40, sentAt: Date().addingTimeInterval(-9), resendAfter: 5, reportAfter: 8, in: store)
        let second = try workspace.startDaemon()
        let done = try await eventually { try await store.counts().cases[.returnedToClient] == 40 }
        #expect(done, "\(second.stderr)")
        #expect(second.terminate() == 0, "\(second.stderr)")

        for id in 41...80 {
            let kinds = try await store.timeline(of: CaseID(Int64(id))).map(\.kind)
            #expect(kinds == [.skipped, .reportGenerated], "FU-\(id): \(kinds)")
        }
        for id in 1...40 {
            #expect(try await store.timeline(of: CaseID(Int64(id))).isEmpty, "FU-\(id) is not due yet")
        }
        let counts = try await store.counts()
        #expect(counts.stages[.report] == 40)
        #expect(counts.stages[.resend] == 40)
    }

    @Test func resendThenReportWhileRunning() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration()
        let store = try SQLiteCaseStore(
            path: workspace.databasePath, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        // Opened before the daemon starts: a change made by another process reaches the
        // scheduler at its next look (commands through the control socket wake it at once).
        try await openCases(5, sentAt: Date(), in: store)
        let daemon = try workspace.startDaemon()
        let done = try await eventually { try await store.counts().cases[.returnedToClient] == 5 }
        #expect(done, "\(daemon.stderr)")
        #expect(daemon.terminate() == 0)
        for id in 1...5 {
            let timeline = try await store.timeline(of: CaseID(Int64(id)))
            #expect(timeline.map(\.kind) == [.resent, .reportGenerated])
            let subject = try #require(try await store.findCase(CaseID(Int64(id))))
            let report = try #require(subject.reports.first)
            let gap = report.generatedAt.timeIntervalSince(subject.attempts[0].at)
            #expect(gap >= 6, "the report waits for report_after from the send time")
        }
        #expect(daemon.stderr.contains("stages carried out"))
    }

    @Test func killDashNineDuringABurstLosesAndDoublesNothing() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1s", reportAfter: "1h")
        let store = try SQLiteCaseStore(
            path: workspace.databasePath, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let count = 6000
        try await openCases(count, sentAt: Date().addingTimeInterval(-5), reportAfter: 3600, in: store)

        let victim = try workspace.startDaemon()
        let started = try await eventually(every: .milliseconds(2)) {
            (try await store.counts().stages[.resend] ?? 0) > 0
        }
        victim.kill9()
        #expect(started)
        let partial = try await store.counts().stages[.resend] ?? 0

        let survivor = try workspace.startDaemon()
        let finished = try await eventually { try await store.counts().stages[.resend] == count }
        #expect(finished, "\(survivor.stderr)")
        #expect(survivor.terminate() == 0)
        let resent = try await store.cases(matching: CaseFilter(limit: count))
        #expect(resent.count == count)
        #expect(resent.allSatisfy { $0.cycle.resends == 1 && $0.attempts.count == 2 })
        let partnerMail = try await store.outbox(state: nil, limit: count * 3).filter { $0.channel == .partnerMail }
        #expect(partnerMail.count == count)
        #expect(Set(partnerMail.map(\.caseID)).count == count)
        #expect(
            partial > 0 && partial < count, "the kill came in the middle of the burst (\(partial) of \(count) done)")
    }
}
