import FollowupTestSupport
import Foundation
import Testing

/// Runs Python 3 programs that read what the renderer wrote.
enum Python {
    /// Runs `python3 -c program arguments…` and returns its standard output.
    static func run(_ program: String, _ arguments: [String]) throws -> Data {
        let outcome = try PythonProgram.runBlocking(program, arguments)
        try #require(outcome.status == 0, "python3 failed: \(outcome.stderr)")
        return outcome.stdout
    }
}
