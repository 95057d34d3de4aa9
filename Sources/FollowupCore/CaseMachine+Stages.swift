import Foundation

extension CaseMachine {
    /// Carries out a due stage of the daemon's own (§4): resend, report, reminder, warning.
    ///
    /// Returns nil when the stage is no longer armed on the case or not yet due (the caller
    /// then simply moves on): a stage is never carried out twice by the machine itself, and
    /// storage's idempotency key guards the same across processes.
    public static func fire(_ stage: Stage, on subject: Case, in env: CaseEnvironment) -> Transition? {
        guard stage.dueAt <= env.now, subject.armedStages.contains(stage) else { return nil }
        var builder = TransitionBuilder(subject, env)
        switch stage.kind {
        case .resend: resend(stage, &builder)
        case .report: report(&builder)
        case .ownerReminder: ownerReminder(&builder)
        case .clientReminder: clientReminder(&builder)
        case .deadlineWarning, .implementationWarning: warn(stage, &builder)
        case .closeReturned: closeReturned(&builder)
        }
        return builder.transition
    }

    private static func resend(_ stage: Stage, _ builder: inout TransitionBuilder) {
        let env = builder.env
        let ordinal = Int(stage.ordinal)
        let cycle = builder.current.cycle.number
        builder.current.timers.resends.removeFirst()
        builder.current.timers.firstPendingResend += 1
        if let report = builder.current.timers.report, report <= env.now {
            builder.record(
                .skipped, note: "the report is also due, so it goes out instead of this resend",
                by: CaseEnvironment.daemon
            ) {
                $0.stage = Stage.Kind.resend.rawValue
                $0.ordinal = ordinal
                $0.cycle = cycle
            }
            return
        }
        let subject = builder.current
        guard let partner = subject.partner, !partner.emails.isEmpty else {
            builder.record(.manualResendRequested, by: CaseEnvironment.daemon) {
                $0.stage = Stage.Kind.resend.rawValue
                $0.ordinal = ordinal
                $0.cycle = cycle
            }
            builder.notify(
                .manualResendRequested, [.owner],
                "\(subject.id): reenviar manualmente a solicitação a \(subject.partner?.name ?? "o parceiro") (sem e-mail cadastrado)"
            )
            return
        }
        let notificationID = env.makeID()
        let messageID = "<\(subject.id).resend.\(notificationID)@\(env.mailHost)>"
        var references: [String] = []
        if let first = subject.firstMessageID { references.append(first) }
        for attempt in subject.attempts where attempt.channel == .email {
            if let id = attempt.messageID, !references.contains(id) { references.append(id) }
        }
        let number = subject.attempts.count + 1
        builder.current.attempts.append(
            Attempt(
                number: number, at: env.now, channel: .email, by: CaseEnvironment.daemon, to: partner.emails,
                messageID: messageID))
        builder.current.cycle.resends += 1
        builder.record(.resent, by: CaseEnvironment.daemon) {
            $0.attempt = number
            $0.stage = Stage.Kind.resend.rawValue
            $0.ordinal = ordinal
            $0.cycle = cycle
        }
        builder.actions.append(
            .mailPartner(
                PartnerMail(
                    notificationID: notificationID, attempt: number, to: partner.emails, messageID: messageID,
                    inReplyTo: references.last, references: references)))
        builder.notify(
            .resent, [.owner], "\(subject.id): solicitação reenviada a \(partner.name) (tentativa \(number))")
    }

    private static func report(_ builder: inout TransitionBuilder) {
        let subject = builder.current
        let reason: ReportReason = subject.cycle.acknowledged ? .noInformation : .noReply
        builder.issueReport(reason)
        var audience: Set<NotificationIntent.Audience> = [.leaders, .owner]
        if builder.policy.reportToClient == .auto { audience.insert(.client) }
        let why = reason == .noReply ? "sem retorno" : "sem informação"
        builder.notify(
            .reportGenerated, audience,
            "\(subject.id): relatório de tentativas gerado (\(why) de \(subject.partner?.name ?? "o parceiro"))")
    }

    private static func ownerReminder(_ builder: inout TransitionBuilder) {
        guard let k = builder.current.timers.ownerReminder?.advance(on: builder.env.calendar, now: builder.env.now)
        else { return }
        // The cap of a third-party case's reminders per cycle (series stored before it existed
        // follow the current policy); a cancellation is reminded until the client contact is
        // recorded.
        var last: Int?
        if builder.current.kind == .thirdParty {
            builder.current.cycle.ownerReminders += 1
            let limit = builder.current.timers.ownerReminder?.limit ?? builder.policy.maxOwnerReminders
            if limit > 0, builder.current.cycle.ownerReminders >= limit {
                builder.current.timers.ownerReminder = nil
                last = limit
            }
        }
        builder.record(
            .ownerReminded,
            note: last.map { "last owner reminder of this cycle (max_owner_reminders: \($0))" },
            by: CaseEnvironment.daemon
        ) {
            $0.stage = Stage.Kind.ownerReminder.rawValue
            $0.ordinal = k
        }
        let subject = builder.current
        if subject.kind == .cancellation {
            builder.notify(
                .cancellationReminder, [.owner],
                "\(subject.id): falta registrar o contato com o cliente \(subject.client.name) sobre o cancelamento "
                    + "(lembrete \(k))")
            return
        }
        builder.notify(
            .ownerReminder, k >= 2 ? [.owner, .leaders] : [.owner],
            "\(subject.id): o parceiro retornou; o próximo passo é nosso (lembrete \(k))")
    }

    private static func clientReminder(_ builder: inout TransitionBuilder) {
        guard let k = builder.current.timers.clientReminder?.advance(on: builder.env.calendar, now: builder.env.now)
        else { return }
        builder.record(.clientReminded, by: CaseEnvironment.daemon) {
            $0.stage = Stage.Kind.clientReminder.rawValue
            $0.ordinal = k
        }
        let subject = builder.current
        builder.notify(
            .clientReminder, [.owner],
            "\(subject.id): aguardando do cliente outro meio de contato com o parceiro (lembrete \(k))")
    }

    /// Closes a case that stayed with the client, with nothing new, for `close_returned_after`.
    private static func closeReturned(_ builder: inout TransitionBuilder) {
        let cycle = builder.current.cycle.number
        let after = builder.policy.closeReturnedAfter
        builder.current.state = .closed
        builder.current.timers = Timers()
        builder.record(
            .closed,
            note: "closed by followupd: nothing new with the client for \(after) (policy.close_returned_after)",
            by: CaseEnvironment.daemon
        ) {
            $0.stage = Stage.Kind.closeReturned.rawValue
            $0.cycle = cycle
        }
    }

    private static func warn(_ stage: Stage, _ builder: inout TransitionBuilder) {
        let subject = builder.current
        let isDeadline = stage.kind == .deadlineWarning
        let target = isDeadline ? subject.deadline : subject.implementationAt
        if isDeadline {
            builder.current.timers.deadlineWarning = nil
        } else {
            builder.current.timers.implementationWarning = nil
        }
        builder.record(.deadlineWarned, by: CaseEnvironment.daemon) {
            $0.stage = stage.kind.rawValue
            $0.field = isDeadline ? "deadline" : "implementation_at"
            $0.newValue = target.map(Timestamp.format)
        }
        let what = isDeadline ? "o prazo do cliente" : "a implantação agendada"
        builder.notify(
            .deadlineApproaching, [.owner, .leaders],
            "\(subject.id): \(what) se aproxima (\(target.map(Timestamp.format) ?? "?"))")
    }
}
