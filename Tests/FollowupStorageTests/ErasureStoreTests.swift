import FollowupCore
import FollowupStorage
import Foundation
import Testing

/// Erasure in each storage engine (LGPD, §6.10): the case's texts scrubbed, its reports and
/// notification payloads gone, a tombstone last, the counts unchanged, other cases intact.
@Suite struct ErasureStoreTests {
    static let t0 = StoreFixture.t0

    @Test(arguments: StoreEngine.allCases)
    func erasingACaseScrubsItsDataAndKeepsOthers(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let first = try await StoreFixture.open(store, 1)
            try await StoreFixture.open(store, 2)
            for (id, text) in [(first.id, "nota secreta"), (CaseID(2), "nota do outro")] {
                _ = try await store.updateCase(id) { current in
                    StoreFixture.change(
                        try CaseMachine.apply(.addNote(text), to: current, in: StoreFixture.env(Self.t0)), at: Self.t0)
                }
            }
            _ = try await store.updateCase(first.id) { current in
                StoreFixture.change(
                    try CaseMachine.apply(
                        .partnerRefused(at: nil, note: "recusa"), to: current, in: StoreFixture.env(Self.t0)),
                    at: Self.t0)
            }
            let before = try #require(try await store.findCase(first.id))
            let reportID = try #require(before.reports.first?.id)
            #expect(try await store.report(id: reportID) != nil)
            let transition = CaseMachine.erase(before, in: StoreFixture.env(Self.t0, by: "root"))
            let eraser = try #require(store as? any CaseErasure)
            let records = try await eraser.erase(
                StoredChange(case: transition.case, entries: transition.entries), previousState: before.state,
                patterns: ["Cliente 1", "nota secreta"])
            #expect(!records.notifications.isEmpty)

            let after = try #require(try await store.findCase(first.id))
            #expect(after.client.name == "[erased]" && after.recordedNotes.isEmpty)
            let timeline = try await store.timeline(of: first.id)
            #expect(timeline.last?.kind == .erased && timeline.last?.by == "root")
            #expect(timeline.dropLast().allSatisfy { $0.note == nil || $0.note == "[erased]" })
            #expect(try await store.report(id: reportID) == nil)
            let outbox = try await store.outbox(state: nil, limit: 100)
            #expect(outbox.filter { $0.caseID == first.id }.allSatisfy { $0.payload == Data("{}".utf8) })
            #expect(try await store.counts().cases[.returnedToClient] == 1)
            // The other case is untouched.
            let other = try #require(try await store.findCase(CaseID(2)))
            #expect(other.client.name == "Cliente 2")
            #expect(try await store.timeline(of: CaseID(2)).contains { $0.note == "nota do outro" })
        }
    }

    /// Retention forgets inbox records on no case received before its cutoff; newer ones and
    /// those on a case stay.
    @Test(arguments: StoreEngine.allCases)
    func oldInboxRecordsOnNoCaseAreForgotten(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let subject = try await StoreFixture.open(store, 1)
            func record(_ id: String, daysAgo: Double, state: InboundRecord.State, on caseID: CaseID? = nil)
                -> InboundRecord
            {
                InboundRecord(
                    id: id, receivedAt: Self.t0.addingTimeInterval(-daysAgo * 86_400), from: "x@cliente.example",
                    subject: "Pedido de \(id)", messageID: nil, kind: .reply, state: state, caseID: caseID,
                    reason: "", excerpt: "texto", file: id)
            }
            for item in [
                record("old-unmatched", daysAgo: 100, state: .unmatched),
                record("old-dismissed", daysAgo: 100, state: .dismissed),
                record("new-unmatched", daysAgo: 10, state: .unmatched),
                record("old-on-case", daysAgo: 100, state: .recorded, on: subject.id),
            ] {
                #expect(try await store.recordInbound(item, onCase: nil))
            }
            let eraser = try #require(store as? any CaseErasure)
            let forgotten = try await eraser.forgetInbound(receivedBefore: Self.t0.addingTimeInterval(-90 * 86_400))
            #expect(forgotten == 2)
            let left = try await store.inbox(state: nil, limit: 10).map(\.id).sorted()
            #expect(left == ["new-unmatched", "old-on-case"])
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func anErasurePreparedFromAStaleCaseIsRefused(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let stale = try await StoreFixture.open(store, 1)
            _ = try await store.updateCase(stale.id) { current in
                StoreFixture.change(
                    try CaseMachine.apply(.addNote("nova nota"), to: current, in: StoreFixture.env(Self.t0)),
                    at: Self.t0)
            }
            let transition = CaseMachine.erase(stale, in: StoreFixture.env(Self.t0, by: "root"))
            let eraser = try #require(store as? any CaseErasure)
            await #expect(throws: FollowupError.self) {
                _ = try await eraser.erase(
                    StoredChange(case: transition.case, entries: transition.entries), previousState: stale.state,
                    patterns: ["Cliente 1"])
            }
            let kept = try #require(try await store.findCase(stale.id))
            #expect(kept.client.name == "Cliente 1")
            #expect(try await store.timeline(of: stale.id).last?.note == "nova nota")
        }
    }
}
