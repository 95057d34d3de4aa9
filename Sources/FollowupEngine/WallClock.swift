import Foundation
import Synchronization

/// The time as the engine reads it and waits on it; injected so tests drive time by hand.
///
/// Two readings: the wall clock (``now()``, what deadlines are stored in) and the monotonic
/// clock (``monotonicNow()``, what sleeps are measured on). Only the first one can step.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// The current instant of the monotonic clock that sleeps are measured on: it never
    /// steps when the wall clock is set, so liveness (the watchdog) is measured on it.
    func monotonicNow() -> ContinuousClock.Instant
    /// Returns at `deadline` (or soon after); throws `CancellationError` when cancelled.
    func sleep(until deadline: Date) async throws
}

/// The machine's clock.
///
/// Sleeps are measured on the monotonic clock from the wall-clock difference at the time of
/// the call, so a wall-clock jump is noticed when the caller re-checks (the scheduler
/// re-checks at least every few minutes).
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> Date { Date() }

    public func monotonicNow() -> ContinuousClock.Instant { .now }

    public func sleep(until deadline: Date) async throws {
        let interval = deadline.timeIntervalSinceNow
        guard interval > 0 else { return }
        try await Task.sleep(for: .milliseconds(Int64((interval * 1000).rounded(.up))))
    }
}

/// A clock that moves only when told to, for tests and simulations.
///
/// `advance(to:)` moves both readings and wakes every sleeper whose time has come;
/// `step(by:)` sets the wall clock alone, as an administrator or NTP does, and wakes nobody.
/// Like ``SystemClock``, a sleep lasts the wall-clock difference at the time of the call,
/// measured on the monotonic clock: after a step, a sleeper wakes when as much monotonic time
/// has passed as it meant to sleep, whatever the wall clock reads then. ``sleeps`` yields each
/// (wall-clock) deadline a sleeper starts waiting for, once its length is fixed, so a test can
/// tell when the code under test is idle.
public final class ManualClock: WallClock {
    private struct Sleeper {
        /// When it wakes, on the monotonic clock.
        var wakeAt: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var monotonic = ContinuousClock.now
        var sleepers: [UInt64: Sleeper] = [:]
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>
    private let sleepContinuation: AsyncStream<Date>.Continuation
    /// The deadline of every sleep started, in order.
    public let sleeps: AsyncStream<Date>

    public init(now: Date) {
        state = Mutex(State(now: now))
        (sleeps, sleepContinuation) = AsyncStream.makeStream(of: Date.self)
    }

    public func now() -> Date { state.withLock { $0.now } }

    public func monotonicNow() -> ContinuousClock.Instant { state.withLock { $0.monotonic } }

    /// Steps the wall clock by `seconds` (either way) without moving the monotonic clock or
    /// waking anyone: a clock set by hand or by NTP while the daemon runs.
    public func step(by seconds: TimeInterval) {
        state.withLock { $0.now = $0.now.addingTimeInterval(seconds) }
    }

    /// Moves the clock to `instant` (never backwards) and wakes the sleepers that are due; the
    /// monotonic clock moves by as much.
    public func advance(to instant: Date) {
        let due = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            let later = max(state.now, instant)
            state.monotonic = state.monotonic.advanced(by: .seconds(later.timeIntervalSince(state.now)))
            state.now = later
            let ready = state.sleepers.filter { $0.value.wakeAt <= state.monotonic }
            for id in ready.keys { state.sleepers[id] = nil }
            return ready.values.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        advance(to: now().addingTimeInterval(seconds))
    }

    public func sleep(until deadline: Date) async throws {
        // The length of the sleep is fixed when it starts, as the system clock's is.
        let (id, wakeAt) = state.withLock { state -> (UInt64, ContinuousClock.Instant) in
            state.nextID += 1
            let length = max(0, deadline.timeIntervalSince(state.now))
            return (state.nextID, state.monotonic.advanced(by: .seconds(length)))
        }
        sleepContinuation.yield(deadline)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { state -> Bool in
                    if Task.isCancelled || wakeAt <= state.monotonic { return true }
                    state.sleepers[id] = Sleeper(wakeAt: wakeAt, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.sleepers.removeValue(forKey: id)?.continuation }
            continuation?.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }
}
