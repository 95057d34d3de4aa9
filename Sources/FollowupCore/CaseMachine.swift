import Foundation

/// The rules of §3 as a pure state machine: an event and the current time in, the new case,
/// its timeline entries and the actions to carry out out. No I/O, no clock of its own.
///
/// Anything the transition table does not allow throws ``FollowupError`` with the code
/// `conflict` (naming the state and the event) or `invalidInput` (naming the field), and
/// changes nothing.
public enum CaseMachine {
    /// How far in the future a reported time may be (clock skew between machines).
    public static let futureTolerance: TimeInterval = 300

    /// Opens a third-party case: attempt 1, and the first cycle starting when it was sent.
    public static func open(_ new: NewCase, id: CaseID, in env: CaseEnvironment) throws(FollowupError) -> Transition {
        switch new.kind {
        case .thirdParty: break
        case .cancellation: return try openCancellation(new, id: id, in: env)
        case .handoff: return try openHandoff(new, note: new.note ?? "", id: id, in: env)
        }
        let client = try Validate.client(new.client)
        guard let partnerIn = new.partner else { throw .invalid("partner", "a third-party case needs its partner") }
        let partner = try Validate.partner(partnerIn)
        let subject = try Validate.text(new.subject, field: "subject")
        let verification = try Validate.text(new.verification, field: "verification")
        let owner = try Validate.text(new.owner, field: "owner", limit: 200)
        let sentAt = try Validate.pastOrNow(new.sentAt, field: "sent_at", now: env.now)
        let deadline = try Validate.timeIfGiven(new.deadline, field: "deadline", now: env.now)
        let implementationAt = try Validate.timeIfGiven(new.implementationAt, field: "implementation_at", now: env.now)
        let escalatedTo = try Validate.escalation(new.escalatedTo)
        var messageID = try new.messageID.map { (id) throws(FollowupError) in
            try Validate.messageID(id, field: "message_id")
        }
        // `send`: the daemon mails the first request now, under a Message-ID of its own.
        var firstMail: PartnerMail?
        if new.send {
            guard new.sentAt == nil, new.messageID == nil else {
                throw .invalid(
                    "send", "followupd sends the first request itself: leave out sent_at and message_id")
            }
            guard !partner.emails.isEmpty else {
                throw .invalid("partner.emails", "followupd needs the partner's addresses to send the request")
            }
            let notificationID = env.makeID()
            let own = "<\(id).request.\(notificationID)@\(env.mailHost)>"
            messageID = own
            firstMail = PartnerMail(
                notificationID: notificationID, attempt: 1, to: partner.emails, messageID: own, inReplyTo: nil,
                references: [])
        }

        let attempt = Attempt(
            number: 1, at: sentAt, channel: new.channel, by: env.by,
            to: new.channel == .email ? partner.emails : [], messageID: messageID)
        let opened = Case(
            id: id, kind: .thirdParty, state: .awaitingPartner, client: client, partner: partner,
            subject: subject, verification: verification, owner: owner, leader: new.leader, flags: [:],
            sensitive: Array(Set(new.sensitive)).sorted(), deadline: deadline, escalatedTo: escalatedTo,
            implementationAt: implementationAt, createdAt: env.now, firstMessageID: messageID,
            cycle: Cycle(number: 1, startedAt: sentAt), attempts: [attempt], returns: [], reports: [],
            timers: Timers(), lastSeq: 0, reminderSeries: 0, updatedAt: env.now)
        var builder = TransitionBuilder(opened, env)
        builder.record(.opened) {
            $0.attempt = 1
            $0.cycle = 1
        }
        if let firstMail { builder.actions.append(.mailPartner(firstMail)) }
        builder.pinCycleDurations()
        builder.armPartnerTimers(from: sentAt)
        builder.armWarnings()
        if deadline != nil || escalatedTo != nil {
            builder.notify(
                .priorityRequested, [.leaders], needsAck: true,
                priorityRequest(deadline: deadline, escalatedTo: escalatedTo))
        }
        return builder.transition
    }

    /// Applies a person's command to a case.
    public static func apply(
        _ command: CaseCommand, to subject: Case, in env: CaseEnvironment
    ) throws(FollowupError) -> Transition {
        var builder = TransitionBuilder(subject, env)
        let state = subject.state
        func refuse() -> FollowupError { .refused(command.eventName, in: state, of: subject.id) }

        switch command {
        case .acknowledge(let notification, let event):
            builder.record(.acknowledged, note: "\(event.rawValue) \(notification)")
            // A hand-off is done once the leader told the partner's support.
            if subject.kind == .handoff, event == .handoffCreated, state.isOpen {
                builder.current.state = .closed
                builder.current.timers = Timers()
                builder.record(.closed, note: "suporte do parceiro avisado")
            }

        case .clientContact(let summary):
            guard subject.kind == .cancellation, state.isOpen else { throw refuse() }
            try recordClientContact(summary, &builder)

        case .closeCancellation(let reason, let partnerSystem, let text):
            guard subject.kind == .cancellation, state.isOpen else { throw refuse() }
            try closeCancellation(reason: reason, partnerSystem: partnerSystem, text: text, &builder)

        case .contactSent(let contact):
            guard state.isOpen, subject.kind == .thirdParty else { throw refuse() }
            try contactSent(contact, &builder)

        case .partnerReplied(let kind, let at, let note):
            guard state.isOpen, subject.kind == .thirdParty else { throw refuse() }
            let note = try note.map { (text) throws(FollowupError) in try Validate.text(text, field: "note") }
            try partnerReturned(kind: kind, at: at, note: note, &builder)

        case .mailReceived(let kind, let at, let text, let from, let excerpt):
            guard state.isOpen, subject.kind == .thirdParty else { throw refuse() }
            try mailReceived(kind: kind, at: at, text: text, from: from, excerpt: excerpt, &builder)

        case .bounced(let address, let messageID, let diagnostic):
            guard subject.kind == .thirdParty else { throw refuse() }
            try bounced(address: address, messageID: messageID, diagnostic: diagnostic, &builder)

        case .mailNotSent(let messageID, let to, let error):
            guard subject.kind == .thirdParty else { throw refuse() }
            mailNotSent(messageID: messageID, to: to, error: error, &builder)

        case .reclassify(let seq, let kind):
            guard state.isOpen, subject.kind == .thirdParty else { throw refuse() }
            try reclassify(seq: seq, as: kind, &builder)

        case .partnerRefused(let at, let note):
            guard state.isOpen, subject.kind == .thirdParty else { throw refuse() }
            _ = try Validate.eventTime(at, field: "at", on: subject, now: env.now)
            let note = try Validate.text(note ?? "", field: "note")
            let seq = builder.record(.partnerRefused, note: note)
            builder.keepNote(.refusal, note, seq: seq)
            builder.issueReport(.partnerRefused)
            var audience: Set<NotificationIntent.Audience> = [.leaders, .owner]
            if builder.policy.reportToClient == .auto { audience.insert(.client) }
            builder.notify(
                .partnerRefused, audience,
                "\(subject.id): \(subject.partner?.name ?? "o parceiro") pediu que o cliente o contate diretamente")

        case .addNote(let text, let isInternal):
            let text = try Validate.text(text, field: "note")
            let seq = builder.record(.noteAdded, note: text) { $0.isInternal = isInternal ? true : nil }
            builder.keepNote(.note, text, seq: seq, internal: isInternal)

        case .close(let resolution):
            guard state.isOpen else { throw refuse() }
            if subject.kind == .cancellation {
                throw .invalid(
                    "reason",
                    "a cancellation closes with how the contact went and the real reason: "
                        + "followupctl cancellation close \(subject.id) --reason CATEGORY --text …")
            }
            let resolution = try Validate.text(resolution, field: "resolution")
            builder.current.state = .closed
            builder.current.timers = Timers()
            builder.record(.closed, note: resolution)

        case .reopen(let reason):
            guard state == .closed else { throw refuse() }
            let reason = try Validate.text(reason, field: "reason")
            builder.current.state = .awaitingUs
            builder.record(.reopened, note: reason)
            builder.armOwnerReminders(from: env.now)
            builder.armWarnings()

        case .setFlag(let flag, let on):
            guard state.isOpen || !on else { throw refuse() }
            try setFlag(flag, on: on, &builder)

        case .update(let update):
            guard state.isOpen else { throw refuse() }
            try CaseMachine.update(update, &builder)
        }
        // Anything new on a case waiting on the client puts its closing off again; an
        // automatic reply, a bounce or an unsent mail is no news.
        if builder.current.state == .returnedToClient, !builder.entries.isEmpty, command.isNews {
            builder.armCloseReturned(from: env.now)
        }
        return builder.transition
    }

    /// A return of `kind` (§3): info ends the cycle, ack stops its resends, auto changes nothing.
    static func partnerReturned(kind: ReturnKind, at: Date?, note: String?, _ builder: inout TransitionBuilder)
        throws(FollowupError)
    {
        let state = builder.current.state
        let at = try Validate.eventTime(at, field: "at", on: builder.current, now: builder.env.now)
        let seq = builder.record(.partnerReplied, note: note) { $0.returnKind = kind }
        builder.current.returns.append(PartnerReturn(seq: seq, at: at, kind: kind))
        if let note { builder.keepNote(.partnerReturn, note, seq: seq, at: at) }
        switch kind {
        case .info:
            builder.current.state = .awaitingUs
            builder.current.timers.disarmPartnerTimers()
            builder.current.timers.clientReminder = nil
            builder.armOwnerReminders(from: at)
        case .ack where state == .awaitingPartner:
            builder.current.cycle.acknowledged = true
            builder.current.timers.resends = []
        case .ack, .auto:
            break
        }
    }

    private static func contactSent(_ contact: ContactRecord, _ builder: inout TransitionBuilder) throws(FollowupError)
    {
        let env = builder.env
        let at = try Validate.eventTime(contact.at, field: "at", on: builder.current, now: env.now)
        let messageID = try contact.messageID.map { (id) throws(FollowupError) in
            try Validate.messageID(id, field: "message_id")
        }
        let to =
            try contact.to.isEmpty && contact.channel == .email
            ? (builder.current.partner?.emails ?? []) : Validate.addresses(contact.to, field: "to")
        let note = try contact.note.map { (text) throws(FollowupError) in try Validate.text(text, field: "note") }
        let number = builder.current.attempts.count + 1
        builder.current.attempts.append(
            Attempt(number: number, at: at, channel: contact.channel, by: env.by, to: to, messageID: messageID))
        if builder.current.firstMessageID == nil { builder.current.firstMessageID = messageID }
        // A new cycle starts only from our next contact after an informative return (§3): a
        // contact dated before the latest one is logged as an attempt that the return answered.
        let latestInformation = builder.current.returns.filter { $0.kind == .info }.map(\.at).max()
        let answered = latestInformation.map { at < $0 } ?? false
        let restarts = builder.current.state != .awaitingPartner && !answered
        let cycle = builder.current.cycle.number + (restarts ? 1 : 0)
        let seq = builder.record(.contactSent, note: note) {
            $0.attempt = number
            $0.cycle = cycle
        }
        if let note { builder.keepNote(.contact, note, seq: seq, at: at, attempt: number) }
        if restarts {
            builder.current.state = .awaitingPartner
            builder.startCycle(at: at, number: cycle)
        }
    }

    private static func setFlag(_ flag: CaseFlag, on: Bool, _ builder: inout TransitionBuilder) throws(FollowupError) {
        let wasSet = builder.current.flags[flag] != nil
        guard wasSet != on else { return }
        if on {
            builder.current.flags[flag] = Case.FlagMark(at: builder.env.now, by: builder.env.by)
            builder.record(.flagSet) { $0.flag = flag }
        } else {
            builder.current.flags[flag] = nil
            builder.record(.flagCleared) { $0.flag = flag }
        }
        // Priority changes the durations of what is still ahead in this cycle, counted from its start.
        if flag == .priority, builder.current.state == .awaitingPartner {
            builder.armPartnerTimers(from: builder.current.cycle.startedAt)
        }
    }

    private static func update(_ update: CaseUpdate, _ builder: inout TransitionBuilder) throws(FollowupError) {
        let before = builder.current
        func changed(_ field: String, _ old: String?, _ new: String?) {
            guard old != new else { return }
            builder.record(.updated) {
                $0.field = field
                $0.oldValue = old
                $0.newValue = new
            }
        }
        if let owner = update.owner {
            builder.current.owner = try Validate.text(owner, field: "owner", limit: 200)
            changed("owner", before.owner, builder.current.owner)
        }
        if let leader = update.leader {
            builder.current.leader = leader
            changed("leader", before.leader, leader)
        }
        if let deadline = update.deadline {
            builder.current.deadline = try Validate.timeIfGiven(deadline, field: "deadline", now: builder.env.now)
            changed("deadline", before.deadline.map(Timestamp.format), deadline.map(Timestamp.format))
        }
        if let escalated = update.escalatedTo {
            builder.current.escalatedTo = try escalated.flatMap { (value) throws(FollowupError) in
                try Validate.escalation(value)
            }
            changed("escalated_to", before.escalatedTo, builder.current.escalatedTo)
        }
        if let implementation = update.implementationAt {
            builder.current.implementationAt = try Validate.timeIfGiven(
                implementation, field: "implementation_at", now: builder.env.now)
            changed(
                "implementation_at", before.implementationAt.map(Timestamp.format),
                implementation.map(Timestamp.format))
        }
        if let emails = update.partnerEmails {
            guard var partner = builder.current.partner else {
                throw .invalid("partner", "\(before.id) has no partner to give addresses to")
            }
            partner.emails = try Validate.addresses(emails, field: "partner.emails")
            builder.current.partner = partner
            changed(
                "partner.emails", before.partner?.emails.joined(separator: ", "),
                partner.emails.joined(separator: ", "))
        }
        let now = builder.current
        if now.deadline != before.deadline || now.implementationAt != before.implementationAt {
            builder.armWarnings()
        }
        let newDeadline = now.deadline != nil && now.deadline != before.deadline
        let newEscalation = now.escalatedTo != nil && now.escalatedTo != before.escalatedTo
        if newDeadline || newEscalation {
            builder.notify(
                .priorityRequested, [.leaders], needsAck: true,
                priorityRequest(deadline: now.deadline, escalatedTo: now.escalatedTo))
        }
    }

    static func priorityRequest(deadline: Date?, escalatedTo: String?) -> String {
        var parts: [String] = []
        if let deadline { parts.append("prazo do cliente \(Timestamp.format(deadline))") }
        if let escalatedTo { parts.append("envolve \(escalatedTo): solicitar priorização") }
        return "Marcar o chamado como prioridade (" + parts.joined(separator: "; ") + ")"
    }
}
