import Foundation
import Synchronization

/// Sign-in attempts per remote address (§6.9 "attempts rate-limited per account and
/// address"): at most ``limit`` failures within ``window``; the account's own lock-out is
/// kept in the database by `LocalAccounts`. Bounded: at most ``capacity`` addresses are
/// remembered, the oldest forgotten first.
final class SignInThrottle: Sendable {
    let limit: Int
    let window: TimeInterval
    let capacity: Int
    private let failures = Mutex<[String: [Date]]>([:])

    init(limit: Int = 20, window: TimeInterval = 600, capacity: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    /// Whether `address` may try again at `now`.
    func allows(_ address: String, at now: Date) -> Bool {
        failures.withLock { table in
            let recent = (table[address] ?? []).filter { now.timeIntervalSince($0) < window }
            table[address] = recent.isEmpty ? nil : recent
            return recent.count < limit
        }
    }

    /// Counts a failed attempt from `address`.
    func failed(_ address: String, at now: Date) {
        failures.withLock { table in
            if table[address] == nil, table.count >= capacity,
                let oldest = table.min(by: { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) })
            {
                table[oldest.key] = nil
            }
            table[address, default: []].append(now)
        }
    }
}
