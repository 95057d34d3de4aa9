import FollowupCore
import FollowupStorage
import Foundation
import Synchronization

/// Group commit for opening cases: requests that arrive while a commit is in flight are
/// committed together in the next transaction (one fsync for many), each still answered
/// only once it is durable. Each request prepares its case (state machine, documents) in
/// its own task, so that work runs on every core and only the SQL is serial.
///
/// No background task: the first caller that finds no commit in flight becomes the leader and
/// commits batches until its own case is in one; then it hands the lead to the oldest request
/// still waiting (if any) and answers. So no request waits for batches that arrived after it.
final class GroupCommit: Sendable {
    private struct Pending {
        var prepared: PreparedCase
        var slot: ResultSlot<Turn>
    }

    /// What a waiting request is told: its case is committed (or failed), or it leads now.
    private enum Turn: Sendable {
        case committed(Result<Case, any Error>)
        case lead
    }

    private struct State {
        var queue: [Pending] = []
        var committing = false
    }

    private let store: any CaseStore
    private let maxBatch: Int
    private let state = Mutex(State())

    init(store: any CaseStore, maxBatch: Int = 1000) {
        self.store = store
        self.maxBatch = maxBatch
    }

    /// Inserts one prepared case; returns once it is committed.
    func submit(_ prepared: PreparedCase) async throws -> Case {
        let slot = ResultSlot<Turn>()
        let lead = state.withLock { state -> Bool in
            state.queue.append(Pending(prepared: prepared, slot: slot))
            if state.committing { return false }
            state.committing = true
            return true
        }
        if lead { return try await self.lead(until: slot) }
        switch try await slot.value() {
        case .committed(let result): return try result.get()
        case .lead: return try await self.lead(until: slot)
        }
    }

    /// Commits batches in arrival order until `own` is committed, then passes the lead on.
    private func lead(until own: ResultSlot<Turn>) async throws -> Case {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.queue.prefix(maxBatch))
                state.queue.removeFirst(batch.count)
                return batch
            }
            let results: [Result<Case, any Error>]
            do {
                results = try await store.insertCases(batch.map(\.prepared))
            } catch {
                results = Array(repeating: .failure(error), count: batch.count)
            }
            var mine: Result<Case, any Error>?
            for (pending, result) in zip(batch, results) {
                if pending.slot === own {
                    mine = result
                } else {
                    pending.slot.fulfil(.success(.committed(result)))
                }
            }
            guard let mine else { continue }
            let next = state.withLock { state -> ResultSlot<Turn>? in
                guard let first = state.queue.first else {
                    state.committing = false
                    return nil
                }
                return first.slot
            }
            next?.fulfil(.success(.lead))
            return try mine.get()
        }
    }
}

/// A result delivered once, awaited once.
final class ResultSlot<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, any Error>?
        var waiter: CheckedContinuation<Value, any Error>?
    }

    private let state = Mutex(State())

    func fulfil(_ result: Result<Value, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Value, any Error>? in
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<Value, any Error>? in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
