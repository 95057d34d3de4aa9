import FollowupDelivery
import Foundation
import Testing

/// What each answer means (§6.6), without a network: statuses, `Retry-After`, error words.
struct WebhookVerdictTests {
    static let now = Date(timeIntervalSince1970: 1_795_799_100)

    enum Kind: Equatable { case delivered, retry, refused }

    static func kind(_ outcome: DeliveryOutcome) -> Kind {
        switch outcome {
        case .delivered: .delivered
        case .retry: .retry
        case .refused: .refused
        }
    }

    @Test(arguments: [
        (200, Kind.delivered), (202, .delivered), (204, .delivered), (299, .delivered),
        (410, .refused),
        (429, .retry), (500, .retry), (502, .retry), (503, .retry), (599, .retry),
        (301, .retry), (302, .retry), (307, .retry), (308, .retry),
        (400, .retry), (401, .retry), (403, .retry), (404, .retry), (413, .retry),
    ])
    func eachStatusHasOneOutcome(status: Int, kind: Kind) {
        let outcome = WebhookVerdict.outcome(
            status: status, retryAfter: nil, location: nil, excerpt: "", now: Self.now)
        #expect(Self.kind(outcome) == kind)
        #expect(outcome.detail.httpStatus == status)
        #expect((outcome.detail.error == nil) == (kind == .delivered))
    }

    @Test func errorTextsSayTheStatusAndTheStartOfTheAnswer() {
        let failed = WebhookVerdict.outcome(
            status: 500, retryAfter: nil, location: nil, excerpt: "  upstream\n\tdown  ", now: Self.now)
        #expect(failed.detail.error == "HTTP 500: upstream down")
        let gone = WebhookVerdict.outcome(status: 410, retryAfter: nil, location: nil, excerpt: "", now: Self.now)
        #expect(gone.detail.error == "HTTP 410: the endpoint is gone")
        let moved = WebhookVerdict.outcome(
            status: 302, retryAfter: nil, location: "https://elsewhere.example/hook", excerpt: "", now: Self.now)
        #expect(moved.detail.error == "HTTP 302: redirect to https://elsewhere.example/hook not followed")
        let long = WebhookVerdict.outcome(
            status: 400, retryAfter: nil, location: nil, excerpt: String(repeating: "z", count: 5_000), now: Self.now)
        #expect((long.detail.error?.count ?? 0) < 300)
    }

    @Test func retryAfterInSecondsOrAsAnHTTPDate() {
        #expect(WebhookVerdict.delay("1", now: Self.now) == .seconds(1))
        #expect(WebhookVerdict.delay(" 120 ", now: Self.now) == .seconds(120))
        // 2026-11-27 17:05:00 UTC is `now`: 90 s later, in each of the three HTTP date forms.
        #expect(WebhookVerdict.delay("Fri, 27 Nov 2026 17:06:30 GMT", now: Self.now) == .seconds(90))
        #expect(WebhookVerdict.delay("Friday, 27-Nov-26 17:06:30 GMT", now: Self.now) == .seconds(90))
        #expect(WebhookVerdict.delay("Fri Nov 27 17:06:30 2026", now: Self.now) == .seconds(90))
        #expect(WebhookVerdict.delay("Fri, 27 Nov 2026 17:00:00 GMT", now: Self.now) == .zero, "a past date: now")
        // Far too large to mean anything: read as the longest wait, which the backoff caps.
        let huge = WebhookVerdict.delay("99999999999999999999", now: Self.now)
        #expect(huge.map { $0 >= .seconds(3_153_600_000) } == true)
        #expect(WebhookVerdict.delay("Fri, 31 Dec 9999 23:59:59 GMT", now: Self.now).map { $0 > .zero } == true)
        for unreadable in [nil, "", "soon", "-5", "1.5", "27/11/2026"] {
            #expect(WebhookVerdict.delay(unreadable, now: Self.now) == nil, "\(unreadable ?? "nil")")
        }
        guard
            case .retry(let after, _) = WebhookVerdict.outcome(
                status: 429, retryAfter: "7", location: nil, excerpt: "", now: Self.now)
        else {
            Issue.record("429 is not a retry")
            return
        }
        #expect(after == .seconds(7))
        guard
            case .retry(let ignored, _) = WebhookVerdict.outcome(
                status: 404, retryAfter: "7", location: nil, excerpt: "", now: Self.now)
        else {
            Issue.record("404 is not a retry")
            return
        }
        #expect(ignored == nil, "Retry-After is honoured on 429 and 5xx only")
    }

    @Test func failuresWithoutAnAnswerAreNamed() {
        struct Refused: Error, CustomStringConvertible {
            var description: String { "NIOConnectionError(… error: Connection refused (errno: 111))" }
        }
        #expect(WebhookVerdict.reason(for: Refused(), timeout: .seconds(2)) == "connection refused")
        struct Other: Error {}
        #expect(WebhookVerdict.reason(for: Other(), timeout: .seconds(2)).hasPrefix("request failed: "))
    }
}
