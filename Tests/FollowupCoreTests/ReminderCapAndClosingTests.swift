import FollowupCore
import Foundation
import Testing

/// `policy.max_owner_reminders` stops a series of owner reminders, and
/// `policy.close_returned_after` closes a case left with the client (SPEC §6.10, §4.2), on
/// the machine's injected time.
@Suite struct ReminderCapAndClosingTests {
    let t0 = Fixture.t0
    let hour = Fixture.hour
    let day: TimeInterval = 86_400

    func waitingOnUs(policy: CasePolicy) throws -> Case {
        try CaseMachine.apply(
            .partnerReplied(kind: .info, at: nil, note: "retorno"), to: Fixture.opened(policy: policy),
            in: Fixture.env(t0, policy: policy)
        ).case
    }

    func withTheClient(policy: CasePolicy) throws -> Case {
        try CaseMachine.apply(
            .partnerRefused(at: nil, note: "falem com o cliente"), to: Fixture.opened(policy: policy),
            in: Fixture.env(t0, policy: policy)
        ).case
    }

    @Test func ownerRemindersStopAfterTheDefaultFive() throws {
        var subject = try waitingOnUs(policy: .standard)
        let fired = Fixture.walk(&subject, until: t0.addingTimeInterval(30 * day))
        let reminders = fired.flatMap(\.entries).filter { $0.kind == .ownerReminded }
        #expect(reminders.map(\.ordinal) == [1, 2, 3, 4, 5])
        #expect(reminders.last?.note == "last owner reminder of this cycle (max_owner_reminders: 5)")
        #expect(reminders.dropLast().allSatisfy { $0.note == nil })
        #expect(subject.timers.ownerReminder == nil)
        #expect(subject.nextStage == nil, "nothing more armed")
        #expect(fired.last?.notifiedEvents == [.ownerReminder], "the fifth is still sent")
    }

    @Test(arguments: [1, 2, 7])
    func theCapIsTheConfiguredNumber(cap: Int) throws {
        var policy = CasePolicy.standard
        policy.maxOwnerReminders = cap
        var subject = try waitingOnUs(policy: policy)
        let fired = Fixture.walk(&subject, until: t0.addingTimeInterval(30 * day), policy: policy)
        #expect(fired.flatMap(\.entries).filter { $0.kind == .ownerReminded }.count == cap)
    }

    @Test func zeroMeansNoCap() throws {
        var policy = CasePolicy.standard
        policy.maxOwnerReminders = 0
        var subject = try waitingOnUs(policy: policy)
        let fired = Fixture.walk(&subject, until: t0.addingTimeInterval(10 * day), policy: policy)
        #expect(fired.flatMap(\.entries).filter { $0.kind == .ownerReminded }.count == 10)
        #expect(subject.nextStage?.kind == .ownerReminder)
    }

    /// The cap is per cycle: a second informative return in the same cycle arms only what is
    /// left, a reopening likewise; our next contact starts a new cycle with the whole cap.
    @Test func theCapCountsTheCycleAndANewCycleStartsAfresh() throws {
        var policy = CasePolicy.standard
        policy.maxOwnerReminders = 3
        var subject = try waitingOnUs(policy: policy)
        _ = Fixture.walk(&subject, until: t0.addingTimeInterval(2 * day), policy: policy)
        #expect(subject.cycle.ownerReminders == 2)
        let second = t0.addingTimeInterval(2 * day + hour)
        subject = try CaseMachine.apply(
            .partnerReplied(kind: .info, at: nil, note: "mais um retorno"), to: subject,
            in: Fixture.env(second, policy: policy)
        ).case
        var fired = Fixture.walk(&subject, until: second.addingTimeInterval(30 * day), policy: policy)
        #expect(fired.flatMap(\.entries).filter { $0.kind == .ownerReminded }.count == 1, "one left of three")
        #expect(subject.nextStage == nil)
        // A second return after the cap arms nothing.
        let third = second.addingTimeInterval(31 * day)
        subject = try CaseMachine.apply(
            .partnerReplied(kind: .info, at: nil, note: "ainda outro"), to: subject,
            in: Fixture.env(third, policy: policy)
        ).case
        #expect(subject.timers.ownerReminder == nil)
        // Our next contact starts cycle 2; the partner's return there gets three again.
        let contact = third.addingTimeInterval(hour)
        subject = try CaseMachine.apply(
            .contactSent(ContactRecord(channel: .phone)), to: subject, in: Fixture.env(contact, policy: policy)
        ).case
        #expect(subject.cycle.number == 2 && subject.cycle.ownerReminders == 0)
        subject = try CaseMachine.apply(
            .partnerReplied(kind: .info, at: nil, note: "retorno do ciclo 2"), to: subject,
            in: Fixture.env(contact.addingTimeInterval(hour), policy: policy)
        ).case
        fired = Fixture.walk(&subject, until: contact.addingTimeInterval(30 * day), policy: policy)
        #expect(fired.flatMap(\.entries).filter { $0.kind == .ownerReminded }.map(\.ordinal) == [1, 2, 3])
        #expect(subject.nextStage == nil)
    }

    /// A cycle stored before `owner_reminders` existed reads as one with none sent.
    @Test func aCycleStoredWithoutTheCountStillReads() throws {
        let json = Data(#"{"number":2,"started_at":"2026-11-17T12:00:00Z","resends":1,"acknowledged":false}"#.utf8)
        let cycle = try JSONCoding.decoder().decode(Cycle.self, from: json)
        #expect(cycle.number == 2 && cycle.resends == 1 && cycle.ownerReminders == 0)
    }

    /// A series stored before the cap existed (no `limit`) follows the policy of today.
    @Test func aSeriesStoredWithoutItsCapFollowsTheCurrentPolicy() throws {
        var subject = try waitingOnUs(policy: .standard)
        subject.timers.ownerReminder?.limit = nil
        var policy = CasePolicy.standard
        policy.maxOwnerReminders = 2
        let fired = Fixture.walk(&subject, until: t0.addingTimeInterval(30 * day), policy: policy)
        #expect(fired.flatMap(\.entries).filter { $0.kind == .ownerReminded }.count == 2)
        let json = try JSONCoding.encoder().encode(try waitingOnUs(policy: .standard).timers.ownerReminder)
        #expect(String(decoding: json, as: UTF8.self).contains("\"limit\":5"), "armed series keep their cap")
    }

    @Test func aCaseLeftWithTheClientIsClosedAfterTheDuration() throws {
        var policy = CasePolicy.standard
        policy.closeReturnedAfter = .days(14)
        var subject = try withTheClient(policy: policy)
        #expect(subject.nextStage?.kind == .closeReturned)
        #expect(subject.nextStage?.dueAt == t0.addingTimeInterval(14 * day))
        #expect(Fixture.walk(&subject, until: t0.addingTimeInterval(14 * day - 1), policy: policy).isEmpty)
        let fired = Fixture.walk(&subject, until: t0.addingTimeInterval(14 * day), policy: policy)
        #expect(fired.count == 1)
        #expect(subject.state == .closed)
        let entry = try #require(fired.first?.entries.first)
        #expect(entry.kind == .closed)
        #expect(entry.by == CaseEnvironment.daemon)
        #expect(entry.stage == "close_returned")
        #expect(entry.note?.contains("close_returned_after") == true)
        #expect(subject.nextStage == nil)
        // Closing it again is never possible: the stage is no longer armed.
        let stage = Stage(kind: .closeReturned, series: 1, ordinal: 1, dueAt: t0.addingTimeInterval(14 * day))
        #expect(CaseMachine.fire(stage, on: subject, in: Fixture.env(t0.addingTimeInterval(20 * day))) == nil)
    }

    @Test func anythingNewPutsTheClosingOff() throws {
        var policy = CasePolicy.standard
        policy.closeReturnedAfter = .days(14)
        var subject = try withTheClient(policy: policy)
        let noteAt = t0.addingTimeInterval(10 * day)
        subject = try CaseMachine.apply(
            .addNote("cliente vai ligar para o parceiro"), to: subject,
            in: Fixture.env(noteAt, policy: policy)
        ).case
        #expect(subject.nextStage?.dueAt == noteAt.addingTimeInterval(14 * day))
        #expect(Fixture.walk(&subject, until: t0.addingTimeInterval(20 * day), policy: policy).isEmpty)
        #expect(subject.state == .returnedToClient)
        _ = Fixture.walk(&subject, until: noteAt.addingTimeInterval(14 * day), policy: policy)
        #expect(subject.state == .closed)
    }

    @Test func anAutomaticReplyIsNotNews() throws {
        var policy = CasePolicy.standard
        policy.closeReturnedAfter = .days(14)
        var subject = try withTheClient(policy: policy)
        subject = try CaseMachine.apply(
            .partnerReplied(kind: .auto, at: nil, note: "ausente do escritório"), to: subject,
            in: Fixture.env(t0.addingTimeInterval(10 * day), policy: policy)
        ).case
        #expect(subject.nextStage?.dueAt == t0.addingTimeInterval(14 * day))
        _ = Fixture.walk(&subject, until: t0.addingTimeInterval(14 * day), policy: policy)
        #expect(subject.state == .closed)
    }

    @Test func clientRemindersAreNotNews() throws {
        var policy = CasePolicy.standard
        policy.closeReturnedAfter = .days(14)
        policy.clientReminderAfter = .days(3)
        var subject = try withTheClient(policy: policy)
        let fired = Fixture.walk(&subject, until: t0.addingTimeInterval(14 * day), policy: policy)
        #expect(
            fired.flatMap(\.entryKinds) == [
                .clientReminded, .clientReminded, .clientReminded, .clientReminded, .closed,
            ])
        #expect(subject.state == .closed)
    }

    @Test func leavingTheClientDisarmsTheClosing() throws {
        var policy = CasePolicy.standard
        policy.closeReturnedAfter = .days(14)
        var subject = try withTheClient(policy: policy)
        subject = try CaseMachine.apply(
            .contactSent(ContactRecord(channel: .phone)), to: subject,
            in: Fixture.env(t0.addingTimeInterval(day), policy: policy)
        ).case
        #expect(subject.state == .awaitingPartner)
        #expect(subject.timers.closeReturned == nil)
        #expect(!subject.armedStages.contains { $0.kind == .closeReturned })
    }

    @Test func offByDefault() throws {
        let subject = try withTheClient(policy: .standard)
        #expect(subject.timers.closeReturned == nil)
        #expect(!subject.armedStages.contains { $0.kind == .closeReturned })
    }
}
