import CSystemd
import Foundation

/// Tells systemd how the daemon is doing (`sd_notify`): ready, status, watchdog pings,
/// reloading and stopping. Without `NOTIFY_SOCKET` every call does nothing.
public struct Notifier: Sendable {
    public init() {}

    /// `READY=1` with a status line.
    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }

    /// `STATUS=…`, the one-line summary `systemctl status` shows.
    public func status(_ line: String) { send("STATUS=\(line)") }

    /// `WATCHDOG=1`.
    public func watchdog() { send("WATCHDOG=1") }

    /// `RELOADING=1` with the monotonic time, as systemd expects before a reload.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let micros = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        send("RELOADING=1\nMONOTONIC_USEC=\(micros)")
    }

    /// `STOPPING=1`.
    public func stopping() { send("STOPPING=1\nSTATUS=stopping") }

    /// The watchdog interval systemd asked for (`WATCHDOG_USEC`), or nil when none.
    public var watchdogInterval: Duration? {
        var micros: UInt64 = 0
        guard sd_watchdog_enabled(0, &micros) > 0, micros > 0 else { return nil }
        return .microseconds(Int64(micros))
    }

    func send(_ state: String) {
        _ = sd_notify(0, state)
    }
}
