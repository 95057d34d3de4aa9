import FollowupAPI
import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupReports
import FollowupStorage
import Foundation
import Logging
import NIOCore
import NIOHTTP1

extension ControlAPI {
    func listCases(_ request: HTTPRequest) async throws -> HTTPResponse {
        let query = request.query
        var filter = CaseFilter()
        if let text = query["state"] {
            guard let state = CaseState(rawValue: text) else {
                throw FollowupError.invalid(
                    "state", "must be one of \(CaseState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.state = state
        }
        if let text = query["kind"] {
            guard let kind = CaseKind(rawValue: text) else {
                throw FollowupError.invalid(
                    "kind", "must be one of \(CaseKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.kind = kind
        }
        filter.partner = query["partner"]
        filter.owner = query["owner"]
        filter.client = query["client"]
        filter.ticket = query["ticket"]
        if let overdue = query["overdue"], overdue != "false" { filter.dueBefore = clock.now() }
        if let after = query["after"] {
            guard let id = CaseID(parsing: after) else {
                throw FollowupError.invalid("after", "must be a case id (FU-<n>)")
            }
            filter.afterID = id
        }
        if let text = query["limit"] {
            guard let limit = Int(text), (1...1000).contains(limit) else {
                throw FollowupError.invalid("limit", "must be a whole number from 1 to 1000")
            }
            filter.limit = limit
        } else {
            filter.limit = 100
        }
        let cases = try await store.cases(matching: filter)
        let next = cases.count == filter.limit ? cases.last?.id.description : nil
        return try Self.json(.ok, CaseList(cases: cases.map { CaseJSON($0) }, next: next))
    }

    /// The timeline page a case read asks for: `events_after` (a seq, 0 from the start) and
    /// `events_limit` (1 to 1000, 500 by default).
    static func eventsPage(_ query: [String: String]) throws -> (after: Int, limit: Int) {
        var after = 0
        if let text = query["events_after"] {
            guard let seq = Int(text), seq >= 0 else {
                throw FollowupError.invalid("events_after", "must be a timeline seq (a whole number, 0 or more)")
            }
            after = seq
        }
        var limit = 500
        if let text = query["events_limit"] {
            guard let wanted = Int(text), (1...1000).contains(wanted) else {
                throw FollowupError.invalid("events_limit", "must be a whole number from 1 to 1000")
            }
            limit = wanted
        }
        return (after, limit)
    }

    func openCase(_ request: HTTPRequest, peer: Peer) async throws -> HTTPResponse {
        let body = try Self.decode(OpenCaseBody.self, from: request)
        let kind = body.kind ?? .thirdParty
        if kind == .handoff {
            throw FollowupError.invalid("kind", "hand-offs are opened with POST /v1/handoffs (followupctl handoff)")
        }
        let new = NewCase(
            kind: kind, client: body.client,
            partner: body.partner.map { PartnerContact(name: $0.name, emails: $0.emails ?? []) },
            subject: body.subject ?? "", verification: body.verification ?? "", owner: body.owner ?? "",
            sensitive: body.sensitive ?? [], deadline: body.deadline, escalatedTo: body.escalatedTo,
            implementationAt: body.implementationAt, sentAt: body.sentAt, messageID: body.messageID,
            send: body.send ?? false)
        return try await idempotent(request, peer: peer, status: .created) { answer in
            try await desk.open(new, by: peer.name, answer: answer)
        }
    }

    func caseRoute(_ route: String, _ request: HTTPRequest, id: CaseID, peer: Peer) async throws -> HTTPResponse {
        let command: CaseCommand
        switch (request.method, route) {
        case (.GET, "/v1/cases/{id}"):
            guard let found = try await store.findCase(id) else {
                throw FollowupError(.notFound, "\(id) does not exist")
            }
            let (after, limit) = try Self.eventsPage(request.query)
            let events = try await store.timeline(of: id, after: after, limit: limit)
            let next = events.count == limit ? events.last?.seq : nil
            return try Self.json(.ok, CaseJSON(found, events: events, eventsNext: next))
        case (.GET, "/v1/cases/{id}/report"):
            return try await report(request, id: id)
        case (.PATCH, _):
            let body = try Self.decode(PatchBody.self, from: request)
            if body.owner != nil { try require(.leader, peer, for: "changing a case's owner") }
            command = .update(
                CaseUpdate(
                    owner: body.owner, deadline: body.deadline, escalatedTo: body.escalatedTo,
                    implementationAt: body.implementationAt, partnerEmails: body.partnerEmails))
        case (_, "/v1/cases/{id}/contacts"):
            let body = try Self.decode(ContactBody.self, from: request, emptyAllowed: true)
            command = .contactSent(
                ContactRecord(
                    at: body.at, channel: body.channel ?? .email, to: body.to ?? [], messageID: body.messageID,
                    note: body.note))
        case (_, "/v1/cases/{id}/returns"):
            let body = try Self.decode(ReturnBody.self, from: request, emptyAllowed: true)
            if let seq = body.reclassify {
                guard let kind = body.kind else {
                    throw FollowupError.invalid("kind", "say what the return is now: info, ack or auto")
                }
                command = .reclassify(seq: seq, kind: kind)
            } else {
                command = .partnerReplied(kind: body.kind ?? .info, at: body.at, note: body.note)
            }
        case (_, "/v1/cases/{id}/refusal"):
            let body = try Self.decode(RefusalBody.self, from: request)
            command = .partnerRefused(at: body.at, note: body.note)
        case (_, "/v1/cases/{id}/notes"):
            let body = try Self.decode(NoteBody.self, from: request)
            command = .addNote(body.note, internal: body.internal ?? false)
        case (_, "/v1/cases/{id}/close"):
            let body = try Self.decode(CloseBody.self, from: request)
            if let reason = body.reason {
                command = .closeCancellation(reason: reason, partnerSystem: body.partnerSystem, text: body.text ?? "")
            } else {
                command = .close(resolution: body.resolution ?? "")
            }
        case (_, "/v1/cases/{id}/client-contact"):
            command = .clientContact(summary: try Self.decode(ClientContactBody.self, from: request).summary)
        case (_, "/v1/cases/{id}/reopen"):
            command = .reopen(reason: try Self.decode(ReopenBody.self, from: request).reason)
        case (_, "/v1/cases/{id}/flags"):
            let body = try Self.decode(FlagBody.self, from: request)
            if body.flag == .priority { try require(.leader, peer, for: "the priority flag") }
            command = .setFlag(body.flag, on: body.set ?? true)
        default:
            throw FollowupError(.notFound, "there is no route \(request.method.rawValue) \(request.path)")
        }
        return try await idempotent(request, peer: peer, status: .ok) { answer in
            try await desk.apply(command, to: id, by: peer.name, answer: answer)
        }
    }

    func report(_ request: HTTPRequest, id: CaseID) async throws -> HTTPResponse {
        let name = request.query["format"] ?? "json"
        guard let format = ReportFormat(rawValue: name) else {
            throw FollowupError.invalid(
                "format",
                "\(name) is not a report format: use \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        // The client's report unless the desk's is asked for: what is shown by default is what
        // may be forwarded.
        let audienceName = request.query["audience"] ?? ReportAudience.client.rawValue
        guard let audience = ReportAudience(rawValue: audienceName) else {
            throw FollowupError.invalid(
                "audience",
                "\(audienceName) is not a report audience: use "
                    + ReportAudience.allCases.map(\.rawValue).joined(separator: " or "))
        }
        guard try await store.findCase(id) != nil else { throw FollowupError(.notFound, "\(id) does not exist") }
        guard let stored = try await store.latestReport(of: id) else {
            throw FollowupError(
                .notFound, "\(id) has no report yet: one is issued at the report deadline or on a refusal")
        }
        let document = try JSONCoding.decoder().decode(ReportDocument.self, from: stored.document)
        let body = try reports.current.render(document, as: format, for: audience)
        return HTTPResponse(status: .ok, contentType: format.mimeType, body: ByteBuffer(bytes: body))
    }

    /// Carries out a state-changing request once per `Idempotency-Key` (§6.3): a retry with the
    /// same key gets the first answer back, committed together with the change it answered.
    func idempotent(
        _ request: HTTPRequest, peer: Peer, status: HTTPResponseStatus,
        _ act: (Desk.Answer?) async throws -> Case
    ) async throws -> HTTPResponse {
        guard let key = request.headers.first(name: "idempotency-key") else {
            return try Self.caseResponse(try await act(nil), status: status)
        }
        guard !key.isEmpty, key.count <= 200 else {
            throw FollowupError.invalid("Idempotency-Key", "must be 1 to 200 characters")
        }
        let scoped = "\(peer.scope) \(request.method.rawValue) \(Self.canonicalPath(request.path)) \(key)"
        await forgetOldAnswers()
        if let stored = try await store.storedAnswer(for: scoped) { return Self.replay(stored) }
        do {
            let answered = try await act { changed in
                StoredAnswer(key: scoped, status: Int(status.code), body: try Self.encode(CaseJSON(changed)))
            }
            return try Self.caseResponse(answered, status: status)
        } catch let error as FollowupError where error.code == .duplicateRequest {
            guard let stored = try await store.storedAnswer(for: scoped) else { throw error }
            return Self.replay(stored)
        }
    }

    /// The path with its case id written one way (`fu-1`, `1` and `FU-1` are one case), so a
    /// retry names the same request however the client spelled the id.
    static func canonicalPath(_ path: String) -> String {
        var segments = segments(of: path)
        if segments.count >= 3, segments[0] == "v1", segments[1] == "cases", let id = CaseID(parsing: segments[2]) {
            segments[2] = id.description
        }
        return "/" + segments.joined(separator: "/")
    }

    /// Forgets stored answers older than a day, at most once an hour (on the way of an
    /// idempotent request: no timer of its own). A failure only postpones it.
    func forgetOldAnswers() async {
        let now = clock.now()
        guard answerKeeping.due(at: now) else { return }
        do {
            let forgotten = try await store.forgetAnswers(before: now.addingTimeInterval(-AnswerKeeping.kept))
            if forgotten > 0 {
                logger.info(
                    "idempotency answers forgotten",
                    metadata: ["followup.event": "answers_forgotten", "followup.count": "\(forgotten)"])
            }
        } catch {
            logger.notice("could not forget old idempotency answers", metadata: ["followup.error": "\(error)"])
        }
    }

    static func caseResponse(_ subject: Case, status: HTTPResponseStatus) throws -> HTTPResponse {
        var response = try json(status, CaseJSON(subject))
        if status == .created { response.headers.add(name: "location", value: "/v1/cases/\(subject.id)") }
        return response
    }

    static func replay(_ stored: StoredAnswer) -> HTTPResponse {
        var response = HTTPResponse(
            status: HTTPResponseStatus(statusCode: stored.status), body: ByteBuffer(bytes: stored.body))
        response.headers.add(name: "idempotent-replayed", value: "true")
        if stored.status == 201, let subject = try? APICoding.decoder().decode(CaseJSON.self, from: stored.body) {
            response.headers.add(name: "location", value: "/v1/cases/\(subject.id)")
        }
        return response
    }
}
