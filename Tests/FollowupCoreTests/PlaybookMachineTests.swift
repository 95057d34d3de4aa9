import FollowupCore
import Foundation
import Testing

/// The other case kinds (§5 rules 1 and 7), the work order (rule 4) and the Premium-site rule
/// (rule 6), without I/O.
@Suite struct PlaybookMachineTests {
    let t0 = Fixture.t0

    func cancellation() throws -> Case {
        let request = NewCase(
            kind: .cancellation, client: Client(name: "Contábil Alfa", ticket: "SSC-7"), partner: nil, subject: "",
            verification: "", owner: "joana")
        return try CaseMachine.open(request, id: CaseID(7), in: Fixture.env(t0)).case
    }

    @Test func aCancellationRemindsTheOwnerUntilTheContact() throws {
        var subject = try cancellation()
        #expect(subject.kind == .cancellation && subject.state == .awaitingUs)
        #expect(subject.subject == "Pedido de cancelamento")
        let produced = Fixture.walk(&subject, until: t0.addingTimeInterval(49 * Fixture.hour))
        let events = produced.flatMap(\.actions).compactMap { action -> NotificationEvent? in
            if case .notify(let intent) = action { return intent.event }
            return nil
        }
        #expect(events == [.cancellationReminder, .cancellationReminder], "every 24 h by default")
        let contacted = try CaseMachine.apply(
            .clientContact(summary: "liguei"), to: subject, in: Fixture.env(t0.addingTimeInterval(50 * Fixture.hour)))
        #expect(contacted.case.timers.ownerReminder == nil)
        #expect(contacted.case.cancellation?.contactSummary == "liguei")
        #expect(contacted.entries.map(\.kind) == [.clientContactRecorded])
    }

    @Test func closingACancellationNeedsTheContactAndTheWholeReason() throws {
        let subject = try cancellation()
        let env = Fixture.env(t0.addingTimeInterval(60))
        #expect(throws: FollowupError.self) {
            try CaseMachine.apply(
                .closeCancellation(reason: .price, partnerSystem: nil, text: "caro"), to: subject, in: env)
        }
        #expect(throws: FollowupError.self) { try CaseMachine.apply(.close(resolution: "ok"), to: subject, in: env) }
        let contacted = try CaseMachine.apply(.clientContact(summary: "liguei"), to: subject, in: env).case
        #expect(throws: FollowupError.self) {
            try CaseMachine.apply(
                .closeCancellation(reason: .partnerSystem, partnerSystem: " ", text: "x"), to: contacted, in: env)
        }
        let closed = try CaseMachine.apply(
            .closeCancellation(reason: .partnerSystem, partnerSystem: "Fiscosoft", text: "migrou"), to: contacted,
            in: env
        ).case
        #expect(closed.state == .closed)
        #expect(closed.cancellation?.reason == .partnerSystem && closed.cancellation?.partnerSystem == "Fiscosoft")
        let block = try #require(closed.cancellation).ticketBlock(
            case: "FU-7", client: closed.client, owner: closed.owner,
            timeZone: TimeZone(identifier: "America/Sao_Paulo")!)
        #expect(block.contains("Motivo real: contratou sistema parceiro (Fiscosoft)"))
        #expect(block.contains("chamado SSC-7"))
        // Partner commands make no sense on a cancellation.
        #expect(throws: FollowupError.self) {
            try CaseMachine.apply(.partnerReplied(kind: .info, at: nil, note: "x"), to: subject, in: env)
        }
    }

    @Test func aCancellationHasNoPartner() {
        let request = NewCase(
            kind: .cancellation, client: Client(name: "C"), partner: PartnerContact(name: "SIEG"), subject: "",
            verification: "", owner: "joana")
        #expect(throws: FollowupError.self) { try CaseMachine.open(request, id: CaseID(1), in: Fixture.env(t0)) }
    }

    @Test func aHandoffAsksTheLeaderAndClosesOnTheAcknowledgement() throws {
        let request = NewCase(
            kind: .handoff, client: Client(name: "Padaria", email: "c@padaria.example"),
            partner: PartnerContact(name: "SIEG"), subject: "", verification: "", owner: "joana",
            note: "ajustado o XML")
        let opened = try CaseMachine.open(request, id: CaseID(3), in: Fixture.env(t0))
        let intents = opened.actions.compactMap { action -> NotificationIntent? in
            if case .notify(let intent) = action { return intent }
            return nil
        }
        #expect(intents.map(\.event) == [.handoffCreated, .handoffCreated])
        #expect(intents[0].audience == [.leaders] && intents[0].needsAck)
        #expect(intents[1].audience == [.client] && !intents[1].needsAck)
        #expect(intents[0].summary.contains("FU-3") && intents[0].summary.contains("ajustado o XML"))
        let acked = try CaseMachine.apply(
            .acknowledge(notification: "n1", event: .handoffCreated), to: opened.case, in: Fixture.env(t0, by: "ana"))
        #expect(acked.case.state == .closed)
        #expect(acked.entries.map(\.kind) == [.acknowledged, .closed])
    }

    @Test func theWorkOrderIsOldestFirstUnlessAnAllowedReasonSkips() throws {
        func waiting(_ n: Int, _ flag: CaseFlag? = nil) throws -> Case {
            var subject = try Fixture.opened(at: t0.addingTimeInterval(Double(n) * 60))
            subject.id = CaseID(Int64(n))
            subject.state = .awaitingUs
            if let flag { subject.flags[flag] = Case.FlagMark(at: t0, by: "joana") }
            return subject
        }
        let plain = WorkOrder.queue([try waiting(3), try waiting(1), try waiting(2)])
        #expect(plain.map(\.case.id.number) == [1, 2, 3])
        let skipped = WorkOrder.queue([
            try waiting(1), try waiting(2, .priorityEmail), try waiting(3, .urgent), try waiting(4, .clientContacted),
            try waiting(5, .priority),
        ])
        #expect(skipped.map(\.case.id.number) == [3, 4, 2, 1, 5], "the priority flag alone is no reason to skip")
        #expect(skipped.map(\.skip) == [.urgent, .clientContacted, .priorityEmail, nil, nil])
        var partner = try waiting(6)
        partner.state = .awaitingPartner
        #expect(WorkOrder.queue([partner]).isEmpty, "a case waiting on the partner is not ours to take")
    }

    @Test(arguments: [("2021-12-31", true), ("2022-01-01", false), ("2015-06-10", true), ("2026-11-29", false)])
    func thePremiumSiteRule(day: String, entitled: Bool) throws {
        let date = try #require(LocalDate(parsing: day))
        #expect(Entitlement.premiumSite(contractedOn: date).entitled == entitled)
    }
}
