import Foundation

/// Work that blocks its thread (running `sendmail`, fsyncing a Maildir), run on a thread of
/// its own so the Swift concurrency pool (two threads on a 2-core machine) keeps serving.
public enum BlockingWork {
    /// The result of `work`, run on a new thread; the caller suspends meanwhile.
    ///
    /// One thread per call, ended with the work: callers bound how many run at once (the
    /// delivery workers do). The thread is not cancelled with the task: the work has its own
    /// time limit.
    public static func run<Result: Sendable>(_ name: String, _ work: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.name = name
            thread.start()
        }
    }
}
