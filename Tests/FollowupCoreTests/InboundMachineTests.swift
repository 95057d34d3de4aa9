import FollowupCore
import Foundation
import Testing

/// What mail read from the inbound Maildir does to a case (§4.5), without I/O.
@Suite struct InboundMachineTests {
    /// A case whose first request and one resend went to the partner by e-mail.
    func resent() throws -> Case {
        var subject = try Fixture.opened()
        _ = Fixture.walk(&subject, until: Fixture.t0.addingTimeInterval(25 * Fixture.hour))
        try #require(subject.attempts.count == 2)
        return subject
    }

    @Test func aBounceMarksTheMailItNamesElseTheLatestToThatAddress() throws {
        let subject = try resent()
        let env = Fixture.env(Fixture.t0.addingTimeInterval(26 * Fixture.hour), by: CaseEnvironment.daemon)
        let first = try #require(subject.attempts[0].messageID)
        let named = try CaseMachine.apply(
            .bounced(address: "suporte@sieg.example", messageID: first, diagnostic: "550"), to: subject, in: env)
        #expect(named.case.attempts.map(\.failed) == [true, false])
        #expect(named.entries.first?.attempt == 1)
        let unnamed = try CaseMachine.apply(
            .bounced(address: "SUPORTE@sieg.example", messageID: nil, diagnostic: nil), to: subject, in: env)
        #expect(unnamed.case.attempts.map(\.failed) == [false, true])
        let other = try CaseMachine.apply(
            .bounced(address: "outro@sieg.example", messageID: nil, diagnostic: nil), to: subject, in: env)
        #expect(other.case.attempts.map(\.failed) == [false, false], "no attempt went there")
        #expect(other.entries.map(\.kind) == [.resendFailed], "the owner is still told")
    }

    @Test func aReplyTakenForInformationIsReclassifiedWhileNothingNewerHappened() throws {
        let subject = try Fixture.opened()
        let env = Fixture.env(Fixture.t0.addingTimeInterval(Fixture.hour), by: CaseEnvironment.daemon)
        let replied = try CaseMachine.apply(
            .mailReceived(kind: .info, at: nil, text: "ok", from: "s@sieg.example", excerpt: "ok"), to: subject,
            in: env
        ).case
        #expect(replied.state == .awaitingUs)
        let seq = replied.lastSeq
        let fixed = try CaseMachine.apply(.reclassify(seq: seq, kind: .ack), to: replied, in: env).case
        #expect(fixed.state == .awaitingPartner)
        #expect(fixed.cycle.acknowledged)
        #expect(fixed.timers.report != nil, "the report deadline is back")
        #expect(throws: FollowupError.self) {
            try CaseMachine.apply(.reclassify(seq: seq, kind: .info), to: fixed, in: env)
        }
    }
}
