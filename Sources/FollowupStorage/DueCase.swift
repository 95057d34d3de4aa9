import FollowupCore
import Foundation

/// One due case, decoded and carried forward ahead of the write (both engines).
struct DueCase: Sendable {
    /// The case as stored.
    var current: Case
    /// The stage carried out, or nil when the stored deadline was stale or the machine declined.
    var stage: Stage?
    /// What to write.
    var change: StoredChange
    var encoded: EncodedDocuments

    /// Decodes the stored documents of the claimed cases and hands each due stage to `fire`.
    /// Decoding, the state machine and encoding run on every core; the SQL stays serial.
    static func prepare(
        _ documents: [Data], now: Date, _ fire: @escaping @Sendable (Case, Stage) -> StoredChange?
    ) throws -> [DueCase] {
        try Parallel.map(documents) { slice in
            let decoder = DocumentCoding.decoder()
            let encoder = DocumentCoding.encoder()
            return try slice.map { document in
                let current = try decoder.decode(Case.self, from: document)
                // A stored deadline that is stale, or a stage the machine declines: save the
                // case as it is, which corrects its next deadline.
                guard let stage = current.nextStage, stage.dueAt <= now, let change = fire(current, stage) else {
                    let unchanged = StoredChange(case: current)
                    return DueCase(
                        current: current, stage: nil, change: unchanged,
                        encoded: try EncodedDocuments(unchanged, encoder: encoder))
                }
                return DueCase(
                    current: current, stage: stage, change: change,
                    encoded: try EncodedDocuments(change, encoder: encoder))
            }
        }
    }

    /// The change to write when the stage was found already done (by this node before a
    /// crash, or by another node): the advanced timers are kept, nothing is repeated.
    var withoutEffects: StoredChange {
        var change = change
        change.entries = []
        change.outbox = []
        change.reports = []
        change.answer = nil
        return change
    }
}
