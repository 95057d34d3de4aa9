import FollowupCore
import Foundation

/// Shared set-up for the state machine's tests: a fixed start instant, deterministic ids.
enum Fixture {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)  // a Tuesday, 2026-11-17
    static let hour: TimeInterval = 3600

    static func env(_ now: Date, by: String = "joana", policy: CasePolicy = .standard) -> CaseEnvironment {
        CaseEnvironment(
            now: now, by: by, policy: policy,
            priority: PriorityOverrides(resendAfter: .time(seconds: 8 * 3600), reportAfter: .time(seconds: 48 * 3600)),
            mailHost: "desk.example", makeID: { "id-\(UUID().uuidString.prefix(8).lowercased())" })
    }

    static let newCase = NewCase(
        client: Client(name: "Padaria Pão Quente", email: "dono@padaria.example", ticket: "SSC-1234"),
        partner: PartnerContact(name: "SIEG", emails: ["suporte@sieg.example"]),
        subject: "Notas não baixadas", verification: "Verificar a integração de download de NF-e",
        owner: "joana", messageID: "<first@desk.example>")

    static func opened(
        at start: Date = t0, policy: CasePolicy = .standard, _ change: (inout NewCase) -> Void = { _ in }
    )
        throws -> Case
    {
        var request = newCase
        change(&request)
        return try CaseMachine.open(request, id: CaseID(1), in: env(start, policy: policy)).case
    }

    /// Fires every stage due up to `instant`, in order, returning what each produced.
    static func walk(_ subject: inout Case, until instant: Date, policy: CasePolicy = .standard) -> [Transition] {
        var produced: [Transition] = []
        while let stage = subject.nextStage, stage.dueAt <= instant {
            guard
                let transition = CaseMachine.fire(
                    stage, on: subject, in: env(stage.dueAt, by: CaseEnvironment.daemon, policy: policy))
            else { break }
            subject = transition.case
            produced.append(transition)
        }
        return produced
    }

    /// A case in `state`, reached through the machine's own events.
    static func inState(_ state: CaseState) throws -> Case {
        let base = try opened()
        let later = env(t0.addingTimeInterval(hour))
        switch state {
        case .awaitingPartner:
            return base
        case .awaitingUs:
            return try CaseMachine.apply(.partnerReplied(kind: .info, at: nil, note: "ok"), to: base, in: later).case
        case .returnedToClient:
            return try CaseMachine.apply(.partnerRefused(at: nil, note: "falem com o cliente"), to: base, in: later)
                .case
        case .closed:
            return try CaseMachine.apply(.close(resolution: "resolvido"), to: base, in: later).case
        }
    }
}

extension Transition {
    var entryKinds: [TimelineEntry.Kind] { entries.map(\.kind) }

    var notifiedEvents: [NotificationEvent] {
        actions.compactMap { if case .notify(let intent) = $0 { intent.event } else { nil } }
    }
}
