import FollowupAPI
import FollowupControl
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// The board (§6.9, `/`): every open case by state, what the daemon does next and when (in
/// the desk's zone, and "em 3 h"), overdue in red, urgent and priority marked, filtered by
/// owner, partner, state and kind. Read through the control API's `GET /v1/cases` as the
/// signed-in person: the same rules, the same permission table.
struct BoardPage: Sendable {
    let api: ControlAPI
    let clock: any WallClock

    /// The open states, in the order the board shows them.
    static let states: [CaseState] = [.awaitingPartner, .awaitingUs, .returnedToClient]
    /// Rows per section; more are a link away.
    static let pageSize = 50

    func render(_ request: Request, session: WebSession, pages: WebPages) async throws -> Response {
        let query = request.uri.queryParameters
        func value(_ name: String) -> String {
            String(query[Substring(name)] ?? "").trimmingCharacters(in: .whitespaces)
        }
        let owner = value("owner")
        let partner = value("partner")
        let kind = CaseKind(rawValue: value("kind"))
        let chosen = CaseState(rawValue: value("state")).flatMap { Self.states.contains($0) ? $0 : nil }
        let after = value("after")
        let wording = pages.wording
        let now = clock.now()
        var sections: [[String: Any]] = []
        for state in chosen.map({ [$0] }) ?? Self.states {
            var filters = ["state": state.rawValue, "limit": "\(Self.pageSize)"]
            if !owner.isEmpty { filters["owner"] = owner }
            if !partner.isEmpty { filters["partner"] = partner }
            if let kind { filters["kind"] = kind.rawValue }
            if chosen != nil, !after.isEmpty { filters["after"] = after }
            let list = try await cases(filters, session: session)
            var section: [String: Any] = [
                "state": state.rawValue, "title": wording["state." + state.rawValue],
                "rows": list.cases.map { row($0, now: now, pages: pages) }, "hasRows": !list.cases.isEmpty,
            ]
            if let next = list.next {
                var more = filters
                more["after"] = next
                more["limit"] = nil
                section["more"] = "/?" + Self.query(more)
            }
            sections.append(section)
        }
        let values: [String: Any] = [
            "owner": owner, "partner": partner, "sections": sections,
            "stateOptions": Self.states.map {
                ["value": $0.rawValue, "label": wording["state." + $0.rawValue], "selected": $0 == chosen]
            },
            "kindOptions": CaseKind.allCases.map {
                ["value": $0.rawValue, "label": wording["kind." + $0.rawValue], "selected": $0 == kind]
            },
        ]
        return pages.page(
            "board", title: wording["boardTitle"], values: values, session: SessionView(session, wording: wording),
            wide: true)
    }

    /// `GET /v1/cases` with `filters`, answered by the control API as the session's person.
    private func cases(_ filters: [String: String], session: WebSession) async throws -> CaseList {
        let peer = session.peer
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v1/cases?" + Self.query(filters))
        let answer = await api.respond(to: FollowupControl.HTTPRequest(head: head, body: ByteBuffer()), from: peer)
        let body = Data(answer.body.readableBytesView)
        guard answer.status == .ok else {
            let message = (try? APICoding.decoder().decode(ErrorBody.self, from: body))?.error.message
            throw BoardRefusal(status: Int(answer.status.code), message: message ?? "the cases could not be read")
        }
        return try APICoding.decoder().decode(CaseList.self, from: body)
    }

    /// One row of the board.
    private func row(_ item: CaseJSON, now: Date, pages: WebPages) -> [String: Any] {
        var row: [String: Any] = [
            "id": item.id, "client": item.client.name, "partner": item.partner?.name ?? "—", "subject": item.subject,
            "owner": item.owner, "urgent": item.flags.contains { $0.flag == .urgent }, "priority": item.priority,
        ]
        row["ticket"] = item.client.ticket
        if let next = item.nextAction {
            row["next"] = pages.wording["next." + next.kind]
            row["due"] = pages.time(next.dueAt)
            row["dueISO"] = Timestamp.format(next.dueAt)
            row["relative"] = pages.relative(next.dueAt, now: now)
            row["overdue"] = next.dueAt < now
        }
        return row
    }

    static func query(_ values: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return values.sorted { $0.key < $1.key }.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }
}

/// The control API refused the board's read (shown as a message page).
struct BoardRefusal: Error {
    let status: Int
    let message: String
}
