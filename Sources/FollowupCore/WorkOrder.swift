import Foundation

/// The order work is taken in (§5 rule 4): oldest first, moved ahead only when the item is
/// classified urgent, the client got in touch, or a priority e-mail arrived.
///
/// followupd sees only its own items (its cases), not the ticket system's queue.
public enum WorkOrder {
    /// One item waiting on the desk, with why it moved ahead (nil: in age order).
    public struct Item: Sendable, Hashable {
        public var `case`: Case
        public var skip: CaseFlag?
        /// Why the technician owes it (for `can-take`).
        public var pending: String

        public init(case: Case, skip: CaseFlag?, pending: String) {
            self.case = `case`
            self.skip = skip
            self.pending = pending
        }
    }

    /// The allowed reasons to skip ahead, strongest first.
    public static let skipReasons: [CaseFlag] = [.urgent, .clientContacted, .priorityEmail]

    /// Why an open case waits on us, or nil when it waits on someone else: a third-party case
    /// the partner answered (`awaiting_us`), a cancellation without the client contact, a
    /// hand-off the leader has not confirmed.
    public static func pendingReason(_ subject: Case) -> String? {
        guard subject.state.isOpen else { return nil }
        switch subject.kind {
        case .thirdParty:
            return subject.state == .awaitingUs ? "o parceiro retornou: o próximo passo é nosso" : nil
        case .cancellation:
            return subject.cancellation?.contactAt == nil ? "cancelamento sem contato com o cliente registrado" : nil
        case .handoff:
            return "repasse ao parceiro sem confirmação do líder"
        }
    }

    /// The items of `cases` that wait on us, in the order to take them.
    public static func queue(_ cases: [Case]) -> [Item] {
        let items = cases.compactMap { subject -> Item? in
            guard let pending = pendingReason(subject) else { return nil }
            let skip = skipReasons.first { subject.flags[$0] != nil }
            return Item(case: subject, skip: skip, pending: pending)
        }
        return items.sorted { left, right in
            let l = left.skip.flatMap { skipReasons.firstIndex(of: $0) } ?? skipReasons.count
            let r = right.skip.flatMap { skipReasons.firstIndex(of: $0) } ?? skipReasons.count
            if l != r { return l < r }
            if left.case.createdAt != right.case.createdAt { return left.case.createdAt < right.case.createdAt }
            return left.case.id.number < right.case.id.number
        }
    }
}

/// Entitlements the desk is asked about (§5 rule 6).
public enum Entitlement {
    /// The Contábil Premium website creation: for contracts up to 2021, not from 2022 on
    /// (the tool was discontinued for sale). Returns the answer and the reason in words.
    public static func premiumSite(contractedOn date: LocalDate) -> (entitled: Bool, reason: String) {
        if date.year <= 2021 {
            return (
                true,
                "contratado em \(date) (até 2021): o cliente tem direito à criação do site do Contábil Premium"
            )
        }
        return (
            false,
            "contratado em \(date) (a partir de 2022): a criação do site deixou de ser vendida com o Contábil Premium"
        )
    }
}
