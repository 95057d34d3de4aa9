import FollowupConfig
import FollowupCore
import FollowupStorage
import Foundation
import Logging

/// Mail read from the inbound Maildir (§4.5), recorded through the desk.
extension Desk {
    /// What recording an inbound message came to.
    public enum InboundOutcome: Sendable, Equatable {
        /// Recorded on its case.
        case recorded
        /// Kept in the inbox for a person (no case, or the case refused it); the reason says why.
        case unmatched(String)
        /// Recorded before (a repeat after a crash): nothing done.
        case duplicate
    }

    /// The partner of the configuration in force (reloads included) named `name`, ignoring
    /// case; nil when the configuration has none by that name.
    public func configuredPartner(named name: String) -> PartnerSettings? {
        rulebooks.current.configuration.partner(named: name)
    }

    /// The owner or leader of the configuration in force whose address is `address`.
    public func configuredPerson(address: String) -> (name: String, isOwner: Bool)? {
        rulebooks.current.configuration.person(withAddress: address)
    }

    /// The configured partner `address` belongs to (its addresses, or its domains).
    public func configuredPartner(forAddress address: String) -> PartnerSettings? {
        rulebooks.current.configuration.partner(forAddress: address)
    }

    /// Opens `new` for the inbox message `record` (a request captured by Bcc, or a message a
    /// person turns into a case) and marks the message recorded on it, once: the case is opened
    /// under a key made from the message's, so a second pass over the same message (a crash
    /// in between, the same mail delivered twice) finds that case instead of opening another.
    /// `existing`: the message is already in the inbox (waiting for a person), so it is
    /// updated there. Returns the outcome and the case.
    public func openFromInbound(_ record: InboundRecord, _ new: NewCase, by: String, existing: Bool) async throws
        -> (outcome: InboundOutcome, case: CaseID?)
    {
        if !existing, let seen = try await store.inbound(record.id) {
            return (.duplicate, seen.caseID)
        }
        let key = "inbound-open:\(record.id)"
        let id: CaseID
        if let stored = try await store.storedAnswer(for: key),
            let found = CaseID(parsing: String(decoding: stored.body, as: UTF8.self))
        {
            id = found
        } else {
            let opened = try await open(new, by: by) { opened in
                StoredAnswer(key: key, status: 201, body: Data(opened.id.description.utf8))
            }
            id = opened.id
        }
        var record = record
        record.caseID = id
        record.state = .recorded
        if existing {
            record.handledBy = by
            record.handledAt = clock.now()
            try await store.updateInbound(record, onCase: nil)
            return (.recorded, id)
        }
        return (try await store.recordInbound(record, onCase: nil) ? .recorded : .duplicate, id)
    }

    /// Records `record` once; with `command`, applies it to `record.caseID` in the same
    /// transaction (by the daemon). A case that refuses it (closed, say) leaves the message
    /// in the inbox as unmatched, with the refusal as the reason.
    public func receive(
        _ record: InboundRecord, applying command: CaseCommand?, by: String = CaseEnvironment.daemon
    ) async throws -> InboundOutcome {
        let rulebook = rulebooks.current
        let now = clock.now()
        let courier = Courier(rulebook: rulebook)
        var record = record
        if let command, record.caseID != nil {
            record.state = .recorded
            do {
                let fresh = try await store.recordInbound(record) { current in
                    let env = rulebook.environment(forPartner: current.partner?.name, now: now, by: by)
                    return try courier.change(for: CaseMachine.apply(command, to: current, in: env), at: now)
                }
                guard fresh else { return .duplicate }
                doorbell.ring()
                outboxBell.ring()
                return .recorded
            } catch let error as FollowupError where error.code == .conflict || error.code == .invalidInput {
                record.state = .unmatched
                record.reason = "\(record.caseID.map { "\($0)" } ?? "the case") did not take it: \(error.message)"
            }
        } else {
            record.state = .unmatched
        }
        return try await store.recordInbound(record, onCase: nil) ? .unmatched(record.reason) : .duplicate
    }

    /// Assigns an unmatched inbox message to a case: `command` is what it does there (made by
    /// the inbox reader from the message), recorded by `by`.
    public func assignInbound(_ id: String, to caseID: CaseID, command: CaseCommand, by: String) async throws
        -> InboundRecord
    {
        guard var record = try await store.inbound(id) else {
            throw FollowupError(.notFound, "there is no inbox message \(id) (see followupctl inbox)")
        }
        guard record.state == .unmatched else {
            throw FollowupError(
                .conflict, "inbox message \(id) is \(record.state.rawValue): only unmatched ones are assigned")
        }
        let rulebook = rulebooks.current
        let now = clock.now()
        let courier = Courier(rulebook: rulebook)
        record.state = .recorded
        record.caseID = caseID
        record.reason = "assigned to \(caseID) by \(by)"
        record.handledBy = by
        record.handledAt = now
        try await store.updateInbound(record) { current in
            let env = rulebook.environment(forPartner: current.partner?.name, now: now, by: by)
            return try courier.change(for: CaseMachine.apply(command, to: current, in: env), at: now)
        }
        doorbell.ring()
        outboxBell.ring()
        return record
    }

    /// Sets an unmatched inbox message aside.
    public func dismissInbound(_ id: String, by: String) async throws -> InboundRecord {
        guard var record = try await store.inbound(id) else {
            throw FollowupError(.notFound, "there is no inbox message \(id) (see followupctl inbox)")
        }
        guard record.state == .unmatched else {
            throw FollowupError(
                .conflict, "inbox message \(id) is \(record.state.rawValue): only unmatched ones are dismissed")
        }
        record.state = .dismissed
        record.handledBy = by
        record.handledAt = clock.now()
        record.reason = "dismissed by \(by)"
        try await store.updateInbound(record, onCase: nil)
        return record
    }
}
