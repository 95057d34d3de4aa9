import Foundation

/// What mail read from the inbound Maildir does to a case (§4.5).
extension CaseMachine {
    /// A reply read from the inbound Maildir: recorded as a return of `kind` like one a
    /// technician records (at its `Date:` when plausible, else now), and the owner is told (`case.partner_replied`, with `excerpt` unless
    /// the case is sensitive) so a mere acknowledgement can be reclassified.
    static func mailReceived(
        kind: ReturnKind, at: Date?, text: String?, from: String, excerpt: String?, _ builder: inout TransitionBuilder
    ) throws(FollowupError) {
        let subject = builder.current
        let body = text.map { String($0.prefix(20_000)) }.flatMap { $0.isEmpty ? nil : $0 }
        let note = "e-mail de \(from)" + (body.map { ":\n\($0)" } ?? "")
        // A `Date:` that cannot be when the reply was written (before the case, in the future,
        // from 1900) is replaced by the time the mail is recorded, which is when it was received.
        let at = at.flatMap { Validate.isEventTime($0, on: subject, now: builder.env.now) ? $0 : nil }
        try partnerReturned(kind: kind, at: at, note: note, &builder)
        guard kind != .auto else { return }
        let shown = subject.isSensitive ? nil : excerpt.flatMap { $0.isEmpty ? nil : $0 }
        let seq = builder.current.lastSeq
        builder.notify(
            .partnerReplied, [.owner],
            "\(subject.id): \(subject.partner?.name ?? "o parceiro") respondeu por e-mail (registrado como "
                + "\(kind.rawValue); para corrigir: followupctl reply \(subject.id) --reclassify \(seq) --kind ack)"
                + (shown.map { ": \"\($0)\"" } ?? ""))
    }

    /// A bounce: the attempts that went to `address` failed; the owner is told.
    static func bounced(
        address: String, messageID: String?, diagnostic: String?, _ builder: inout TransitionBuilder
    ) throws(FollowupError) {
        let subject = builder.current
        // The attempt that bounced: the one with the report's Message-ID, else the latest to
        // that address.
        let target = address.lowercased()
        let attempts = builder.current.attempts
        let index =
            messageID.flatMap { id in attempts.lastIndex { $0.messageID.map { same($0, id) } ?? false } }
            ?? attempts.lastIndex { $0.to.contains { $0.lowercased() == target } }
        if let index { builder.current.attempts[index].failed = true }
        builder.record(.resendFailed, note: "e-mail para \(address) voltou" + (diagnostic.map { ": \($0)" } ?? "")) {
            $0.attempt = index.map { attempts[$0].number }
        }
        builder.notify(
            .resendFailed, [.owner],
            "\(subject.id): o e-mail para \(address) (\(subject.partner?.name ?? "parceiro")) não foi entregue"
                + (diagnostic.map { " (\($0))" } ?? "") + "; confira o endereço do parceiro")
    }

    /// Our mail to the partner never left: the attempt it was is marked failed (the report
    /// shows it as such, not as a contact that happened) and the owner is told.
    static func mailNotSent(messageID: String, to: [String], error: String, _ builder: inout TransitionBuilder) {
        let subject = builder.current
        let attempts = subject.attempts
        let index = attempts.lastIndex { $0.messageID.map { same($0, messageID) } ?? false }
        if let index { builder.current.attempts[index].failed = true }
        let addresses = to.joined(separator: ", ")
        builder.record(.resendFailed, note: "e-mail para \(addresses) não saiu: \(error)") {
            $0.attempt = index.map { attempts[$0].number }
        }
        builder.notify(
            .resendFailed, [.owner],
            "\(subject.id): o e-mail para \(addresses) (\(subject.partner?.name ?? "parceiro")) não saiu do followupd "
                + "(\(error)); registre o contato por outro meio ou peça a ops para ver o envio de e-mail")
    }

    /// Corrects the kind of the latest return while nothing newer happened on the case.
    static func reclassify(seq: Int, as kind: ReturnKind, _ builder: inout TransitionBuilder) throws(FollowupError) {
        let subject = builder.current
        guard let index = subject.returns.lastIndex(where: { $0.seq == seq }) else {
            throw .invalid("seq", "entry \(seq) of \(subject.id) is not a partner return (see followupctl show)")
        }
        guard seq == subject.lastSeq else {
            throw FollowupError(
                .conflict,
                "\(subject.id) changed after entry \(seq): a return is reclassified only while nothing newer happened")
        }
        let previous = subject.returns[index].kind
        guard previous != kind else { return }
        builder.current.returns[index].kind = kind
        builder.record(.updated, note: "retorno \(seq) reclassificado") {
            $0.field = "return_kind"
            $0.oldValue = previous.rawValue
            $0.newValue = kind.rawValue
        }
        // Undo what the old kind did and do what the new one does, from the cycle's start.
        let cycleStart = builder.current.cycle.startedAt
        if previous == .info, builder.current.state == .awaitingUs {
            builder.current.state = .awaitingPartner
            builder.current.timers.ownerReminder = nil
            builder.armPartnerTimers(from: cycleStart)
        }
        if previous == .ack { builder.current.cycle.acknowledged = false }
        switch kind {
        case .info:
            builder.current.state = .awaitingUs
            builder.current.timers.disarmPartnerTimers()
            builder.current.timers.clientReminder = nil
            builder.armOwnerReminders(from: subject.returns[index].at)
        case .ack:
            builder.current.cycle.acknowledged = true
            builder.current.timers.resends = []
        case .auto:
            if previous == .ack { builder.armPartnerTimers(from: cycleStart) }
        }
    }

    static func same(_ left: String, _ right: String) -> Bool {
        func bare(_ id: String) -> String {
            id.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t")).lowercased()
        }
        return bare(left) == bare(right)
    }
}
