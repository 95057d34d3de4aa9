import FollowupAPI
import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation
import NIOCore
import NIOHTTP1

/// The routes of the rest of the playbook (§5): escalations, hand-offs, notices, the work
/// order, the Premium-site entitlement and the cancellation counts.
extension ControlAPI {
    func playbookRoute(_ route: String, _ request: HTTPRequest, segments: [String], peer: Peer) async throws
        -> HTTPResponse
    {
        switch (request.method, route) {
        case (.POST, "/v1/escalations"):
            let body = try Self.decode(EscalationBody.self, from: request)
            let rows = try await desk.escalate(
                service: body.service, client: body.client, note: body.note, by: peer.name)
            return try Self.json(
                .created,
                EscalationJSON(
                    acknowledge: rows[0].ackGroup ?? rows[0].id, notifications: rows.map(Self.notificationJSON)))
        case (.POST, "/v1/handoffs"):
            let body = try Self.decode(HandoffBody.self, from: request)
            let new = NewCase(
                kind: .handoff, client: body.client,
                partner: PartnerContact(name: body.partner.name, emails: body.partner.emails ?? []),
                subject: "", verification: "", owner: body.owner ?? "", note: body.note)
            return try await idempotent(request, peer: peer, status: .created) { answer in
                try await desk.open(new, by: peer.name, answer: answer)
            }
        case (.GET, "/v1/notices"):
            return try Self.json(.ok, NoticeList(notices: try await store.notices(limit: 100)))
        case (.POST, "/v1/notices"):
            let body = try Self.decode(NoticeBody.self, from: request)
            return try Self.json(.created, try await desk.postNotice(title: body.title, text: body.text, by: peer.name))
        case (.GET, "/v1/notices/{id}"):
            guard let notice = try await store.notice(segments[2]) else {
                throw FollowupError(.notFound, "there is no notice \(segments[2])")
            }
            return try Self.json(.ok, notice)
        case (.POST, "/v1/notices/{id}/ack"):
            let body = try Self.decode(NoticeAckBody.self, from: request, emptyAllowed: true)
            if let owner = body.owner, owner.lowercased() != peer.name.lowercased() {
                try require(.leader, peer, for: "acknowledging a notice for \(owner)")
            }
            return try Self.json(
                .ok, try await desk.acknowledgeNotice(segments[2], owner: body.owner, by: peer.name))
        case (.GET, "/v1/queue"):
            let owner = request.query["owner"]
            return try Self.json(.ok, QueueJSON(owner: owner, items: try await queue(owner: owner)))
        case (.GET, "/v1/can-take"):
            guard let owner = request.query["owner"], !owner.isEmpty else {
                throw FollowupError.invalid("owner", "say whose work: ?owner=NAME")
            }
            let pending = try await queue(owner: owner)
            let reason =
                pending.isEmpty
                ? "\(owner) has no pending followupd items and may take new work"
                : "\(owner) has \(pending.count) pending item(s): "
                    + pending.map { "\($0.case) (\($0.pending))" }.joined(separator: "; ")
            return try Self.json(
                .ok, CanTakeJSON(owner: owner, canTake: pending.isEmpty, reason: reason, pending: pending))
        case (.GET, "/v1/entitlements/premium-site"):
            guard let text = request.query["contracted_on"], let date = LocalDate(parsing: text) else {
                throw FollowupError.invalid("contracted_on", "give the contract date as YYYY-MM-DD")
            }
            let answer = Entitlement.premiumSite(contractedOn: date)
            return try Self.json(
                .ok, EntitlementJSON(entitled: answer.entitled, reason: answer.reason, contractedOn: "\(date)"))
        case (.GET, "/v1/cancellations"):
            return try Self.json(.ok, try await cancellations(since: request.query["since"]))
        default:
            throw FollowupError(.notFound, "there is no route \(request.method.rawValue) \(request.path)")
        }
    }

    /// The items waiting on the desk (one technician's, or everyone's), in the order to take them.
    func queue(owner: String?) async throws -> [QueueJSON.Item] {
        // Everything that can wait on us is `awaiting_us` (third-party, cancellation, hand-off).
        let open = try await store.cases(matching: CaseFilter(state: .awaitingUs, owner: owner, limit: 5_000))
        return WorkOrder.queue(open).enumerated().map { QueueJSON.Item(position: $0.offset + 1, $0.element) }
    }

    /// Cancellations closed since a day (all when nil), by reason and partner system.
    func cancellations(since text: String?) async throws -> CancellationsJSON {
        var since: Date?
        if let text {
            guard let day = LocalDate(parsing: text) else {
                throw FollowupError.invalid("since", "give a day as YYYY-MM-DD")
            }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = rulebooks.current.configuration.calendar.timeZone
            since = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
        }
        let counts = try await store.cancellationCounts(closedSince: since)
        return CancellationsJSON(
            since: text, total: counts.total, open: counts.open, byReason: counts.byReason,
            byPartnerSystem: counts.byPartnerSystem)
    }
}
