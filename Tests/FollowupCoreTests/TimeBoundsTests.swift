import FollowupCore
import Foundation
import Testing

/// SPEC §6.3 "Correction (times)": every time a client or a mail supplies lies between
/// 2000-01-01 and ten years from now, an event's `at` not before the case was opened nor in
/// the future; anything else is refused naming the field, and changes nothing.
@Suite struct TimeBoundsTests {
    let t0 = Fixture.t0
    let hour = Fixture.hour
    static let year0 = Date(timeIntervalSince1970: 946_684_799)  // 1999-12-31T23:59:59Z
    static let far = Fixture.t0.addingTimeInterval(11 * 365 * 86_400)
    static let year1 = Date(timeIntervalSince1970: -62_135_596_800)
    static let epoch = Date(timeIntervalSince1970: 0)

    private func refused(field: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("accepted; expected a refusal naming \(field)")
        } catch let error as FollowupError {
            #expect(error.code == .invalidInput)
            #expect(error.field == field)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: [year0, far, year1, epoch])
    func openRefusesDeadlinesAndImplementationsOutOfRange(time: Date) {
        refused(field: "deadline") { _ = try Fixture.opened { $0.deadline = time } }
        refused(field: "implementation_at") { _ = try Fixture.opened { $0.implementationAt = time } }
    }

    @Test(arguments: [year0, year1, epoch])
    func openRefusesASendTimeBefore2000(time: Date) {
        refused(field: "sent_at") { _ = try Fixture.opened { $0.sentAt = time } }
    }

    @Test(arguments: [year0, far, year1, epoch])
    func updateRefusesDeadlinesAndImplementationsOutOfRange(time: Date) throws {
        let subject = try Fixture.opened()
        let env = Fixture.env(t0.addingTimeInterval(hour))
        refused(field: "deadline") {
            _ = try CaseMachine.apply(.update(CaseUpdate(deadline: .some(time))), to: subject, in: env)
        }
        refused(field: "implementation_at") {
            _ = try CaseMachine.apply(.update(CaseUpdate(implementationAt: .some(time))), to: subject, in: env)
        }
    }

    @Test func deadlinesWithinTenYearsAreTaken() throws {
        let deadline = t0.addingTimeInterval(9 * 365 * 86_400)
        let subject = try Fixture.opened { $0.deadline = deadline }
        #expect(subject.deadline == deadline)
        let moved = try CaseMachine.apply(
            .update(CaseUpdate(deadline: .some(t0.addingTimeInterval(48 * hour)))), to: subject,
            in: Fixture.env(t0.addingTimeInterval(hour)))
        #expect(moved.case.deadline == t0.addingTimeInterval(48 * hour))
    }

    /// Returns, refusals and contacts dated before the case was opened, or in 1970, are refused.
    @Test(arguments: [epoch, Fixture.t0.addingTimeInterval(-86_400), year1])
    func eventsBeforeTheCaseAreRefused(time: Date) throws {
        let subject = try Fixture.opened()
        let env = Fixture.env(t0.addingTimeInterval(hour))
        refused(field: "at") {
            _ = try CaseMachine.apply(.partnerReplied(kind: .info, at: time, note: "ok"), to: subject, in: env)
        }
        refused(field: "at") {
            _ = try CaseMachine.apply(.partnerRefused(at: time, note: "não"), to: subject, in: env)
        }
        refused(field: "at") {
            _ = try CaseMachine.apply(.contactSent(ContactRecord(at: time)), to: subject, in: env)
        }
    }

    /// A request sent days before the case was recorded: returns since then are fine.
    @Test func eventsAfterAnEarlierFirstContactAreTaken() throws {
        let subject = try Fixture.opened { $0.sentAt = Fixture.t0.addingTimeInterval(-72 * 3600) }
        let at = t0.addingTimeInterval(-48 * hour)
        let replied = try CaseMachine.apply(
            .partnerReplied(kind: .info, at: at, note: "ok"), to: subject, in: Fixture.env(t0))
        #expect(replied.case.returns.last?.at == at)
    }

    @Test func clockSkewOfAFewMinutesIsTolerated() throws {
        let subject = try Fixture.opened()
        let replied = try CaseMachine.apply(
            .partnerReplied(kind: .info, at: t0.addingTimeInterval(-120), note: "ok"), to: subject,
            in: Fixture.env(t0.addingTimeInterval(60)))
        #expect(replied.case.state == .awaitingUs)
    }

    /// A partner's mail dated 1900 (or from the future) counts as received now.
    @Test(arguments: [Date(timeIntervalSince1970: -2_208_988_800), epoch, Fixture.t0.addingTimeInterval(86_400)])
    func aMailDateOutOfRangeIsReplacedByTheTimeItArrived(date: Date) throws {
        let subject = try Fixture.opened()
        let now = t0.addingTimeInterval(5 * hour)
        let replied = try CaseMachine.apply(
            .mailReceived(kind: .info, at: date, text: "segue", from: "suporte@sieg.example", excerpt: "segue"),
            to: subject, in: Fixture.env(now, by: CaseEnvironment.daemon))
        #expect(replied.case.returns.last?.at == now)
        #expect(replied.case.nextStage?.kind == .ownerReminder)
        #expect(replied.case.nextStage?.dueAt == now.addingTimeInterval(24 * hour))
    }

    @Test func aPlausibleMailDateIsKept() throws {
        let subject = try Fixture.opened()
        let date = t0.addingTimeInterval(2 * hour)
        let replied = try CaseMachine.apply(
            .mailReceived(kind: .info, at: date, text: "segue", from: "suporte@sieg.example", excerpt: nil),
            to: subject, in: Fixture.env(t0.addingTimeInterval(5 * hour), by: CaseEnvironment.daemon))
        #expect(replied.case.returns.last?.at == date)
    }
}
