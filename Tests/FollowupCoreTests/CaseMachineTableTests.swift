import FollowupCore
import Foundation
import Testing

/// Every state × every person's event of §3: the resulting state, or a refusal that names the
/// state and the event and changes nothing.
@Suite struct CaseMachineTableTests {
    enum Outcome: Equatable {
        case to(CaseState)
        case refused
    }

    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var command: CaseCommand
        var outcomes: [CaseState: Outcome]
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(
            name: "contact_sent", command: .contactSent(ContactRecord(channel: .phone, note: "liguei")),
            outcomes: [
                .awaitingPartner: .to(.awaitingPartner), .awaitingUs: .to(.awaitingPartner),
                .returnedToClient: .to(.awaitingPartner), .closed: .refused,
            ]),
        Row(
            name: "partner_replied info", command: .partnerReplied(kind: .info, at: nil, note: "segue"),
            outcomes: [
                .awaitingPartner: .to(.awaitingUs), .awaitingUs: .to(.awaitingUs), .returnedToClient: .to(.awaitingUs),
                .closed: .refused,
            ]),
        Row(
            name: "partner_replied ack", command: .partnerReplied(kind: .ack, at: nil, note: "vamos ver"),
            outcomes: [
                .awaitingPartner: .to(.awaitingPartner), .awaitingUs: .to(.awaitingUs),
                .returnedToClient: .to(.returnedToClient), .closed: .refused,
            ]),
        Row(
            name: "partner_replied auto", command: .partnerReplied(kind: .auto, at: nil, note: nil),
            outcomes: [
                .awaitingPartner: .to(.awaitingPartner), .awaitingUs: .to(.awaitingUs),
                .returnedToClient: .to(.returnedToClient), .closed: .refused,
            ]),
        Row(
            name: "partner_refused", command: .partnerRefused(at: nil, note: "não atendemos"),
            outcomes: [
                .awaitingPartner: .to(.returnedToClient), .awaitingUs: .to(.returnedToClient),
                .returnedToClient: .to(.returnedToClient), .closed: .refused,
            ]),
        Row(
            name: "note_added", command: .addNote("anotação"),
            outcomes: [
                .awaitingPartner: .to(.awaitingPartner), .awaitingUs: .to(.awaitingUs),
                .returnedToClient: .to(.returnedToClient), .closed: .to(.closed),
            ]),
        Row(
            name: "closed", command: .close(resolution: "resolvido"),
            outcomes: [
                .awaitingPartner: .to(.closed), .awaitingUs: .to(.closed), .returnedToClient: .to(.closed),
                .closed: .refused,
            ]),
        Row(
            name: "reopened", command: .reopen(reason: "voltou"),
            outcomes: [
                .awaitingPartner: .refused, .awaitingUs: .refused, .returnedToClient: .refused,
                .closed: .to(.awaitingUs),
            ]),
        Row(
            name: "flag_set urgent", command: .setFlag(.urgent, on: true),
            outcomes: [
                .awaitingPartner: .to(.awaitingPartner), .awaitingUs: .to(.awaitingUs),
                .returnedToClient: .to(.returnedToClient), .closed: .refused,
            ]),
        Row(
            name: "flag_cleared urgent", command: .setFlag(.urgent, on: false),
            outcomes: [
                .awaitingPartner: .to(.awaitingPartner), .awaitingUs: .to(.awaitingUs),
                .returnedToClient: .to(.returnedToClient), .closed: .to(.closed),
            ]),
        Row(
            name: "updated owner", command: .update(CaseUpdate(owner: "carlos")),
            outcomes: [
                .awaitingPartner: .to(.awaitingPartner), .awaitingUs: .to(.awaitingUs),
                .returnedToClient: .to(.returnedToClient), .closed: .refused,
            ]),
    ]

    @Test(arguments: rows, CaseState.allCases)
    func everyStateAndEvent(row: Row, state: CaseState) throws {
        let subject = try Fixture.inState(state)
        #expect(subject.state == state)
        let env = Fixture.env(Fixture.t0.addingTimeInterval(2 * Fixture.hour))
        switch row.outcomes[state]! {
        case .to(let expected):
            let transition = try CaseMachine.apply(row.command, to: subject, in: env)
            #expect(transition.case.state == expected)
            #expect(transition.entries.allSatisfy { $0.seq > subject.lastSeq })
            if row.command != .setFlag(.urgent, on: false) {
                #expect(!transition.entries.isEmpty, "an accepted event leaves a timeline entry")
            }
        case .refused:
            do {
                _ = try CaseMachine.apply(row.command, to: subject, in: env)
                Issue.record("\(row.name) was accepted in \(state)")
            } catch {
                #expect(error.code == .conflict)
                #expect(error.message.contains(state.rawValue))
                #expect(error.message.contains(row.command.eventName))
            }
        }
    }

    /// The daemon's own stages exist only where §3 arms them.
    @Test(arguments: CaseState.allCases)
    func daemonStagesPerState(state: CaseState) throws {
        let subject = try Fixture.inState(state)
        let kinds = Set(subject.armedStages.map(\.kind))
        switch state {
        case .awaitingPartner: #expect(kinds == [.resend, .report])
        case .awaitingUs: #expect(kinds == [.ownerReminder])
        case .returnedToClient: #expect(kinds.isEmpty, "client reminders are off by default")
        case .closed: #expect(kinds.isEmpty)
        }
    }

    @Test func invalidInputNamesTheField() throws {
        let subject = try Fixture.opened()
        let env = Fixture.env(Fixture.t0)
        #expect(throws: FollowupError.self) { try CaseMachine.apply(.close(resolution: "  "), to: subject, in: env) }
        do {
            _ = try CaseMachine.apply(.close(resolution: " "), to: subject, in: env)
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.field == "resolution")
        }
        do {
            _ = try CaseMachine.apply(
                .partnerReplied(kind: .info, at: Fixture.t0.addingTimeInterval(3600), note: nil), to: subject, in: env)
            Issue.record("a return in the future was accepted")
        } catch {
            #expect(error.field == "at")
        }
        do {
            var request = Fixture.newCase
            request.partner = PartnerContact(name: "SIEG", emails: ["not-an-address"])
            _ = try CaseMachine.open(request, id: CaseID(2), in: env)
            Issue.record("a bad partner address was accepted")
        } catch {
            #expect(error.field == "partner.emails")
        }
    }
}
