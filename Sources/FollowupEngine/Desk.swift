import FollowupConfig
import FollowupCore
import FollowupStorage
import Foundation
import Logging

/// The desk's commands carried out durably: load the case, apply the state machine, commit
/// the case, its timeline entries, outbox rows and reports in one transaction, then wake the
/// scheduler. What an API or CLI call reaches.
public struct Desk: Sendable {
    /// The storage engine.
    public let store: any CaseStore
    let rulebooks: RulebookHolder
    let clock: any WallClock
    let doorbell: Doorbell
    /// Wakes the delivery worker when notifications are queued.
    let outboxBell: Doorbell
    let logger: Logger
    let opens: GroupCommit

    public init(
        store: any CaseStore, rulebooks: RulebookHolder, clock: any WallClock, doorbell: Doorbell,
        outboxBell: Doorbell = Doorbell(), logger: Logger
    ) {
        self.store = store
        self.outboxBell = outboxBell
        opens = GroupCommit(store: store)
        self.rulebooks = rulebooks
        self.clock = clock
        self.doorbell = doorbell
        self.logger = logger
    }

    /// What to remember as the answer to an idempotent request, made from the changed case.
    public typealias Answer = @Sendable (Case) throws -> StoredAnswer

    /// Opens a case on behalf of `by`; the owner defaults to `by`, the leader to the owner's.
    ///
    /// Concurrent opens are committed together (group commit); each returns once durable.
    public func open(_ new: NewCase, by: String, answer: Answer? = nil) async throws -> Case {
        let rulebook = rulebooks.current
        var new = new
        if new.owner.trimmingCharacters(in: .whitespaces).isEmpty { new.owner = by }
        if new.leader == nil { new.leader = rulebook.configuration.owner(named: new.owner)?.leader }
        // A known partner given without addresses gets the configured ones.
        if let partner = new.partner, partner.emails.isEmpty,
            let known = rulebook.configuration.partner(named: partner.name)
        {
            new.partner?.emails = known.emails
        }
        let request = new
        let now = clock.now()
        let courier = Courier(rulebook: rulebook)
        let env = rulebook.environment(forPartner: request.partner?.name, now: now, by: by)
        // The machine runs before an id is reserved, so refusals leave no gaps; its result
        // depends on the id only through the case's own field.
        var transition = try CaseMachine.open(request, id: CaseID(1), in: env)
        let id = try await store.reserveCaseID()
        transition.case.id = id
        // Actions name the case (a Message-ID, a notification's words): run again with its id.
        if !transition.actions.isEmpty { transition = try CaseMachine.open(request, id: id, in: env) }
        var change = try courier.change(for: transition, at: now)
        change.answer = try answer?(change.case)
        let opened = try await opens.submit(try PreparedCase(change))
        doorbell.ring()
        if !change.outbox.isEmpty { outboxBell.ring() }
        // The control socket logs each request with its peer; this is the detail.
        logger.debug(
            "case opened",
            metadata: [
                "followup.case": "\(opened.id)", "followup.partner": "\(opened.partner?.name ?? "")",
                "followup.event": "opened", "followup.by": "\(by)",
            ])
        return opened
    }

    /// Applies a person's command to a case.
    public func apply(_ command: CaseCommand, to id: CaseID, by: String, answer: Answer? = nil) async throws -> Case {
        let rulebook = rulebooks.current
        let now = clock.now()
        let courier = Courier(rulebook: rulebook)
        var command = command
        if case .update(var update) = command, let owner = update.owner {
            update.leader = .some(rulebook.configuration.owner(named: owner)?.leader)
            command = .update(update)
        }
        let request = command
        let changed = try await store.updateCase(id) { current in
            let env = rulebook.environment(forPartner: current.partner?.name, now: now, by: by)
            var change = try courier.change(for: CaseMachine.apply(request, to: current, in: env), at: now)
            change.answer = try answer?(change.case)
            return change
        }
        doorbell.ring()
        outboxBell.ring()
        logger.debug(
            "case changed",
            metadata: [
                "followup.case": "\(id)", "followup.event": "changed", "followup.command": "\(command.eventName)",
                "followup.by": "\(by)", "followup.state": "\(changed.state.rawValue)",
            ])
        return changed
    }

    /// Acknowledges the event of notification `id` (§4.1): one acknowledgement by anyone
    /// allowed closes it on every channel; who and when go on the case's timeline.
    public func acknowledge(notification id: String, by: String) async throws -> OutboxMessage {
        let rulebook = rulebooks.current
        let now = clock.now()
        let courier = Courier(rulebook: rulebook)
        // A notice is acknowledged per technician, on the notice itself.
        if let message = try await store.notification(id),
            message.event == .noticePosted
                || message.event == .noticeReminder,
            let document = try? JSONCoding.decoder().decode(NotificationDocument.self, from: message.payload),
            let noticeID = document.data.notice, let owner = document.data.owner
        {
            _ = try await store.acknowledgeNotice(noticeID, owner: owner, by: by, at: now)
            return try await store.notification(id) ?? message
        }
        let acknowledged = try await store.acknowledge(id, by: by, at: now) { current, message in
            let env = rulebook.environment(forPartner: current.partner?.name, now: now, by: by)
            let command = CaseCommand.acknowledge(notification: message.ackGroup ?? message.id, event: message.event)
            return try courier.change(for: CaseMachine.apply(command, to: current, in: env), at: now)
        }
        logger.info(
            "notification acknowledged",
            metadata: [
                "followup.event": "acknowledged", "followup.notification": "\(id)", "followup.by": "\(by)",
                "followup.case": "\(acknowledged.caseID?.description ?? "")",
            ])
        return acknowledged
    }

    /// Queues a failed notification again (`followupctl outbox retry`).
    public func retry(notification id: String) async throws -> OutboxMessage {
        let message = try await store.requeueNotification(id, at: clock.now())
        outboxBell.ring()
        return message
    }
}
