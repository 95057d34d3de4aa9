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
        case (.POST, "/v1/inbox/{id}/dismiss"):
            return try Self.json(.ok, Self.inboxJSON(try await desk.dismissInbound(segments[2], by: peer.name)))
        default:
            throw FollowupError(.notFound, "there is no route \(request.method.rawValue) \(request.path)")
        }
    }

    static func inboxJSON(_ record: InboundRecord) -> InboxMessageJSON {
        InboxMessageJSON(
            id: record.id, receivedAt: record.receivedAt, from: record.from, subject: record.subject,
            kind: record.kind.rawValue, state: record.state.rawValue, case: record.caseID?.description,
            reason: record.reason, excerpt: record.excerpt, file: record.file, handledBy: record.handledBy,
            handledAt: record.handledAt)
    }
}
