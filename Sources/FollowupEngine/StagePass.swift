import FollowupCore
import FollowupStorage
import Logging

/// What the journal is told of the stages of one scheduler pass (§6.8 correction).
///
/// A pass is the run of batches the scheduler carries out back to back until nothing more is
/// due. A pass of at most ``bulkThreshold`` stages tells each stage as one entry on its case
/// (`FOLLOWUP_CASE`, with the `MESSAGE_ID` of its kind), so a case's story holds the daemon's
/// own actions; a larger pass (a storm, a catch-up after downtime) keeps to the batch
/// summaries, so journald's rate limit never drops part of a story. The lines of a pass are
/// held until it ends, when its size is known.
struct StagePass {
    /// More stages than this in one pass make it bulk.
    static let bulkThreshold = 100

    private var total = 0
    private var pending: [CarriedStage] = []

    var isBulk: Bool { total > Self.bulkThreshold }

    /// Notes a batch; when the pass ends (`goesOn` false) returns the stages to tell one by
    /// one (none for a bulk pass) and starts afresh.
    mutating func note(_ batch: FiringBatch, goesOn: Bool) -> [CarriedStage] {
        total += batch.total
        pending = isBulk ? [] : pending + batch.carried
        guard !goesOn else { return [] }
        defer { self = StagePass() }
        return pending
    }

    /// Logs one stage carried out as its own entry, named by the event of its kind.
    ///
    /// Only ids, kinds and numbers: no note or text of the case reaches the journal.
    static func tell(_ carried: CarriedStage, to logger: Logger) {
        let id = carried.caseID
        let partner = carried.partner ?? "the partner"
        var metadata: Logger.Metadata = [
            "followup.case": "\(id)", "followup.stage": "\(carried.stage.kind.rawValue)",
            "followup.ordinal": "\(carried.stage.ordinal)",
        ]
        if let name = carried.partner { metadata["followup.partner"] = "\(name)" }
        let message: String
        switch carried.outcome {
        case .resent:
            metadata["followup.event"] = "resent"
            if let attempt = carried.attempt { metadata["followup.attempt"] = "\(attempt)" }
            message = "\(id): evaluation request re-sent to \(partner) (attempt \(carried.attempt ?? 0))"
        case .skipped:
            metadata["followup.event"] = "skipped"
            message = "\(id): \(carried.stage.kind.rawValue) \(carried.stage.ordinal) skipped, the report being due"
        case .manualResendRequested:
            metadata["followup.event"] = "manual_resend_requested"
            message = "\(id): \(partner) has no e-mail address; the owner was asked to re-send by hand"
        case .reportGenerated:
            metadata["followup.event"] = "report_generated"
            if let reason = carried.reason { metadata["followup.reason"] = "\(reason.rawValue)" }
            message =
                "\(id): attempts report generated (\(carried.reason?.rawValue ?? "?")); the case goes to the client"
        case .ownerReminded, .clientReminded:
            metadata["followup.event"] = "reminded"
            message = "\(id): \(carried.stage.kind.rawValue) \(carried.stage.ordinal) sent"
        case .deadlineWarned:
            metadata["followup.event"] = "deadline_warned"
            let target = carried.stage.kind == .deadlineWarning ? "client's deadline" : "scheduled implementation"
            message = "\(id): owner and leaders warned that the \(target) approaches"
        case .closed:
            metadata["followup.event"] = "closed_returned"
            message = "\(id): closed, nothing new with the client for policy.close_returned_after"
        default:
            metadata["followup.event"] = "changed"
            message = "\(id): \(carried.stage.kind.rawValue) carried out"
        }
        logger.info("\(message)", metadata: metadata)
    }
}
