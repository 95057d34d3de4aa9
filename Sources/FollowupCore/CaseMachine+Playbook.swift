import Foundation

/// The desk's other case kinds (§5 rules 1 and 7): cancellations and partner hand-offs.
extension CaseMachine {
    /// Opens a cancellation: the client, no partner; the owner is reminded every
    /// `policy.cancellation_contact_within` until the contact with the client is recorded.
    static func openCancellation(_ new: NewCase, id: CaseID, in env: CaseEnvironment) throws(FollowupError)
        -> Transition
    {
        guard new.partner == nil else {
            throw .invalid("partner", "a cancellation is between the desk and the client: leave the partner out")
        }
        let client = try Validate.client(new.client)
        let owner = try Validate.text(new.owner, field: "owner", limit: 200)
        let subject = new.subject.trimmingCharacters(in: .whitespacesAndNewlines)
        var builder = TransitionBuilder(
            Self.blank(
                id: id, kind: .cancellation, client: client, partner: nil,
                subject: subject.isEmpty ? "Pedido de cancelamento" : try Validate.text(subject, field: "subject"),
                verification: "", owner: owner, leader: new.leader, env: env), env)
        builder.current.cancellation = CancellationRecord()
        builder.record(.opened)
        builder.current.timers.ownerReminder = builder.newSeries(
            every: builder.policy.cancellationContactWithin, from: env.now)
        return builder.transition
    }

    /// Opens a partner hand-off (§5 rule 7): the client is told the partner will get in touch
    /// (by mail when the address is known) and the leader is asked, needing acknowledgement, to
    /// notify the partner's support; the acknowledgement closes the case.
    static func openHandoff(_ new: NewCase, note: String, id: CaseID, in env: CaseEnvironment) throws(FollowupError)
        -> Transition
    {
        let client = try Validate.client(new.client)
        guard let partnerIn = new.partner else { throw .invalid("partner", "a hand-off names the partner") }
        let partner = try Validate.partner(partnerIn)
        let owner = try Validate.text(new.owner, field: "owner", limit: 200)
        let note = try Validate.text(note, field: "note")
        var builder = TransitionBuilder(
            Self.blank(
                id: id, kind: .handoff, client: client, partner: partner,
                subject: "Atendimento no produto \(partner.name)", verification: note, owner: owner,
                leader: new.leader, env: env), env)
        builder.record(.opened, note: note)
        let ticket = client.ticket.map { " (chamado \($0))" } ?? ""
        builder.notify(
            .handoffCreated, [.leaders], needsAck: true,
            "\(id): avisar o suporte da \(partner.name) sobre o atendimento ao cliente \(client.name)\(ticket): \(note)"
        )
        builder.notify(
            .handoffCreated, [.client],
            "\(id): a empresa parceira \(partner.name) entrará em contato com o cliente \(client.name)")
        return builder.transition
    }

    /// A case value with nothing armed, for the kinds that have no partner cycle.
    static func blank(
        id: CaseID, kind: CaseKind, client: Client, partner: PartnerContact?, subject: String, verification: String,
        owner: String, leader: String?, env: CaseEnvironment
    ) -> Case {
        Case(
            id: id, kind: kind, state: .awaitingUs, client: client, partner: partner, subject: subject,
            verification: verification, owner: owner, leader: leader, flags: [:], sensitive: [], deadline: nil,
            escalatedTo: nil, implementationAt: nil, createdAt: env.now, firstMessageID: nil,
            cycle: Cycle(number: 1, startedAt: env.now), attempts: [], returns: [], reports: [], timers: Timers(),
            lastSeq: 0, reminderSeries: 0, updatedAt: env.now)
    }

    /// `client_contact`: records the cancellation's contact with the client; reminders stop.
    static func recordClientContact(_ summary: String, _ builder: inout TransitionBuilder) throws(FollowupError) {
        let summary = try Validate.text(summary, field: "summary")
        var record = builder.current.cancellation ?? CancellationRecord()
        record.contactAt = builder.env.now
        record.contactBy = builder.env.by
        record.contactSummary = summary
        builder.current.cancellation = record
        builder.current.timers.ownerReminder = nil
        builder.record(.clientContactRecorded, note: summary)
    }

    /// Closes a cancellation, refusing until the contact is recorded and the reason is complete.
    static func closeCancellation(
        reason: CancellationReason, partnerSystem: String?, text: String, _ builder: inout TransitionBuilder
    ) throws(FollowupError) {
        guard var record = builder.current.cancellation, record.contactAt != nil else {
            throw .invalid(
                "contact",
                "record the contact with the client first (how it went): "
                    + "followupctl cancellation contact \(builder.current.id) --summary …")
        }
        let system = partnerSystem?.trimmingCharacters(in: .whitespacesAndNewlines)
        if reason == .partnerSystem, system?.isEmpty ?? true {
            throw .invalid("partner_system", "say which partner system the client hired (SIEG, Fiscosoft…)")
        }
        record.reason = reason
        record.partnerSystem = reason == .partnerSystem ? system : nil
        record.reasonText = try Validate.text(text, field: "text")
        record.closedAt = builder.env.now
        builder.current.cancellation = record
        builder.current.state = .closed
        builder.current.timers = Timers()
        var line = "cancelamento: \(reason.words)"
        if let system = record.partnerSystem { line += " (\(system))" }
        builder.record(.closed, note: line)
    }
}
