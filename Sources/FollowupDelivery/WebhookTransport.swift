import AsyncHTTPClient
import FollowupConfig
import FollowupCore
import Foundation
import NIOCore
import NIOHTTP1

/// Posts webhook bodies (§6.6) through one shared HTTP client and tells how each attempt ended.
///
/// Redirects are never followed (an answer of 3xx is a failure to retry). Requests carry
/// `content-type: application/json`, `user-agent: followupd/<version>`, and `webhook-id`
/// and `webhook-timestamp`; `webhook-signature` too when the webhook has a secret. Error texts
/// never hold the secret or the URL (Workflows URLs carry a signature of their own). At most
/// ``longestAnswerExcerpt`` bytes of an answer's body are read.
///
/// Call ``shutdown()`` once done: the HTTP client holds connections until then.
public final class WebhookTransport: Sendable {
    private let client: HTTPClient

    /// The `user-agent` of every request.
    public static let userAgent = "followupd/\(FollowupVersion.current)"
    /// How many bytes of an answer's body are read (for the error text); the rest is dropped.
    public static let longestAnswerExcerpt = 4_096

    /// A transport whose connect, read and write timeouts are `settings.timeout`.
    public init(settings: NotificationSettings = NotificationSettings()) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let timeout = TimeAmount(settings.timeout)
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: timeout, read: timeout, write: timeout)
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// POSTs `body` to `webhook` as notification `id`, signed for `timestamp`; never throws.
    ///
    /// The whole attempt, answer excerpt included, takes at most `timeout`. A bad secret is
    /// ``DeliveryOutcome/refused(_:)``: the request cannot be signed until the configuration
    /// is fixed (then `followupctl outbox retry`). Every other failure is described in
    /// ``WebhookVerdict``'s words.
    public func deliver(
        _ body: Data, id: String, at timestamp: Date, to webhook: WebhookSettings, timeout: Duration
    ) async -> DeliveryOutcome {
        var request = HTTPClientRequest(url: webhook.url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: Self.userAgent)
        if let secret = webhook.secret {
            do {
                let signer = try WebhookSigner(secret: secret)
                for (name, value) in signer.headers(id: id, at: timestamp, body: body) {
                    request.headers.add(name: name, value: value)
                }
            } catch {
                return .refused(DeliveryDetail(error: "cannot sign: \(error)"))
            }
        } else {
            request.headers.add(name: "webhook-id", value: id)
            request.headers.add(name: "webhook-timestamp", value: String(WebhookSigner.timestamp(timestamp)))
        }
        request.body = .bytes(ByteBuffer(bytes: body))

        let deadline = ContinuousClock.now.advanced(by: timeout)
        let outcome: DeliveryOutcome
        do {
            let response = try await client.execute(request, timeout: TimeAmount(timeout))
            let excerpt = await Self.excerpt(of: response.body, until: deadline)
            outcome = WebhookVerdict.outcome(
                status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"),
                location: response.headers.first(name: "location"), excerpt: excerpt, now: Date())
        } catch {
            outcome = .retry(after: nil, DeliveryDetail(error: WebhookVerdict.reason(for: error, timeout: timeout)))
        }
        return Self.redacting(webhook.secret, in: outcome)
    }

    /// Closes the connections; the transport cannot be used afterwards.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Up to ``longestAnswerExcerpt`` bytes of `body`, read until `deadline` at the latest;
    /// whatever arrived when reading fails or time runs out.
    static func excerpt(of body: HTTPClientResponse.Body, until deadline: ContinuousClock.Instant) async -> String {
        await withTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                var kept: [UInt8] = []
                do {
                    for try await chunk in body {
                        kept += chunk.readableBytesView.prefix(Self.longestAnswerExcerpt - kept.count)
                        if kept.count >= Self.longestAnswerExcerpt { break }
                    }
                } catch {
                    // What arrived is enough for an error text.
                }
                return kept
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            var kept: [UInt8] = []
            while let result = await group.next() {
                if let bytes = result {
                    kept = bytes
                    group.cancelAll()
                    break
                }
                group.cancelAll()
            }
            return String(decoding: kept, as: UTF8.self)
        }
    }

    /// `outcome` with every occurrence of the secret (whole, or its base64 part) in the error
    /// text replaced by `<secret>`: an endpoint echoing back what it was configured with
    /// cannot put it in the database or the journal.
    static func redacting(_ secret: String?, in outcome: DeliveryOutcome) -> DeliveryOutcome {
        guard let secret, var error = outcome.detail.error else { return outcome }
        var secrets = [secret.trimmingCharacters(in: .whitespacesAndNewlines)]
        if secrets[0].hasPrefix(WebhookSigner.secretPrefix) {
            secrets.append(String(secrets[0].dropFirst(WebhookSigner.secretPrefix.count)))
        }
        for text in secrets where text.count >= 4 {
            error = error.replacingOccurrences(of: text, with: "<secret>")
        }
        var detail = outcome.detail
        detail.error = error
        switch outcome {
        case .delivered: return .delivered(detail)
        case .retry(let after, _): return .retry(after: after, detail)
        case .refused: return .refused(detail)
        }
    }
}
