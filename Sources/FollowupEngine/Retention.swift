import FollowupConfig
import FollowupCore
import FollowupStorage
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The background erasure of `retention` (§6.10): closed cases older than `closed_cases`
/// erased as `followupctl erase` does, inbound mail copies older than `inbound_mail` and
/// report files older than `reports` removed; a pass every `interval`, counted for status
/// and the metrics.
public final class Retention: Service {
    /// What the passes removed since the daemon started, and when the last one ran.
    public struct Tally: Sendable, Hashable {
        public var closedCases = 0
        public var inboundFiles = 0
        /// Inbox records on no case forgotten with their mail.
        public var inboundRecords = 0
        public var reportFiles = 0
        public var lastPassAt: Date?
    }

    let desk: Desk
    let store: any CaseStore
    let rulebooks: RulebookHolder
    let clock: any WallClock
    let logger: Logger
    let interval: TimeInterval
    private let counted = Mutex(Tally())

    public init(
        desk: Desk, store: any CaseStore, rulebooks: RulebookHolder, clock: any WallClock, logger: Logger,
        interval: TimeInterval = 3600
    ) {
        self.desk = desk
        self.store = store
        self.rulebooks = rulebooks
        self.clock = clock
        self.logger = logger
        self.interval = interval
    }

    public var tally: Tally { counted.withLock { $0 } }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    do {
                        try await self.pass(now: self.clock.now())
                    } catch is CancellationError {
                        return
                    } catch {
                        self.logger.error(
                            "retention pass failed; retried at the next", metadata: ["followup.error": "\(error)"])
                    }
                    try await self.clock.sleep(until: self.clock.now().addingTimeInterval(self.interval))
                }
            }
        } catch is CancellationError {
            // Stopping.
        }
    }

    /// One pass at `now`; what it removed is added to ``tally``.
    public func pass(now: Date) async throws {
        let configuration = rulebooks.current.configuration
        let settings = configuration.retention
        var pass = Tally()
        if !settings.closedCases.isZero, let eraser = store as? any CaseErasure {
            let cutoff = now.addingTimeInterval(-TimeInterval(settings.closedCases.nominalSeconds))
            // A page at a time, through the index of closed cases by their last change: a pass
            // reads what is due (and holds one page), not every closed case.
            var after: ClosedCaseKey?
            while true {
                let page = try await eraser.closedCases(changedBefore: cutoff, after: after, limit: Self.pageSize)
                for key in page {
                    do {
                        _ = try await desk.erase(
                            ErasureRequest(caseID: key.id), by: CaseEnvironment.daemon, compact: false)
                        pass.closedCases += 1
                    } catch let error as FollowupError where error.code == .conflict || error.code == .notFound {
                        continue  // Reopened or changed meanwhile: no longer due, or due at the next pass.
                    }
                }
                guard page.count == Self.pageSize, let last = page.last else { break }
                after = last
            }
            if pass.closedCases > 0 { try await eraser.compact() }
        }
        if !settings.inboundMail.isZero, let maildir = configuration.inbound?.maildir {
            let cutoff = now.addingTimeInterval(-TimeInterval(settings.inboundMail.nominalSeconds))
            pass.inboundFiles = Self.removeOlder(than: cutoff, in: ["\(maildir)/cur", "\(maildir)/failed"])
            // What the inbox remembers of mail on no case goes with it (a case's, with the case).
            if let eraser = store as? any CaseErasure {
                pass.inboundRecords = try await eraser.forgetInbound(receivedBefore: cutoff)
            }
        }
        if !settings.reports.isZero, let dir = configuration.reports.dir {
            let cutoff = now.addingTimeInterval(-TimeInterval(settings.reports.nominalSeconds))
            let folders = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).map { "\(dir)/\($0)" }
            pass.reportFiles = Self.removeOlder(than: cutoff, in: folders)
        }
        pass.lastPassAt = now
        counted.withLock {
            $0.closedCases += pass.closedCases
            $0.inboundFiles += pass.inboundFiles
            $0.inboundRecords += pass.inboundRecords
            $0.reportFiles += pass.reportFiles
            $0.lastPassAt = now
        }
        if pass.closedCases + pass.inboundFiles + pass.inboundRecords + pass.reportFiles > 0 {
            let message =
                "retention: erased \(pass.closedCases) closed case(s), removed \(pass.inboundFiles) inbound mail "
                + "(\(pass.inboundRecords) inbox record(s)) and \(pass.reportFiles) report file(s)"
            logger.notice(
                "\(message)",
                metadata: [
                    "followup.event": "retention", "followup.cases": "\(pass.closedCases)",
                    "followup.inbound": "\(pass.inboundFiles)", "followup.reports": "\(pass.reportFiles)",
                ])
        }
    }

    /// How many closed cases a pass reads at a time.
    static let pageSize = 500

    /// Removes the regular files of `folders` last modified before `cutoff`; returns how many.
    static func removeOlder(than cutoff: Date, in folders: [String]) -> Int {
        var removed = 0
        for folder in folders {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                let path = "\(folder)/\(name)"
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                    attributes[.type] as? FileAttributeType == .typeRegular,
                    let modified = attributes[.modificationDate] as? Date, modified <= cutoff,
                    (try? FileManager.default.removeItem(atPath: path)) != nil
                else { continue }
                removed += 1
            }
        }
        return removed
    }
}
