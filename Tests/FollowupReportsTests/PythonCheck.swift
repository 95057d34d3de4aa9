import Foundation
import Testing

/// Runs Python 3 programs that read what the renderer wrote; output goes through files (no pipe
/// to fill up).
enum Python {
    /// Runs `python3 -c program arguments…` and returns its standard output.
    static func run(_ program: String, _ arguments: [String]) throws -> Data {
        try withScratchFolder { folder in
            let out = folder.appendingPathComponent("out")
            let err = folder.appendingPathComponent("err")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", program] + arguments
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            try process.run()
            process.waitUntilExit()
            let stderr = String(decoding: try Data(contentsOf: err), as: UTF8.self)
            try #require(process.terminationStatus == 0, "python3 failed: \(stderr)")
            return try Data(contentsOf: out)
        }
    }
}

/// A fresh temporary folder, removed after `body`.
func withScratchFolder<T>(_ body: (URL) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("followup-reports-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
}
