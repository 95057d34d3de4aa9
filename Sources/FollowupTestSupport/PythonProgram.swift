import Foundation

/// Python 3 programs the tests run to read what followupd wrote with parsers written by
/// others (`email`, `html.parser`, `jsonschema`, `standardwebhooks`). Output goes through
/// files, so a long answer never fills a pipe.
public enum PythonProgram {
    /// How a run ended.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: String

        /// Standard output as text.
        public var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The python3 every test runs: the repository's virtual environment `.build/venv/bin/python3`
    /// (made by scripts/setup, with the Python packages the tests use) when it exists, else
    /// `python3` from the PATH. Give it to `/usr/bin/env` as the first argument.
    public static let interpreter: String = {
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venv = repository.appendingPathComponent(".build/venv/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }()

    /// Runs `python3 -c program arguments…`, waiting without holding a thread of the
    /// concurrency pool (the test process runs many suites on two cores).
    public static func run(_ program: String, _ arguments: [String] = []) async throws -> Outcome {
        try await withScratchFolder { folder in
            let process = try start(program, arguments, in: folder)
            while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
            return try outcome(of: process, in: folder)
        }
    }

    /// Runs `python3 -c program arguments…` and blocks until it ends.
    public static func runBlocking(_ program: String, _ arguments: [String] = []) throws -> Outcome {
        try withScratchFolder { folder in
            let process = try start(program, arguments, in: folder)
            process.waitUntilExit()
            return try outcome(of: process, in: folder)
        }
    }

    static func start(_ program: String, _ arguments: [String], in folder: URL) throws -> Process {
        let out = folder.appendingPathComponent("out")
        let err = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter, "-c", program] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return process
    }

    static func outcome(of process: Process, in folder: URL) throws -> Outcome {
        Outcome(
            status: process.terminationStatus, stdout: try Data(contentsOf: folder.appendingPathComponent("out")),
            stderr: String(decoding: try Data(contentsOf: folder.appendingPathComponent("err")), as: UTF8.self))
    }
}

/// A fresh temporary folder, removed after `body`.
public func withScratchFolder<T>(_ body: (URL) throws -> T) throws -> T {
    let folder = try makeScratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
}

/// A fresh temporary folder, removed after `body`.
public func withScratchFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
    let folder = try makeScratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder)
}

func makeScratchFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("followup-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}
