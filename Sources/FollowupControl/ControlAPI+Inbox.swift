import FollowupAPI
import FollowupCore
import FollowupEngine
import FollowupInbox
import FollowupStorage
import Foundation
import NIOCore
import NIOHTTP1

/// The inbox routes (§4.5): messages read from the inbound Maildir, and what a person does
/// with those that matched no case.
extension ControlAPI {
    func inboxRoute(_ route: String, _ request: HTTPRequest, segments: [String], peer: Peer) async throws
        -> HTTPResponse
    {
        switch (request.method, route) {
        case (.GET, "/v1/inbox"):
            var state: InboundRecord.State?
            if request.query["unmatched"] == "true" { state = .unmatched }
            if let text = request.query["state"] {
                guard let parsed = InboundRecord.State(rawValue: text) else {
                    throw FollowupError.invalid(
                        "state",
                        "must be one of \(InboundRecord.State.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                state = parsed
            }
            let records = try await store.inbox(state: state, limit: 500)
            return try Self.json(.ok, InboxList(messages: records.map(Self.inboxJSON)))
        case (.GET, "/v1/inbox/{id}"):
            guard let record = try await store.inbound(segments[2]) else {
                throw FollowupError(.notFound, "there is no inbox message \(segments[2]) (see followupctl inbox)")
            }
            return try Self.json(.ok, Self.inboxJSON(record))
        case (.POST, "/v1/inbox/{id}/assign"):
            guard let inbox else {
                throw FollowupError(.conflict, "no inbound Maildir is configured (inbound.maildir)")
            }
            let body = try Self.decode(AssignBody.self, from: request)
            let caseID = try Self.caseID(body.case)
            return try Self.json(.ok, Self.inboxJSON(try await inbox.assign(segments[2], to: caseID, by: peer.name)))
        case (.POST, "/v1/inbox/{id}/open"):
            guard let inbox else {
                throw FollowupError(.conflict, "no inbound Maildir is configured (inbound.maildir)")
            }
            let body = try Self.decode(InboxOpenBody.self, from: request)
            let fields = InboxOpenFields(
                client: try body.client.map { try Self.inboxText("client", $0, limit: 200) },
                ticket: try body.ticket.map { try Self.inboxText("ticket", $0, limit: 60) },
                partner: try body.partner.map { try Self.inboxText("partner", $0, limit: 200) },
                partnerEmails: try (body.partnerEmails ?? []).map { address in
                    guard AddressSyntax.problem(address) == nil else {
                        throw FollowupError.invalid("partner_emails", "\"\(address)\" is not an e-mail address")
                    }
                    return address
                },
                subject: try body.subject.map { try Self.inboxText("subject", $0, limit: 300) },
                verification: try body.verification.map { try Self.inboxText("verification", $0, limit: 4_000) },
                owner: try body.owner.map { try Self.inboxText("owner", $0, limit: 200) })
            let (record, _) = try await inbox.openCase(segments[2], with: fields, by: peer.name)
            return try Self.json(.created, Self.inboxJSON(record))
        case (.POST, "/v1/inbox/{id}/dismiss"):
            return try Self.json(.ok, Self.inboxJSON(try await desk.dismissInbound(segments[2], by: peer.name)))
        default:
            throw FollowupError(.notFound, "there is no route \(request.method.rawValue) \(request.path)")
        }
    }

    /// A text field of `inbox open`: not blank, at most `limit` characters.
    static func inboxText(_ field: String, _ text: String, limit: Int) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= limit else {
            throw FollowupError.invalid(field, "must be given, at most \(limit) characters")
        }
        return trimmed
    }

    static func inboxJSON(_ record: InboundRecord) -> InboxMessageJSON {
        InboxMessageJSON(
            id: record.id, receivedAt: record.receivedAt, from: record.from, subject: record.subject,
            kind: record.kind.rawValue, state: record.state.rawValue, case: record.caseID?.description,
            reason: record.reason, excerpt: record.excerpt, file: record.file, handledBy: record.handledBy,
            handledAt: record.handledAt)
    }
}
