import FollowupConfig
import FollowupCore
import FollowupStorage
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The running daemon: storage opened, every long-running piece a `Service` of one group
/// that stops gracefully on SIGTERM or SIGINT.
public struct Daemon: Sendable {
    public let configuration: Configuration
    public let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens the storage the configuration names.
    public static func openStore(_ configuration: Configuration, logger: Logger) throws -> any CaseStore {
        switch configuration.storage {
        case .sqlite(let path):
            return try SQLiteCaseStore(path: path, logger: logger)
        case .postgres:
            throw FollowupError(
                .invalidConfiguration,
                "storage.url: this build stores cases in SQLite only; set storage.path instead")
        }
    }

    /// Runs until SIGTERM or SIGINT.
    public func run(clock: any WallClock = SystemClock()) async throws {
        let store = try Self.openStore(configuration, logger: logger)
        let rulebooks = RulebookHolder(Rulebook(configuration))
        let doorbell = Doorbell()
        let scheduler = Scheduler(
            store: store, rulebooks: rulebooks, clock: clock, doorbell: doorbell,
            logger: logger.with("followup.component", "scheduler"))
        let counts = try await store.counts()
        logger.info(
            "followupd started",
            metadata: [
                "followup.version": "\(FollowupVersion.current)", "followup.storage": "\(configuration.storage)",
                "followup.open_cases": "\(counts.cases.filter { $0.key.isOpen }.values.reduce(0, +))",
            ])
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: scheduler)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info("followupd ready", metadata: ["followup.event": "ready"])
        try await group.run()
        logger.info("followupd stopped")
    }
}

extension Logger {
    /// A copy with one more metadata value.
    func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = .string(value)
        return copy
    }
}
