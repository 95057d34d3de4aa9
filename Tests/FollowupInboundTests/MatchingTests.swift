import FollowupCore
import FollowupInbound
import FollowupTestSupport
import Foundation
import Testing

@Suite("Matching a message to its case: tags, Message-IDs, fingerprints")
struct MatchingTests {
    @Test(
        "the first [FU-<n>] tag of a subject, any case",
        arguments: [
            ("Re: [FU-12] Reenvio", 12), ("RES: RES: [fu-7] x [FU-9]", 7), ("[Fu-0] no [FU-3]", 3),
            ("[FU-12a] [FU-] [FU-99999999999999999999] [FU-5]", 5), ("[FU-1]", 1), ("Enc: [FU-123456]", 123_456),
        ])
    func tags(subject: String, number: Int64) {
        #expect(CaseTag.find(in: subject) == CaseID(number))
    }

    @Test("subjects without a tag", arguments: ["Re: FU-12 sem colchetes", "[FU 12]", "[FU-12", "", "[]", "Olá [ção]"])
    func noTags(subject: String) {
        #expect(CaseTag.find(in: subject) == nil)
    }

    @Test("our own Message-IDs name their case; others do not")
    func ourMessageIDs() {
        #expect(CaseTag.fromMessageID("FU-12.resend.0193c2d4-7a1e@desk.example") == CaseID(12))
        #expect(CaseTag.fromMessageID("<fu-3.report.x@desk.example>") == CaseID(3))
        #expect(CaseTag.fromMessageID("FU-12@desk.example") == nil)
        #expect(CaseTag.fromMessageID("FU-12.resend.x") == nil)
        #expect(CaseTag.fromMessageID("reply-FU-12.x@mail.example") == nil)
        #expect(CaseTag.fromMessageID("FU-0.x@desk.example") == nil)
    }

    @Test("a reply's thread ids lead to the case of our resend")
    func threadToCase() throws {
        let message = try InboundMessage.parse(try InboundCorpus.message("reply-pt-utf8"))
        #expect(message.threadIDs.compactMap(CaseTag.fromMessageID) == [CaseID(12), CaseID(12)])
    }

    @Test("the fingerprint is the SHA-256 of the raw bytes, as Python's hashlib computes it")
    func fingerprint() throws {
        let names = ["reply-pt-utf8", "tag-only", "bounce-rfc822", "large-20mb"]
        var expected: [String] = []
        for name in names {
            let data = try InboundCorpus.message(name)
            expected.append(try InboundMessage.parse(data).fingerprint)
        }
        let program = """
            import hashlib, sys
            for path in sys.argv[1:]:
                print(hashlib.sha256(open(path, 'rb').read()).hexdigest())
            """
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("inbound-sha-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for name in names {
            let path = folder.appendingPathComponent(name).path
            try InboundCorpus.message(name).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let output = folder.appendingPathComponent("out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [PythonProgram.interpreter, "-c", program] + paths
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        process.waitUntilExit()
        let lines = String(decoding: try Data(contentsOf: output), as: UTF8.self).split(separator: "\n").map(
            String.init)
        #expect(lines == expected)
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        #expect(try InboundMessage.parse(rawMail("From: a@b.example", "", "")).fingerprint != empty)
    }

    @Test("the same bytes give the same fingerprint; one byte more gives another")
    func fingerprintStability() throws {
        let data = try InboundCorpus.message("tag-only")
        let first = try InboundMessage.parse(data).fingerprint
        #expect(try InboundMessage.parse(data).fingerprint == first)
        #expect(try InboundMessage.parse(data + Data([0x0A])).fingerprint != first)
        #expect(first.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }
}
