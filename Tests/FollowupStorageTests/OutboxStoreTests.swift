import FollowupCore
import FollowupStorage
import Foundation
import Testing

/// The outbox's storage contract (§4.1), run against every engine: claims are leases, a
/// case's notifications come out in order, attempts are recorded, digests fold, failed rows
/// are queued again, and one acknowledgement closes an event's whole group.
@Suite struct OutboxStoreTests {
    let t0 = StoreFixture.t0

    /// Opens case 1 and queues `rows` (made from its id) with it.
    func openWith(_ store: any CaseStore, _ rows: @escaping @Sendable (CaseID) -> [OutboxMessage]) async throws -> Case
    {
        let request = StoreFixture.request(1)
        let t0 = self.t0
        return try await store.openCase { id in
            var change = StoreFixture.change(
                try CaseMachine.open(request, id: id, in: StoreFixture.env(t0)), at: t0)
            change.outbox = rows(id)
            return change
        }
    }

    static func row(
        _ id: String, _ caseID: CaseID?, at: Date, to recipient: String = "ana@desk.example",
        needsAck: Bool = false, group: String? = nil, ackDueAt: Date? = nil
    ) -> OutboxMessage {
        OutboxMessage(
            id: id, caseID: caseID, event: needsAck ? .priorityRequested : .resent, channel: .mail,
            recipient: recipient, needsAck: needsAck, createdAt: at, nextAttemptAt: at, payload: Data("{}".utf8),
            ackGroup: group, ackDueAt: ackDueAt)
    }

    @Test(arguments: StoreEngine.allCases)
    func claimsAreLeasesAndACaseLineComesOutInOrder(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let t0 = self.t0
            _ = try await openWith(store) { id in
                [
                    Self.row("a1", id, at: t0), Self.row("a2", id, at: t0.addingTimeInterval(1)),
                    Self.row("b1", id, at: t0, to: "carlos@desk.example"),
                ]
            }
            let now = t0.addingTimeInterval(10)
            let first = try await store.claimNotifications(now: now, limit: 10, leaseUntil: now.addingTimeInterval(60))
            #expect(Set(first.map(\.id)) == ["a1", "b1"], "only the head of each case's line to one recipient")
            // Leased: nothing more until the lease ends, even though a2 is due.
            #expect(try await store.claimNotifications(now: now, limit: 10, leaseUntil: now).isEmpty)
            try await store.recordDeliveries([
                DeliveryRecord(
                    id: "a1", attempt: DeliveryAttempt(number: 1, at: now, result: "delivered"), next: .delivered)
            ])
            let second = try await store.claimNotifications(now: now, limit: 10, leaseUntil: now.addingTimeInterval(60))
            #expect(second.map(\.id) == ["a2"])
            // b1's lease ends unrecorded (a crash): it is claimed again under the same id.
            let later = now.addingTimeInterval(61)
            let again = try await store.claimNotifications(now: later, limit: 10, leaseUntil: later)
            #expect(Set(again.map(\.id)) == ["a2", "b1"])
            let counts = try await store.counts()
            #expect(counts.outbox[.delivered] == 1)
            #expect(counts.outbox[.pending] == 2)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func attemptsAreRecordedUntilFailedThenRequeued(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let t0 = self.t0
            _ = try await openWith(store) { id in [Self.row("n1", id, at: t0)] }
            let retryAt = t0.addingTimeInterval(30)
            try await store.recordDeliveries([
                DeliveryRecord(
                    id: "n1",
                    attempt: DeliveryAttempt(number: 1, at: t0, result: "retry", httpStatus: 500, error: "HTTP 500"),
                    next: .retry(at: retryAt))
            ])
            #expect(try await store.nextNotificationDue() == retryAt)
            let notice = Self.row("f1", nil, at: retryAt, to: "ops@desk.example")
            try await store.recordDeliveries([
                DeliveryRecord(
                    id: "n1", attempt: DeliveryAttempt(number: 2, at: retryAt, result: "failed", httpStatus: 410),
                    next: .failed, also: [notice])
            ])
            let failed = try #require(try await store.notification("n1"))
            #expect(failed.state == .failed)
            #expect(failed.attempts == 2)
            #expect(try await store.notification("f1")?.state == .pending, "the failure notice is queued with it")
            let history = try await store.deliveryAttempts(of: "n1")
            #expect(history.map(\.number) == [1, 2])
            #expect(history.map(\.result) == ["retry", "failed"])
            #expect(history.first?.httpStatus == 500 && history.first?.error == "HTTP 500")
            #expect(try await store.counts().outbox[.failed] == 1)

            await #expect(throws: FollowupError.self) { try await store.requeueNotification("f1", at: retryAt) }
            await #expect(throws: FollowupError.self) { try await store.requeueNotification("nope", at: retryAt) }
            let requeued = try await store.requeueNotification("n1", at: retryAt)
            #expect(requeued.state == .pending && requeued.attempts == 0)
            let counts = try await store.counts()
            #expect(counts.outbox[.failed] == 0)
            #expect(counts.outbox[.pending] == 2)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func foldingMarksDigestedAndQueuesTheDigest(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let t0 = self.t0
            _ = try await openWith(store) { id in
                [Self.row("d1", id, at: t0), Self.row("d2", id, at: t0), Self.row("d3", id, at: t0)]
            }
            try await store.recordDeliveries([
                DeliveryRecord(
                    id: "d3", attempt: DeliveryAttempt(number: 1, at: t0, result: "delivered"), next: .delivered)
            ])
            let digest = OutboxMessage(
                id: "dg", caseID: nil, event: .digest, channel: .mail, recipient: "ana@desk.example", needsAck: false,
                createdAt: t0, nextAttemptAt: t0, payload: Data("{}".utf8))
            let folded = try await store.fold(["d1", "d2", "d3"], into: digest)
            #expect(folded == ["d1", "d2"], "a delivered one is not folded")
            #expect(try await store.notification("d1")?.digestID == "dg")
            #expect(try await store.notification("dg")?.state == .pending)
            let counts = try await store.counts()
            #expect(counts.outbox[.digested] == 2)
            #expect(counts.outbox[.pending] == 1)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func oneAcknowledgementClosesTheGroupAndGoesOnTheTimeline(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let t0 = self.t0
            let due = t0.addingTimeInterval(4 * 3600)
            let opened = try await openWith(store) { id in
                [
                    Self.row("p1", id, at: t0, needsAck: true, group: "p1", ackDueAt: due),
                    Self.row("p2", id, at: t0, to: "bia@desk.example", needsAck: true, group: "p1"),
                    Self.row("r1", id, at: t0),
                ]
            }
            let late = due.addingTimeInterval(1)
            #expect(try await store.overdueAcknowledgements(now: late, limit: 10).map(\.id) == ["p1"])
            #expect(try await store.nextNotificationDue() == t0)

            // A reminder joins the group and moves the next reminder on.
            let reminder = Self.row("p3", opened.id, at: late, to: "carla@desk.example", needsAck: true, group: "p1")
            let next = late.addingTimeInterval(4 * 3600)
            #expect(try await store.remind(group: "p1", with: [reminder], nextDueAt: next))
            #expect(try await store.overdueAcknowledgements(now: late, limit: 10).isEmpty)
            #expect(try await store.notification("p1")?.reminders == 1)

            await #expect(throws: FollowupError.self) {
                try await store.acknowledge("r1", by: "ana", at: late) { _, _ in nil }
            }
            let acknowledged = try await store.acknowledge("p3", by: "bia", at: late) { current, message in
                var subject = current
                subject.lastSeq += 1
                let entry = TimelineEntry(
                    seq: subject.lastSeq, kind: .acknowledged, at: late, by: "bia", note: message.id)
                return StoredChange(case: subject, entries: [entry])
            }
            #expect(acknowledged.acknowledgedBy == "bia")
            for id in ["p1", "p2", "p3"] {
                #expect(try await store.notification(id)?.acknowledgedBy == "bia", "\(id) closed with the group")
            }
            #expect(try await store.timeline(of: opened.id).last?.kind == .acknowledged)
            // Again: the first acknowledgement stands, nothing is added.
            let again = try await store.acknowledge("p2", by: "carla", at: next) { _, _ in
                Issue.record("an acknowledged group does not change the case again")
                return nil
            }
            #expect(again.acknowledgedBy == "bia")
            #expect(try await store.overdueAcknowledgements(now: next.addingTimeInterval(1), limit: 10).isEmpty)
            #expect(!(try await store.remind(group: "p1", with: [], nextDueAt: nil)), "no reminder once acknowledged")
        }
    }
}
