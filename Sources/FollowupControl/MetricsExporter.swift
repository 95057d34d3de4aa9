import CoreMetrics
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation
import Metrics
import Prometheus

/// Prometheus metrics (§6.3 `/metrics`): request latencies through swift-metrics, and the
/// case, stage and outbox figures from storage's counters at each scrape.
public struct MetricsExporter: Sendable {
    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
        ]
        self.factory = factory
    }

    /// Records one answered request.
    public func record(route: String, status: UInt, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        Metrics.Timer(
            label: "followupd_request_duration_seconds", dimensions: [("route", route)], factory: factory
        ).recordNanoseconds(elapsed.nanoseconds)
        Counter(
            label: "followupd_requests_total", dimensions: [("route", route), ("status", "\(status)")], factory: factory
        ).increment()
    }

    /// The text exposition format.
    func render(counts: StatusCounts, retention: Retention.Tally? = nil) -> String {
        var text = registry.emitToString()
        text += "# HELP followupd_cases Cases per state.\n# TYPE followupd_cases gauge\n"
        for state in CaseState.allCases {
            text += "followupd_cases{state=\"\(state.rawValue)\"} \(counts.cases[state] ?? 0)\n"
        }
        text += "# HELP followupd_stages_total Stages carried out, per kind.\n# TYPE followupd_stages_total counter\n"
        for kind in Stage.Kind.allCases {
            text += "followupd_stages_total{kind=\"\(kind.rawValue)\"} \(counts.stages[kind] ?? 0)\n"
        }
        text +=
            "# HELP followupd_outbox Notifications in the outbox, per delivery state.\n# TYPE followupd_outbox gauge\n"
        for state in OutboxMessage.State.allCases {
            text += "followupd_outbox{state=\"\(state.rawValue)\"} \(counts.outbox[state] ?? 0)\n"
        }
        if let retention {
            text +=
                "# HELP followupd_retention_removed_total What retention erased since start.\n"
                + "# TYPE followupd_retention_removed_total counter\n"
            text += "followupd_retention_removed_total{what=\"closed_cases\"} \(retention.closedCases)\n"
            text += "followupd_retention_removed_total{what=\"inbound_mail\"} \(retention.inboundFiles)\n"
            text += "followupd_retention_removed_total{what=\"reports\"} \(retention.reportFiles)\n"
        }
        return text
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let parts = components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }
}
