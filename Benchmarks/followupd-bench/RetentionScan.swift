import ArgumentParser
import FollowupCore
import FollowupStorage
import Foundation
import Logging

/// `retention`: the closed-case part of a retention pass over N closed cases of which few are
/// due, read through the index of closed cases (`cases_closed`) and, as a peer in the same
/// run on the same file, the full scan the pass did before it (every closed case read, 500 at
/// a time, and filtered); then the due cases erased and the file compacted, as the pass does.
struct RetentionScan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "A retention pass over N closed cases, few due: the index against a full scan.")

    @Option(help: "How many closed cases.") var cases = 100_000
    @Option(help: "How many of them are past retention.closed_cases.") var due = 100
    @Option(help: "How many times each way of finding them is timed (the median is reported).") var runs = 3
    @Option(help: "A folder for the database (created, then removed).") var dir = "/tmp/followupd-bench-retention"

    func run() async throws {
        let folder = URL(fileURLWithPath: dir)
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteCaseStore(
            path: folder.appendingPathComponent("followupd.sqlite").path,
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let now = Date()
        let seedStart = Date()
        try await Self.seedClosed(store, cases, due: due, now: now)
        print("seeded \(cases) closed cases (\(due) due) in \(Self.seconds(Date().timeIntervalSince(seedStart))) s")
        let cutoff = now.addingTimeInterval(-730 * 86_400)
        print("plan: \(try await store.closedCasesPlan().joined(separator: "; "))")

        var indexed: [Double] = []
        var scanned: [Double] = []
        var found: (index: [CaseID], scan: [CaseID]) = ([], [])
        for _ in 1...max(runs, 1) {
            var start = Date()
            found.scan = try await Self.fullScan(store, cutoff: cutoff)
            scanned.append(Date().timeIntervalSince(start))
            start = Date()
            found.index = try await Self.throughIndex(store, cutoff: cutoff)
            indexed.append(Date().timeIntervalSince(start))
        }
        guard found.index == found.scan, found.index.count == due else {
            throw BenchError(
                message: "the two ways found \(found.index.count) and \(found.scan.count) cases, not \(due)")
        }
        let start = Date()
        for id in found.index {
            guard let subject = try await store.findCase(id) else { continue }
            let transition = CaseMachine.erase(
                subject, in: CaseEnvironment(now: now, by: CaseEnvironment.daemon, mailHost: "desk.example"))
            _ = try await store.erase(
                StoredChange(case: transition.case, entries: transition.entries), previousState: subject.state,
                patterns: [subject.client.name])
        }
        let erasing = Date().timeIntervalSince(start)
        let compactStart = Date()
        try await store.compact()
        let compacting = Date().timeIntervalSince(compactStart)
        let (index, scan) = (Self.median(indexed), Self.median(scanned))
        print(
            """
            retention: \(cases) closed cases, \(due) due; finding them (median of \(indexed.count)): \
            index \(String(format: "%.2f", index * 1000)) ms, full scan \(String(format: "%.0f", scan * 1000)) ms \
            (full scan / index = \(String(format: "%.0f", scan / index))x)
            erasing the \(due) due: \(Self.seconds(erasing)) s; compacting the file: \(Self.seconds(compacting)) s
            a pass with the index: \(Self.seconds(index + erasing + compacting)) s; with the full scan: \
            \(Self.seconds(scan + erasing + compacting)) s
            """)
    }

    /// The pass's way: a page of due cases at a time through `cases_closed`.
    static func throughIndex(_ store: SQLiteCaseStore, cutoff: Date) async throws -> [CaseID] {
        var ids: [CaseID] = []
        var after: ClosedCaseKey?
        while true {
            let page = try await store.closedCases(changedBefore: cutoff, after: after, limit: 500)
            ids += page.map(\.id)
            guard page.count == 500, let last = page.last else { break }
            after = last
        }
        return ids.sorted { $0.number < $1.number }
    }

    /// The way before the index: every closed case read, 500 at a time, and filtered.
    static func fullScan(_ store: SQLiteCaseStore, cutoff: Date) async throws -> [CaseID] {
        var ids: [CaseID] = []
        var after: CaseID?
        while true {
            let page = try await store.cases(matching: CaseFilter(state: .closed, limit: 500, afterID: after))
            ids += page.filter { $0.updatedAt <= cutoff && $0.client.name != CaseMachine.erasedText }.map(\.id)
            guard page.count == 500, let last = page.last?.id else { break }
            after = last
        }
        return ids.sorted { $0.number < $1.number }
    }

    /// Opens and closes `count` cases, 5,000 per transaction: `due` of them (spread evenly)
    /// closed 800 days before `now`, the others a day before.
    static func seedClosed(_ store: SQLiteCaseStore, _ count: Int, due: Int, now: Date) async throws {
        let every = max(count / max(due, 1), 1)
        var opened = 0
        while opened < count {
            let size = min(5_000, count - opened)
            let makes: [@Sendable (CaseID) throws -> StoredChange] = (0..<size).map { offset in
                let n = opened + offset + 1
                let isDue = n % every == 0 && n / every <= due
                let openedAt = now.addingTimeInterval(-900 * 86_400)
                let closedAt = now.addingTimeInterval((isDue ? -800 : -1) * 86_400)
                let request = NewCase(
                    client: Client(name: "Cliente \(n)", ticket: "SSC-\(n)"),
                    partner: PartnerContact(name: "SIEG", emails: ["suporte@sieg.example"]),
                    subject: "Assunto \(n)", verification: "Verificar a integração \(n)", owner: "joana",
                    sentAt: openedAt)
                return { id in
                    let open = try CaseMachine.open(
                        request, id: id, in: CaseEnvironment(now: openedAt, by: "joana", mailHost: "desk.example"))
                    let close = try CaseMachine.apply(
                        .close(resolution: "resolvido"), to: open.case,
                        in: CaseEnvironment(now: closedAt, by: "joana", mailHost: "desk.example"))
                    return StoredChange(case: close.case, entries: open.entries + close.entries)
                }
            }
            for result in try await store.openCases(makes) { _ = try result.get() }
            opened += size
        }
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }
}
