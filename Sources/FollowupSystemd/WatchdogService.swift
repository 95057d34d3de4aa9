import Foundation
import Logging
import ServiceLifecycle

/// Pings the systemd watchdog at half its interval while the scheduler loop makes progress
/// (a stuck loop stops the pings, and systemd restarts the daemon), keeps `STATUS=` current,
/// and says `STOPPING=1` when the graceful shutdown begins.
public final class WatchdogService: Service {
    let notifier: Notifier
    let healthy: @Sendable (Date) -> Bool
    let status: @Sendable () async -> String?
    let statusEvery: Duration
    let logger: Logger

    /// - Parameters:
    ///   - healthy: whether the scheduler loop is alive at an instant (working recently, or
    ///     asleep until a deadline not long past).
    ///   - status: the current one-line summary (nil when it cannot be had right now).
    public init(
        notifier: Notifier, healthy: @escaping @Sendable (Date) -> Bool,
        status: @escaping @Sendable () async -> String?,
        statusEvery: Duration = .seconds(10), logger: Logger
    ) {
        self.notifier = notifier
        self.healthy = healthy
        self.status = status
        self.statusEvery = statusEvery
        self.logger = logger
    }

    public func run() async throws {
        let interval = notifier.watchdogInterval
        let tick = interval.map { min($0 / 2, statusEvery) } ?? statusEvery
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown { await self.loop(tick: tick, interval: interval) }
        } onGracefulShutdown: {
            self.notifier.stopping()
        }
    }

    private func loop(tick: Duration, interval: Duration?) async {
        var stuck = false
        while !Task.isCancelled {
            do { try await Task.sleep(for: tick) } catch { break }
            if let line = await status() { notifier.status(line) }
            guard interval != nil else { continue }
            if healthy(Date()) {
                notifier.watchdog()
                stuck = false
            } else if !stuck {
                stuck = true
                logger.critical(
                    "the scheduler loop is stuck: watchdog pings stop", metadata: ["followup.event": "stopping"])
            }
        }
    }
}
