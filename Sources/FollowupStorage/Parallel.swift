import Dispatch
import Foundation
import Synchronization

/// Splits CPU-bound work (decoding, applying the state machine, encoding) over the cores,
/// keeping the results in order. Used inside a write transaction so that only the SQL
/// stays serial.
enum Parallel {
    /// `transform` applied to consecutive slices of `items`, one slice per core.
    static func map<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (ArraySlice<T>) throws -> [R]) throws
        -> [R]
    {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, items.count / 32))
        if workers == 1 { return try transform(items[...]) }
        let size = (items.count + workers - 1) / workers
        let results = Mutex<[Int: Result<[R], any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let slice = items[min(worker * size, items.count)..<min((worker + 1) * size, items.count)]
            let result = Result { try transform(slice) }
            results.withLock { $0[worker] = result }
        }
        return try results.withLock { results in
            try (0..<workers).flatMap { try results[$0]!.get() }
        }
    }
}
