import Foundation
import Logging
import ServiceLifecycle

/// Pings the systemd watchdog at half its interval while the scheduler loop makes progress
/// (a stuck loop stops the pings, and systemd restarts the daemon), keeps `STATUS=` current,
/// and says `STOPPING=1` when the graceful shutdown begins.
public final class WatchdogService: Service {
    let notifier: Notifier
    let healthy: @Sendable () -> Bool
    let status: @Sendable () async -> String?
    let statusEvery: Duration
    let logger: Logger

    /// - Parameters:
    ///   - healthy: whether the scheduler loop is alive now (working recently, or asleep until
    ///     a wake-up not long past), measured on the monotonic clock: systemd's watchdog counts
    ///     on it too, and a wall-clock step must not stop the pings.
    ///   - status: the current one-line summary (nil when it cannot be had right now).
    public init(
        notifier: Notifier, healthy: @escaping @Sendable () -> Bool,
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
            if healthy() {
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
