import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation
import Logging
import Testing

/// `retention` (SPEC §6.10) on the injected clock over a real SQLite file: closed cases past
/// their age erased as `followupctl erase` does, younger and open ones kept; inbound mail
/// copies and report files past their age removed; all counted.
@Suite struct RetentionTests {
    static let t0 = SchedulerTests.t0
    static let day: TimeInterval = 86_400

    static func file(_ path: String, modified: Date) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("Padaria".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
    }

    @Test func aPassErasesWhatIsPastItsAgeAndKeepsTheRest() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("retention-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = SchedulerTests.Rig.configuration
        configuration.retention = RetentionSettings(closedCases: .days(30), inboundMail: .days(10), reports: .days(10))
        configuration.inbound = InboundSettings(maildir: folder.appendingPathComponent("inbox").path)
        configuration.reports.dir = folder.appendingPathComponent("reports").path
        let rig = try SchedulerTests.Rig(configuration: configuration)
        defer { rig.cleanUp() }
        let retention = Retention(
            desk: rig.desk, store: rig.store, rulebooks: rig.rulebooks, clock: rig.clock,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))

        for n in 1...3 { _ = try await rig.open(n) }
        _ = try await rig.desk.apply(.close(resolution: "resolvido"), to: CaseID(1), by: "joana")
        rig.clock.advance(to: Self.t0.addingTimeInterval(20 * Self.day))
        _ = try await rig.desk.apply(.close(resolution: "resolvido"), to: CaseID(2), by: "joana")
        let inbox = folder.appendingPathComponent("inbox/cur").path
        let reports = folder.appendingPathComponent("reports/FU-9").path
        try Self.file("\(inbox)/old:2,S", modified: Self.t0)
        try Self.file("\(inbox)/young:2,S", modified: Self.t0.addingTimeInterval(25 * Self.day))
        try Self.file("\(reports)/old.txt", modified: Self.t0)
        try Self.file("\(reports)/young.txt", modified: Self.t0.addingTimeInterval(25 * Self.day))

        let now = Self.t0.addingTimeInterval(31 * Self.day)
        rig.clock.advance(to: now)
        try await retention.pass(now: now)

        let erased = try #require(try await rig.store.findCase(CaseID(1)))
        #expect(erased.client.name == "[erased]")
        let tombstone = try #require(try await rig.store.timeline(of: CaseID(1)).last)
        #expect(tombstone.kind == .erased && tombstone.by == "followupd")
        #expect(try await rig.store.findCase(CaseID(2))?.client.name == "Cliente 2", "closed only 11 days ago")
        #expect(try await rig.store.findCase(CaseID(3))?.client.name == "Cliente 3", "open")
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox) == ["young:2,S"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: reports) == ["young.txt"])
        let tally = retention.tally
        #expect(tally.closedCases == 1 && tally.inboundFiles == 1 && tally.reportFiles == 1)
        #expect(tally.lastPassAt == now)

        // Nothing more is due at the next pass; the counts keep what was done.
        try await retention.pass(now: now.addingTimeInterval(3600))
        #expect(retention.tally.closedCases == 1)
        #expect(try await rig.store.timeline(of: CaseID(1)).filter { $0.kind == .erased }.count == 1)
    }

    @Test func keepingEverythingErasesNothing() async throws {
        let rig = try SchedulerTests.Rig()
        defer { rig.cleanUp() }
        let retention = Retention(
            desk: rig.desk, store: rig.store, rulebooks: rig.rulebooks, clock: rig.clock,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        _ = try await rig.open(1)
        _ = try await rig.desk.apply(.close(resolution: "resolvido"), to: CaseID(1), by: "joana")
        try await retention.pass(now: Self.t0.addingTimeInterval(10_000 * Self.day))
        #expect(try await rig.store.findCase(CaseID(1))?.client.name == "Cliente 1")
        #expect(retention.tally.closedCases == 0)
    }
}
