import FollowupCore
import FollowupStorage
import FollowupSystemd
import Foundation
import Logging
import Testing

/// Each case's story in a real journald (SPEC §6.8 correction): the daemon's own resend and
/// report, the notifications delivered and the one that failed, and the partner's mail read
/// from the inbound Maildir, each one entry with its `MESSAGE_ID` and `FOLLOWUP_CASE`, read back
/// with `journalctl -o json FOLLOWUP_CASE=FU-1`; a sensitive case's note never there.
@Suite(.serialized) struct JournalStoryTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    static func story(pid: JournalProcess, case id: String) throws -> [[String: Any]] {
        try JournalTests.journal(["-o", "json", "--no-pager"] + pid.match + ["FOLLOWUP_CASE=\(id)"])
            .split(separator: "\n").compactMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
    }

    @Test(.enabled(if: getuid() == 0, "starting journald needs root (CI runs as root)"))
    func aCasesStoryHoldsTheDaemonsOwnSteps() async throws {
        #expect(try await JournalTests.ensureJournald(), "a journald is running")
        let workspace = try Workspace()
        defer { workspace.remove() }
        let ok = try WebhookReceiver(in: workspace.directory.appendingPathComponent("ok"), secret: Self.secret)
        defer { ok.stop() }
        let gone = try WebhookReceiver(
            in: workspace.directory.appendingPathComponent("gone"), secret: Self.secret,
            answers: Array(repeating: "410", count: 20))
        defer { gone.stop() }
        let yaml = """
            storage:
              path: followupd.sqlite
            control:
              socket: control.sock
            policy:
              resend_after: 1s
              max_resends: 1
              report_after: 3s
              owner_reminder_after: 0
            notifications:
              retry_initial: 1s
              retry_max: 2s
              timeout: 5s
            mail:
              from: "Suporte <suporte@desk.example>"
              maildir: outbox
            webhooks:
              ok: { url: "\(ok.url)", format: standard, secret: "\(Self.secret)" }
              gone: { url: "\(gone.url)", format: standard, secret: "\(Self.secret)" }
            leaders:
              - { name: Ana, email: ana@desk.example, webhooks: [ok, gone] }
            owners:
              - { name: joana, email: joana@desk.example, leader: Ana }
            partners:
              - { name: SIEG, domains: [sieg.example] }
            inbound:
              maildir: inbox
              rescan: 2s
            log:
              target: journal
              level: info
            """
        try yaml.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let pid = JournalProcess(daemon)
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        #expect(try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 })

        let note = "senha do cliente: hunter2-confidencial"
        let opened = try RawClient.request(
            socket, "POST", "/v1/cases",
            body: """
                {"client":{"name":"Padaria"},"partner":{"name":"SIEG","emails":["suporte@sieg.example"]},\
                "subject":"Notas","verification":"v","owner":"joana","send":true,"sensitive":["password"]}
                """)
        #expect(opened.status == 201, "\(opened.body)")
        #expect(
            try RawClient.request(socket, "POST", "/v1/cases/FU-1/notes", body: "{\"note\":\"\(note)\"}").status < 300)

        let resent = JournalEvent.resent.messageID
        let report = JournalEvent.reportGenerated.messageID
        let delivered = JournalEvent.notificationDelivered.messageID
        let failed = JournalEvent.notificationFailed.messageID
        func ids() throws -> [String] {
            try Self.story(pid: pid, case: "FU-1").compactMap { $0["MESSAGE_ID"] as? String }
        }
        #expect(
            try await eventually(timeout: 90) {
                let seen = try ids()
                return seen.contains(report) && seen.contains(failed)
                    && seen.filter { $0 == delivered }.count >= 3
            }, "the resend, the report, deliveries and the failure on FU-1: \((try? ids()) ?? [])")

        // The partner answers; the daemon reads it from the inbound Maildir.
        try InboundMailTests.deliver(
            workspace, name: "1.reply", from: "SIEG <suporte@sieg.example>", subject: "Re: Notas [FU-1]",
            body: "Segue a informação pedida.")
        let recorded = JournalEvent.inboundRecorded.messageID
        #expect(try await eventually(timeout: 60) { try ids().contains(recorded) }, "\((try? ids()) ?? [])")

        let story = try Self.story(pid: pid, case: "FU-1")
        let seen = story.compactMap { $0["MESSAGE_ID"] as? String }
        #expect(seen.filter { $0 == resent }.count == 1, "one entry for the one resend")
        #expect(seen.filter { $0 == report }.count == 1, "one entry for the one report")
        #expect(seen.filter { $0 == failed }.count == 1, "the webhook that is gone")
        #expect(seen.filter { $0 == recorded }.count == 1)
        let reportEntry = try #require(story.first { $0["MESSAGE_ID"] as? String == report })
        #expect(reportEntry["FOLLOWUP_REASON"] as? String == "no_reply")
        #expect(reportEntry["FOLLOWUP_PARTNER"] as? String == "SIEG")
        let resendEntry = try #require(story.first { $0["MESSAGE_ID"] as? String == resent })
        #expect(resendEntry["FOLLOWUP_ATTEMPT"] as? String == "2")
        #expect(story.allSatisfy { $0["FOLLOWUP_CASE"] as? String == "FU-1" })
        // Each catalog id used here is documented in both languages.
        let catalog = try String(contentsOfFile: JournalTests.catalogPath, encoding: .utf8)
        for id in Set(seen) {
            #expect(catalog.contains("-- \(id)\n") && catalog.contains("-- \(id) pt_BR\n"), "\(id) in the catalog")
        }
        // The sensitive case's note stays out of the journal.
        let everything = try JournalTests.journal(["-o", "json", "--no-pager"] + pid.match)
        #expect(!everything.contains("hunter2"))
    }

    /// A storm: a thousand overdue resends (and their two thousand notifications) are told as
    /// batch summaries, not a thousand lines on cases.
    @Test(.enabled(if: getuid() == 0, "starting journald needs root (CI runs as root)"))
    func aStormOfAThousandLogsSummariesNotLines() async throws {
        #expect(try await JournalTests.ensureJournald(), "a journald is running")
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1h", reportAfter: "3h")
        var text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "target: stderr", with: "target: journal")
        try text.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let store = try SQLiteCaseStore(
            path: workspace.databasePath, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await DaemonLifecycleTests().openCases(
            1000, sentAt: Date().addingTimeInterval(-7200), resendAfter: 3600, reportAfter: 10_800, in: store)
        let daemon = try workspace.startDaemon()
        let pid = JournalProcess(daemon)
        let drained = try await eventually(timeout: 240) {
            let counts = try await store.counts()
            return counts.stages[.resend] == 1000 && (counts.outbox[.pending] ?? 0) == 0
        }
        #expect(drained, "the storm carried out and delivered")
        #expect(daemon.terminate() == 0)
        #expect(
            try await eventually(timeout: 30) {
                try JournalTests.entries(of: pid).contains { ($0["MESSAGE"] as? String) == "followupd stopped" }
            })
        let entries = try JournalTests.entries(of: pid)
        let summaries = entries.filter { $0["MESSAGE_ID"] as? String == JournalEvent.stages.messageID }
        #expect(summaries.compactMap { Int($0["FOLLOWUP_COUNT"] as? String ?? "") }.reduce(0, +) == 1000)
        #expect(!entries.contains { $0["MESSAGE_ID"] as? String == JournalEvent.resent.messageID })
        #expect(
            !entries.contains { $0["FOLLOWUP_CASE"] != nil },
            "no line on any case: \(entries.filter { $0["FOLLOWUP_CASE"] != nil }.prefix(3).map { "\($0["MESSAGE"] ?? "") \($0["MESSAGE_ID"] ?? "") \($0["FOLLOWUP_EVENT"] ?? "")" })"
        )
        #expect(entries.count < 100, "summaries, not lines: \(entries.count) entries")
    }

    /// Every event the daemon names has a catalog entry in English and pt-BR, every catalog
    /// entry is an event, and every event is logged somewhere in the daemon's sources.
    @Test func theCatalogAndTheEventsMatch() throws {
        let catalog = try String(contentsOfFile: JournalTests.catalogPath, encoding: .utf8)
        let documented = Set(
            catalog.split(separator: "\n").filter { $0.hasPrefix("-- ") }.map {
                String($0.dropFirst(3).prefix(32))
            })
        #expect(documented == Set(JournalEvent.allCases.map(\.messageID)))
        for event in JournalEvent.allCases {
            #expect(catalog.contains("-- \(event.messageID)\n"), "\(event) in English")
            #expect(catalog.contains("-- \(event.messageID) pt_BR\n"), "\(event) in pt-BR")
        }
        let files = try Self.daemonSources()
        let text = files.filter { !$0.path.hasSuffix("/JournalEvent.swift") }.map(\.text).joined()
        for event in JournalEvent.allCases {
            let named =
                text.contains("\"followup.event\": \"\(event.rawValue)\"")
                || text.contains("[\"followup.event\"] = \"\(event.rawValue)\"")
            #expect(named, "\(event.rawValue) is logged by the daemon")
        }
    }

    /// Every `followup.event` the daemon names is a catalog event (a name outside it would
    /// reach the journal with no `MESSAGE_ID`), and every log call about a case, a
    /// notification or an inbound mail names one: its own metadata, or — when it passes a
    /// metadata value built before — the function that builds it.
    @Test func everyEntryAboutACaseHasAMessageID() throws {
        let known = Set(JournalEvent.allCases.map(\.rawValue))
        let named = try Regex(#"\"followup\.event\"\]?\s*[:=]\s*(\"[^\"]*\"|[^,\]\s]+)"#)
        let call = try Regex(#"\b\w*[lL]ogger\??\.(trace|debug|info|notice|warning|error|critical|log)\("#)
        var calls = 0
        for file in try Self.daemonSources() where !file.path.hasSuffix("/JournalEvent.swift") {
            for match in file.text.matches(of: named) {
                let name = match.output[1].substring.map(String.init) ?? ""
                #expect(
                    name.hasPrefix("\"") && !name.contains("\\(")
                        && known.contains(String(name.dropFirst().dropLast())),
                    "\(file.name): followup.event \(name) is not a JournalEvent")
            }
            for match in file.text.matches(of: call) {
                let text = Self.balanced(file.text, from: match.range.upperBound)
                // Metadata built before the call: the function that builds it.
                let scope =
                    text.contains("metadata: [") || !text.contains("metadata:")
                    ? text
                    : String(
                        file.text[
                            Self.functionStart(file.text, before: match.range.lowerBound)..<match.range.upperBound])
                        + text
                let aboutACase = ["\"followup.case\"", "\"followup.notification\"", "\"followup.inbound\""].contains {
                    scope.contains($0)
                }
                guard aboutACase else { continue }
                calls += 1
                let line = file.text[..<match.range.lowerBound].filter { $0 == "\n" }.count + 1
                #expect(
                    scope.contains("\"followup.event\""), "\(file.name):\(line) logs about a case with no MESSAGE_ID")
            }
        }
        #expect(calls > 10, "the log calls about cases were found (\(calls))")
    }

    /// The daemon's Swift sources, with their paths and names.
    static func daemonSources() throws -> [(path: String, name: String, text: String)] {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        var files: [(path: String, name: String, text: String)] = []
        let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let file = walker?.nextObject() as? URL {
            guard file.pathExtension == "swift", !file.path.contains("/FollowupTestSupport/") else { continue }
            files.append((file.path, file.lastPathComponent, try String(contentsOf: file, encoding: .utf8)))
        }
        return files
    }

    /// The text from `start` (just after an opening parenthesis) to its closing one.
    static func balanced(_ text: String, from start: String.Index) -> String {
        var depth = 1
        var index = start
        while index < text.endIndex, depth > 0 {
            if text[index] == "(" { depth += 1 } else if text[index] == ")" { depth -= 1 }
            index = text.index(after: index)
        }
        return String(text[start..<index])
    }

    /// Where the function holding `position` begins (its `func`).
    static func functionStart(_ text: String, before position: String.Index) -> String.Index {
        text[..<position].range(of: "func ", options: .backwards)?.lowerBound ?? text.startIndex
    }
}
