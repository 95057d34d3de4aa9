import FollowupCore
import FollowupStorage
import Foundation
import Testing

/// Times at the calendar's edges survive storage (DocumentCoding, seconds since 1970) and the
/// JSON everyone else reads (JSONCoding, RFC 3339) unchanged, in both engines.
@Suite struct StoredTimesTests {
    static let edges: [Date] = [
        Timestamp.earliest, Date(timeIntervalSince1970: -12_219_292_800.5),  // 1582-10-15, half a second before
        Date(timeIntervalSince1970: 946_684_800.125), Timestamp.latest,
    ]

    @Test(arguments: StoreEngine.allCases)
    func timesAtTheEdgesOfTheCalendarReadBackExactly(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            try await StoreFixture.open(store)
            for (index, edge) in Self.edges.enumerated() {
                let now = StoreFixture.t0.addingTimeInterval(Double(index + 1))
                let written = try await store.updateCase(CaseID(1)) { current in
                    var transition = try CaseMachine.apply(
                        .addNote("marco \(index)"), to: current, in: StoreFixture.env(now))
                    transition.case.deadline = edge
                    transition.case.implementationAt = edge
                    return StoreFixture.change(transition, at: now)
                }
                let read = try #require(try await store.findCase(CaseID(1)))
                #expect(read == written)
                #expect(read.deadline == edge, "\(Timestamp.format(edge))")
                let json = try JSONCoding.encoder().encode(read)
                let back = try JSONCoding.decoder().decode(Case.self, from: json)
                #expect(back.deadline.map(Timestamp.format) == Timestamp.format(edge))
                #expect(abs((back.deadline ?? .distantPast).timeIntervalSince(edge)) < 0.0005)
            }
        }
    }
}
