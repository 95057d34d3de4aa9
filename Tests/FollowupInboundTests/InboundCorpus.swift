import FollowupTestSupport
import Foundation
import Testing

/// The messages `Tests/Support/inbound_corpus.py` writes with Python's `email` package (an
/// independent writer), and Python's own reading of them; made once per test process.
enum InboundCorpus {
    /// A corpus message by name (the file name without `.eml`).
    static func message(_ name: String) throws -> Data {
        let messages = try loaded.get().messages
        return try #require(messages[name], "the corpus has no message \(name)")
    }

    /// Every corpus message by name.
    static func messages() throws -> [String: Data] {
        try loaded.get().messages
    }

    /// What Python's `email` package reads in the well-formed messages, by name.
    static func pythonReadings() throws -> [String: PythonReading] {
        try loaded.get().readings
    }

    /// Python's reading of one message (see `reading()` in the script).
    struct PythonReading: Decodable, Sendable {
        var subject: String
        var from: [String]
        var fromNames: [String]
        var messageID: String
        var date: Double?
        var plain: String?
        var attachments: [[Attachment]]

        /// An element of Python's `[filename, type, size]` triples.
        enum Attachment: Decodable, Sendable {
            case text(String?)
            case number(Int)

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let number = try? container.decode(Int.self) {
                    self = .number(number)
                } else {
                    self = .text(try container.decode(String?.self))
                }
            }
        }
    }

    private struct Loaded: Sendable {
        var messages: [String: Data]
        var readings: [String: PythonReading]
    }

    private static let loaded: Result<Loaded, any Error> = Result { try load() }

    private static func load() throws -> Loaded {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Support/inbound_corpus.py")
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("followup-inbound-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let errors = folder.appendingPathComponent("python.err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [PythonProgram.interpreter, script.path, folder.appendingPathComponent("mail").path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: try Data(contentsOf: errors), as: UTF8.self)
            throw CorpusError(message: "inbound_corpus.py failed: \(text)")
        }
        var messages: [String: Data] = [:]
        let mail = folder.appendingPathComponent("mail")
        for name in try FileManager.default.contentsOfDirectory(atPath: mail.path) where name.hasSuffix(".eml") {
            messages[String(name.dropLast(4))] = try Data(contentsOf: mail.appendingPathComponent(name))
        }
        let json = try Data(contentsOf: mail.appendingPathComponent("python-readings.json"))
        let readings = try JSONDecoder().decode([String: PythonReading].self, from: json)
        return Loaded(messages: messages, readings: readings)
    }

    private struct CorpusError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// `lines` joined with CRLF, ready to parse.
func rawMail(_ lines: String...) -> Data {
    rawMail(lines)
}

/// `lines` joined with CRLF, ready to parse.
func rawMail(_ lines: [String]) -> Data {
    Data(lines.joined(separator: "\r\n").utf8)
}

/// `text` with every run of white space made one space, trimmed.
func collapsed(_ text: String) -> String {
    text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
}
