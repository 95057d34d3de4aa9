import FollowupConfig
import FollowupCore
import FollowupDelivery
import FollowupEngine
import FollowupStorage
import Foundation
import Hummingbird

/// The one-click acknowledgement pages (§6.9): `GET /a/<token>` shows what is acknowledged
/// and one button; only the button's `POST` acknowledges, as the person the link was sent
/// to, with no sign-in. A forged, altered or expired token gets a 403 page and changes nothing.
struct AckPages: Sendable {
    let desk: Desk
    let store: any CaseStore
    let clock: any WallClock
    /// Verifies tokens (the key is the daemon's; address and lifetime do not matter here).
    let links: AckLinks
    let pages: @Sendable () -> WebPages

    func show(_ token: String) async throws -> Response {
        let pages = pages()
        guard case .success(let claim) = try await verify(token, pages: pages) else {
            return try await refusal(token, pages: pages)
        }
        return try await page(for: claim, token: token, pages: pages)
    }

    func acknowledge(_ token: String) async throws -> Response {
        let pages = pages()
        guard case .success(let claim) = try await verify(token, pages: pages) else {
            return try await refusal(token, pages: pages)
        }
        _ = try await desk.acknowledge(notification: claim.notification, by: claim.person)
        return try await page(for: claim, token: token, pages: pages)
    }

    private func verify(_ token: String, pages: WebPages) async throws -> Result<AckLinks.Claim, AckLinks.Refusal> {
        links.verify(token, now: clock.now())
    }

    private func refusal(_ token: String, pages: WebPages) async throws -> Response {
        let heading = pages.wording["forbiddenTitle"]
        if case .failure(.expired(let at)) = links.verify(token, now: clock.now()) {
            return pages.message(pages.format("linkExpired", pages.time(at)), heading: heading, status: .forbidden)
        }
        return pages.message(pages.wording["linkForged"], heading: heading, status: .forbidden)
    }

    /// The page of a valid link: what it acknowledges, and the button or who already did.
    private func page(for claim: AckLinks.Claim, token: String, pages: WebPages) async throws -> Response {
        guard let message = try await store.notification(claim.notification),
            let document = try? JSONCoding.decoder().decode(NotificationDocument.self, from: message.payload)
        else {
            return pages.message(
                pages.wording["notFound"], heading: pages.wording["notFoundTitle"], status: .notFound)
        }
        let language = pages.wording.language
        var values: [String: Any] = [
            "token": token, "person": claim.person, "sentAt": pages.time(message.createdAt),
            "event": NotificationTitles.headline(of: document, language: language),
        ]
        values["caseID"] = document.data.case
        values["client"] = document.data.client
        values["partner"] = document.data.partner
        values["summary"] = document.data.title ?? document.data.summary
        if let done = try await acknowledgement(of: message, document: document) {
            values["acknowledged"] = pages.format("ackDone", done.by, pages.time(done.at))
        }
        return pages.page("ack", title: pages.wording["ackTitle"], values: values)
    }

    /// Who acknowledged, and when: the notice's technician for a notice, else the group's.
    private func acknowledgement(of message: OutboxMessage, document: NotificationDocument) async throws
        -> (by: String, at: Date)?
    {
        if let noticeID = document.data.notice, let owner = document.data.owner,
            let notice = try await store.notice(noticeID),
            let recipient = notice.recipients.first(where: { $0.owner.lowercased() == owner.lowercased() })
        {
            guard let at = recipient.acknowledgedAt else { return nil }
            return (recipient.acknowledgedBy ?? owner, at)
        }
        guard let by = message.acknowledgedBy, let at = message.acknowledgedAt else { return nil }
        return (by, at)
    }
}
