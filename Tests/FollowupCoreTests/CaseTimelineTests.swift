import FollowupCore
import Foundation
import Testing

/// Walks time across the 24 h and 72 h deadlines of §3 on an injected clock.
@Suite struct CaseTimelineTests {
    let hour = Fixture.hour
    let t0 = Fixture.t0

    @Test func resendAt24hThenReportAt72h() throws {
        var subject = try Fixture.opened()
        #expect(subject.nextStage?.kind == .resend)
        #expect(subject.nextStage?.dueAt == t0.addingTimeInterval(24 * hour))
        #expect(Fixture.walk(&subject, until: t0.addingTimeInterval(24 * hour - 1)).isEmpty)

        let resends = Fixture.walk(&subject, until: t0.addingTimeInterval(24 * hour))
        #expect(resends.count == 1)
        #expect(resends[0].entryKinds == [.resent])
        #expect(subject.attempts.count == 2)
        #expect(subject.attempts[1].by == CaseEnvironment.daemon)
        #expect(subject.cycle.resends == 1)
        guard case .mailPartner(let mail) = resends[0].actions.first else {
            Issue.record("the resend did not mail the partner")
            return
        }
        #expect(mail.to == ["suporte@sieg.example"])
        #expect(mail.references.first == "<first@desk.example>")
        #expect(mail.inReplyTo == "<first@desk.example>")
        #expect(mail.messageID.hasPrefix("<FU-1.resend."))
        #expect(resends[0].notifiedEvents == [.resent])

        #expect(subject.nextStage?.kind == .report)
        #expect(Fixture.walk(&subject, until: t0.addingTimeInterval(72 * hour - 1)).isEmpty)
        let reports = Fixture.walk(&subject, until: t0.addingTimeInterval(72 * hour))
        #expect(reports.count == 1)
        #expect(subject.state == .returnedToClient)
        #expect(subject.reports.map(\.reason) == [.noReply])
        #expect(reports[0].notifiedEvents == [.reportGenerated])
        #expect(subject.nextStage == nil, "client reminders are off by default")
    }

    @Test func ackStopsResendsButKeepsTheReport() throws {
        var subject = try Fixture.opened()
        subject = try CaseMachine.apply(
            .partnerReplied(kind: .ack, at: nil, note: "estamos vendo"), to: subject,
            in: Fixture.env(t0.addingTimeInterval(2 * hour))
        ).case
        #expect(subject.state == .awaitingPartner)
        #expect(subject.nextStage?.kind == .report)
        let fired = Fixture.walk(&subject, until: t0.addingTimeInterval(100 * hour))
        #expect(fired.count == 1)
        #expect(subject.reports.first?.reason == .noInformation)
        #expect(subject.attempts.count == 1, "no resend after an acknowledgement")
    }

    @Test func autoReplyChangesNothing() throws {
        let subject = try Fixture.opened()
        let after = try CaseMachine.apply(
            .partnerReplied(kind: .auto, at: nil, note: nil), to: subject, in: Fixture.env(t0.addingTimeInterval(hour))
        ).case
        #expect(after.armedStages == subject.armedStages)
        #expect(after.state == .awaitingPartner)
        #expect(after.returns.map(\.kind) == [.auto])
    }

    @Test func infoReturnThenNewContactRestartsTheClockFromItsSendTime() throws {
        var subject = try Fixture.opened()
        subject = try CaseMachine.apply(
            .partnerReplied(kind: .info, at: nil, note: "precisamos do XML"), to: subject,
            in: Fixture.env(t0.addingTimeInterval(10 * hour))
        ).case
        #expect(subject.state == .awaitingUs)
        #expect(subject.nextStage?.kind == .ownerReminder)
        #expect(subject.nextStage?.dueAt == t0.addingTimeInterval(34 * hour))
        let sentAt = t0.addingTimeInterval(30 * hour)
        subject = try CaseMachine.apply(
            .contactSent(ContactRecord(at: sentAt, note: "enviei o XML")), to: subject,
            in: Fixture.env(t0.addingTimeInterval(31 * hour))
        ).case
        #expect(subject.state == .awaitingPartner)
        #expect(subject.cycle.number == 2)
        #expect(subject.cycle.startedAt == sentAt)
        // Nothing at the old 72 h deadline…
        #expect(Fixture.walk(&subject, until: t0.addingTimeInterval(72 * hour)).map(\.case.state) == [.awaitingPartner])
        #expect(subject.state == .awaitingPartner)
        // …the report at the new one.
        let fired = Fixture.walk(&subject, until: sentAt.addingTimeInterval(72 * hour))
        #expect(fired.last?.entryKinds == [.reportGenerated])
        #expect(subject.reports.first?.generatedAt == sentAt.addingTimeInterval(72 * hour))
    }

    @Test func extraContactInTheSameCycleDoesNotRestartIt() throws {
        var subject = try Fixture.opened()
        subject = try CaseMachine.apply(
            .contactSent(ContactRecord(channel: .phone, note: "liguei")), to: subject,
            in: Fixture.env(t0.addingTimeInterval(20 * hour))
        ).case
        #expect(subject.cycle.number == 1)
        #expect(subject.attempts.count == 2)
        #expect(subject.timers.report == t0.addingTimeInterval(72 * hour))
    }

    @Test func refusalReportsAtOnce() throws {
        let transition = try CaseMachine.apply(
            .partnerRefused(at: nil, note: "pedem contato direto"), to: Fixture.opened(),
            in: Fixture.env(t0.addingTimeInterval(hour)))
        #expect(transition.case.state == .returnedToClient)
        #expect(transition.entryKinds == [.partnerRefused, .reportGenerated])
        #expect(transition.case.reports.map(\.reason) == [.partnerRefused])
        #expect(transition.notifiedEvents == [.partnerRefused])
        #expect(transition.actions.contains { if case .issueReport(_, .partnerRefused) = $0 { true } else { false } })
    }

    @Test func catchUpSkipsAResendWhoseReportIsAlsoDue() throws {
        var subject = try Fixture.opened()
        // The daemon was down for four days: both stages fire once, in deadline order.
        let late = t0.addingTimeInterval(96 * hour)
        var fired: [Transition] = []
        while let stage = subject.nextStage, stage.dueAt <= late,
            let transition = CaseMachine.fire(stage, on: subject, in: Fixture.env(late, by: CaseEnvironment.daemon))
        {
            subject = transition.case
            fired.append(transition)
        }
        #expect(fired.map(\.entryKinds) == [[.skipped], [.reportGenerated]])
        #expect(subject.attempts.count == 1)
        #expect(subject.state == .returnedToClient)
    }

    @Test func ownerRemindersRepeatAndCopyLeadersFromTheSecond() throws {
        var subject = try CaseMachine.apply(
            .partnerReplied(kind: .info, at: nil, note: "retorno"), to: Fixture.opened(), in: Fixture.env(t0)
        ).case
        let fired = Fixture.walk(&subject, until: t0.addingTimeInterval(72 * hour))
        #expect(fired.count == 3)
        let audiences = fired.map { transition in
            transition.actions.compactMap { if case .notify(let intent) = $0 { intent.audience } else { nil } }.first
        }
        #expect(audiences == [[.owner], [.owner, .leaders], [.owner, .leaders]])
        #expect(subject.nextStage?.dueAt == t0.addingTimeInterval(96 * hour))
    }

    @Test func clientRemindersWhenConfigured() throws {
        var policy = CasePolicy.standard
        policy.clientReminderAfter = .time(seconds: 48 * 3600)
        var subject = try CaseMachine.apply(
            .partnerRefused(at: nil, note: "não"), to: Fixture.opened(policy: policy),
            in: Fixture.env(t0, policy: policy)
        ).case
        let fired = Fixture.walk(&subject, until: t0.addingTimeInterval(100 * hour), policy: policy)
        #expect(fired.map(\.entryKinds) == [[.clientReminded], [.clientReminded]])
    }

    @Test func deadlineWarningBeforeTheClientDeadline() throws {
        let deadline = t0.addingTimeInterval(50 * hour)
        let transition = try CaseMachine.open(
            {
                var request = Fixture.newCase
                request.deadline = deadline
                return request
            }(), id: CaseID(3), in: Fixture.env(t0))
        #expect(transition.notifiedEvents == [.priorityRequested])
        var subject = transition.case
        let fired = Fixture.walk(&subject, until: t0.addingTimeInterval(26 * hour))
        #expect(fired.map(\.entryKinds) == [[.resent], [.deadlineWarned]])
        #expect(fired[1].notifiedEvents == [.deadlineApproaching])
        #expect(subject.armedStages.allSatisfy { $0.kind != .deadlineWarning })
    }

    @Test func priorityFlagShortensTheCycleStillAhead() throws {
        var subject = try Fixture.opened()
        subject = try CaseMachine.apply(
            .setFlag(.priority, on: true), to: subject, in: Fixture.env(t0.addingTimeInterval(hour))
        ).case
        #expect(subject.timers.resends == [t0.addingTimeInterval(8 * hour)])
        #expect(subject.timers.report == t0.addingTimeInterval(48 * hour))
        subject = try CaseMachine.apply(
            .setFlag(.priority, on: false), to: subject, in: Fixture.env(t0.addingTimeInterval(2 * hour))
        ).case
        #expect(subject.timers.report == t0.addingTimeInterval(72 * hour))
    }

    @Test func partnerWithoutAddressAsksTheOwnerToResendByHand() throws {
        var subject = try Fixture.opened { $0.partner = PartnerContact(name: "Fiscosoft") }
        let fired = Fixture.walk(&subject, until: t0.addingTimeInterval(24 * hour))
        #expect(fired.map(\.entryKinds) == [[.manualResendRequested]])
        #expect(fired[0].notifiedEvents == [.manualResendRequested])
        #expect(subject.attempts.count == 1)
    }

    @Test func closeDisarmsAndReopenArmsOwnerReminders() throws {
        var subject = try CaseMachine.apply(.close(resolution: "ok"), to: Fixture.opened(), in: Fixture.env(t0)).case
        #expect(subject.nextStage == nil)
        subject = try CaseMachine.apply(
            .reopen(reason: "voltou"), to: subject, in: Fixture.env(t0.addingTimeInterval(hour))
        ).case
        #expect(subject.state == .awaitingUs)
        #expect(subject.nextStage?.kind == .ownerReminder)
    }

    @Test func stageIsCarriedOutOnlyOnce() throws {
        let subject = try Fixture.opened()
        let stage = try #require(subject.nextStage)
        let env = Fixture.env(stage.dueAt, by: CaseEnvironment.daemon)
        let first = try #require(CaseMachine.fire(stage, on: subject, in: env))
        #expect(CaseMachine.fire(stage, on: first.case, in: env) == nil)
        #expect(CaseMachine.fire(stage, on: subject, in: Fixture.env(stage.dueAt.addingTimeInterval(-1))) == nil)
    }

    @Test func policyValidationOfSection3() {
        var policy = CasePolicy.standard
        #expect(policy.problems().isEmpty)
        policy.maxResends = 3
        #expect(policy.problems().map(\.key) == ["policy.max_resends"])
        policy = .standard
        policy.resendAfter = .zero
        #expect(policy.problems().map(\.key) == ["policy.resend_after"])
    }
}
