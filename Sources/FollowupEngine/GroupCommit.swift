import FollowupCore
import FollowupStorage
import Foundation
import Synchronization

/// Group commit for opening cases: requests that arrive while a commit is in flight are
/// committed together in the next transaction (one fsync for many), each still answered
/// only once it is durable. Each request prepares its case (state machine, documents) in
/// its own task, so that work runs on every core and only the SQL is serial.
///
/// No background task: the first caller that finds no commit in flight becomes the leader
/// and commits batches until the queue is empty; the others wait for their result.
final class GroupCommit: Sendable {
    private struct Pending {
        var prepared: PreparedCase
        var slot: ResultSlot<Case>
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
        let slot = ResultSlot<Case>()
        let lead = state.withLock { state -> Bool in
            state.queue.append(Pending(prepared: prepared, slot: slot))
            if state.committing { return false }
            state.committing = true
            return true
        }
        if lead { await drain() }
        return try await slot.value()
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.queue.prefix(maxBatch))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.committing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let results = try await store.insertCases(batch.map(\.prepared))
                for (pending, result) in zip(batch, results) { pending.slot.fulfil(result) }
            } catch {
                for pending in batch { pending.slot.fulfil(.failure(error)) }
            }
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
