import FollowupConfig
import FollowupCore
import FollowupDelivery
import Foundation
import Testing

/// Real requests to a real receiver (`Tests/Support/webhook_receiver.py`), whose signatures
/// the `standardwebhooks` package verifies.
struct WebhookTransportTests {
    static let secret = "whsec_" + Data((0..<24).map { UInt8(255 - $0) }).base64EncodedString()
    static let body = try! WebhookBody.render(Fixture.report(), format: .standard, language: .ptBR)

    /// Runs `body` with a transport (connect and read timeouts of 2 s) and a receiver, both
    /// stopped afterwards.
    static func withEndpoint<T>(
        secret: String? = WebhookTransportTests.secret, script: [String],
        _ body: (WebhookTransport, WebhookReceiver, WebhookSettings) async throws -> T
    ) async throws -> T {
        let transport = WebhookTransport(settings: NotificationSettings(timeout: .seconds(2)))
        do {
            let result = try await WebhookReceiver.with(secret: secret, script: script) { receiver in
                try await body(transport, receiver, WebhookSettings(url: receiver.url, secret: secret))
            }
            try await transport.shutdown()
            return result
        } catch {
            try await transport.shutdown()
            throw error
        }
    }

    /// Delivers the fixture; the limit is generous unless a test is about it (a loaded test
    /// run may keep the answer waiting for a thread).
    static func send(
        _ transport: WebhookTransport, _ webhook: WebhookSettings, id: String = "01jdtest",
        timeout: Duration = .seconds(10)
    ) async -> DeliveryOutcome {
        await transport.deliver(Self.body, id: id, at: Date(), to: webhook, timeout: timeout)
    }

    @Test func aSignedDeliveryIsVerifiedByTheReferenceLibrary() async throws {
        try await Self.withEndpoint(script: ["202"]) { transport, receiver, webhook in
            let outcome = await Self.send(transport, webhook, id: "01jdsigned")
            #expect(outcome == .delivered(DeliveryDetail(httpStatus: 202)))
            let requests = try receiver.requests()
            #expect(requests.count == 1)
            let request = try #require(requests.first)
            #expect(request.verified, "standardwebhooks: \(request.error ?? "")")
            #expect(request.webhookID == "01jdsigned")
            #expect(request.signature?.hasPrefix("v1,") == true)
            #expect(request.body == String(decoding: Self.body, as: UTF8.self))
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["user-agent"] == "followupd/\(FollowupVersion.current)")
            #expect(request.path == "/hooks/followup")
        }
    }

    @Test func withoutASecretTheRequestIsUnsigned() async throws {
        try await Self.withEndpoint(secret: nil, script: []) { transport, receiver, webhook in
            #expect(await Self.send(transport, webhook, id: "01jdplain") == .delivered(DeliveryDetail(httpStatus: 200)))
            let request = try #require(try receiver.requests().first)
            #expect(request.signature == nil)
            #expect(request.webhookID == "01jdplain")
            #expect(request.timestamp.flatMap(Int.init) != nil)
        }
    }

    @Test func answersAreConsumedInOrder() async throws {
        let script = ["500", "429 retry-after=1", "410"]
        try await Self.withEndpoint(script: script) { transport, receiver, webhook in
            let failed = await Self.send(transport, webhook)
            #expect(failed == .retry(after: nil, DeliveryDetail(httpStatus: 500, error: "HTTP 500")))
            let limited = await Self.send(transport, webhook)
            #expect(limited == .retry(after: .seconds(1), DeliveryDetail(httpStatus: 429, error: "HTTP 429")))
            let gone = await Self.send(transport, webhook)
            #expect(gone == .refused(DeliveryDetail(httpStatus: 410, error: "HTTP 410: the endpoint is gone")))
            #expect(await Self.send(transport, webhook) == .delivered(DeliveryDetail(httpStatus: 200)), "then 200")
            #expect(try receiver.requests().map(\.verified) == [true, true, true, true])

            try receiver.answer(["503 \"retry-after=Wed, 21 Oct 2099 07:28:00 GMT\""])
            guard case .retry(let after, let detail) = await Self.send(transport, webhook) else {
                Issue.record("503 is not a retry")
                return
            }
            #expect(detail.httpStatus == 503)
            #expect((after ?? .zero) > .seconds(365 * 86_400), "an HTTP date far ahead")
        }
    }

    @Test func anEndpointThatHangsTimesOut() async throws {
        try await Self.withEndpoint(script: ["hang 10"]) { transport, receiver, webhook in
            // Waiting out the 10 s hang would end in a 200: only the 1 s limit gives this outcome.
            let outcome = await Self.send(transport, webhook, timeout: .seconds(1))
            #expect(outcome == .retry(after: nil, DeliveryDetail(error: "timed out after 1s")))
            let requests = try receiver.requests()
            #expect(requests.count == 1)
        }
    }

    @Test func aRedirectIsNotFollowed() async throws {
        try await Self.withEndpoint(script: []) { transport, receiver, webhook in
            try receiver.answer(["302 location=http://127.0.0.1:\(receiver.port)/elsewhere"])
            let outcome = await Self.send(transport, webhook)
            guard case .retry(nil, let detail) = outcome else {
                Issue.record("a redirect gave \(outcome)")
                return
            }
            #expect(detail.httpStatus == 302)
            #expect(detail.error?.contains("redirect") == true)
            #expect(detail.error?.contains("not followed") == true)
            #expect(try receiver.requests().map(\.path) == ["/hooks/followup"], "nothing sent to /elsewhere")
        }
    }

    @Test func aLargeAnswerIsReadOnlyInPartAndTheSecretNeverShows() async throws {
        let big = String(repeating: "x", count: 200_000)
        try await Self.withEndpoint(script: ["500 body=\(Self.secret)+\(big)"]) { transport, _, webhook in
            let outcome = await Self.send(transport, webhook)
            let error = try #require(outcome.detail.error)
            #expect(error.hasPrefix("HTTP 500: <secret>+xxx"))
            #expect(!error.contains(Self.secret.dropFirst(6)))
            #expect(error.count <= DeliveryDetail.longestError)
            // The connection is usable afterwards (or replaced): the next delivery goes through.
            #expect(await Self.send(transport, webhook) == .delivered(DeliveryDetail(httpStatus: 200)))
        }
    }

    @Test func aClosedPortIsConnectionRefusedAndABadSecretIsRefused() async throws {
        let port = try await WebhookReceiver.with(secret: nil) { $0.port }  // stopped: nothing listens there
        let transport = WebhookTransport(settings: NotificationSettings(timeout: .seconds(1)))
        let closed = WebhookSettings(url: "http://127.0.0.1:\(port)/hook", secret: Self.secret)
        let outcome = await transport.deliver(Self.body, id: "n1", at: Date(), to: closed, timeout: .seconds(2))
        #expect(outcome == .retry(after: nil, DeliveryDetail(error: "connection refused")))

        let badSecret = "whsec_not*base64"
        let bad = WebhookSettings(url: "http://127.0.0.1:\(port)/hook", secret: badSecret)
        let refused = await transport.deliver(Self.body, id: "n1", at: Date(), to: bad, timeout: .seconds(2))
        guard case .refused(let detail) = refused else {
            Issue.record("a bad secret gave \(refused)")
            try await transport.shutdown()
            return
        }
        #expect(detail.error?.contains("whsec_") == true)
        #expect(detail.error?.contains("not*base64") == false)
        try await transport.shutdown()
    }
}
