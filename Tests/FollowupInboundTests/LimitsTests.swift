import FollowupInbound
import Foundation
import Testing

@Suite("Bounds, and what is not mail")
struct LimitsTests {
    @Test("a 20 MB message with a 15 MiB attachment parses quickly: text right, attachment measured not decoded")
    func twentyMegabytes() throws {
        let data = try InboundCorpus.message("large-20mb")
        #expect(data.count > 20_000_000)
        // The parser's own processor time (``threadCPUTime()``), whatever else the machine runs.
        let start = threadCPUTime()
        let message = try InboundMessage.parse(data)
        let elapsed = threadCPUTime() - start
        #expect(message.text == "Seguem os logs completos em anexo.")
        #expect(
            message.attachments == [.init(name: "logs.zip", contentType: "application/zip", size: 15 * 1024 * 1024)])
        #expect(!message.isTruncated)
        #expect(message.size == data.count)
        #expect(elapsed < .seconds(10), "took \(elapsed)")
    }

    @Test("a body longer than maxBodyBytes is cut, not refused, and says so")
    func bodyLimit() throws {
        let data = try InboundCorpus.message("large-20mb")
        let limits = ParseLimits(
            maxHeaderBytes: 64 * 1024, maxBodyBytes: 1024 * 1024, maxDepth: 20, maxParts: 500, maxTextBytes: 1024)
        let message = try InboundMessage.parse(data, limits: limits)
        #expect(message.isTruncated)
        #expect(message.text == "Seguem os logs completos em anexo.")
        let attachment = try #require(message.attachments.first)
        #expect(attachment.size < 1024 * 1024 && attachment.size > 512 * 1024)
    }

    @Test("text longer than maxTextBytes is cut")
    func textLimit() throws {
        let body = String(repeating: "palavra ", count: 1000)
        let limits = ParseLimits(
            maxHeaderBytes: 1024, maxBodyBytes: 1 << 20, maxDepth: 20, maxParts: 500, maxTextBytes: 100)
        let message = try InboundMessage.parse(rawMail("From: a@b.example", "Subject: x", "", body), limits: limits)
        #expect(message.isTruncated)
        #expect(message.text.utf8.count <= 100)
        #expect(message.text.hasPrefix("palavra palavra"))
    }

    @Test("nesting: five levels parse, thirty throw nesting_too_deep")
    func nesting() throws {
        let shallow = try InboundMessage.parse(try InboundCorpus.message("nested-5"))
        #expect(shallow.text == "Fundo do poço.")
        #expect(throws: InboundError.self) { try InboundMessage.parse(try InboundCorpus.message("nested-30")) }
        do {
            _ = try InboundMessage.parse(try InboundCorpus.message("nested-30"))
        } catch let error as InboundError {
            #expect(error.code == .nestingTooDeep)
            #expect(error.message.contains("20"))
        }
        let limits = ParseLimits(
            maxHeaderBytes: 1 << 18, maxBodyBytes: 1 << 24, maxDepth: 40, maxParts: 500,
            maxTextBytes: 1 << 20)
        #expect(
            try InboundMessage.parse(try InboundCorpus.message("nested-30"), limits: limits).text == "Fundo do poço.")
    }

    @Test("more than maxParts parts throw too_many_parts")
    func parts() throws {
        let data = try InboundCorpus.message("many-parts")
        #expect(Self.code(data) == .tooManyParts)
        let limits = ParseLimits(
            maxHeaderBytes: 1 << 18, maxBodyBytes: 1 << 24, maxDepth: 20, maxParts: 1000,
            maxTextBytes: 1 << 20)
        let message = try InboundMessage.parse(data, limits: limits)
        #expect(message.text.hasPrefix("parte 0\n\nparte 1\n\nparte 2"))
    }

    @Test("a header section over maxHeaderBytes throws header_too_large")
    func headerLimit() {
        let long = "X-Long: " + String(repeating: "a", count: 300 * 1024)
        #expect(Self.code(rawMail("From: a@b.example", long, "Subject: x", "", "Texto")) == .headerTooLarge)
    }

    @Test(
        "what is not mail throws a clear error",
        arguments: [
            ("", "empty"),
            ("hello world\nthis is not mail\n", "not_mail"),
            ("%PDF-1.4\n%âãÏÓ\n1 0 obj\n", "not_mail"),
            ("X-Thing: 1\nY-Other: 2\n\nbody\n", "not_mail"),
            ("\nFrom: a@b.example\n\nbody", "not_mail"),
            ("From: a@b.example\nSubject: cut short", "missing_separator"),
        ])
    func notMail(text: String, code: String) {
        #expect(Self.code(Data(text.utf8))?.rawValue == code)
    }

    @Test("random bytes are refused as not mail, never crash")
    func garbage() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<50 {
            let bytes = (0..<Int.random(in: 1...4096, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            #expect(Self.code(Data(bytes)) != nil)
        }
    }

    @Test("the error says what is wrong in words a person can act on")
    func errorWording() {
        do {
            _ = try InboundMessage.parse(Data("From: a@b.example\nSubject: x".utf8))
            Issue.record("parsed")
        } catch {
            #expect(error.code == .missingSeparator)
            #expect(error.description.contains("empty line"))
        }
    }

    @Test(
        "pathological headers and bodies are read in linear time (field, repeated unit, body unit, repeats)",
        arguments: [
            ("To: ", "a,", "", 100_000), ("Subject: ", "=?", "", 100_000), ("References: ", "<", "", 200_000),
            ("Content-Type: text/plain; ", "a*1*=%;", "", 30_000),
            ("Content-Type: text/html", "", "<blockquote>x<br>", 50_000),
            ("Content-Type: text/html", "", "<!--<script>&#", 60_000), ("Content-Type: text/html", "", "<", 500_000),
            ("Content-Type: text/plain; format=flowed", "", ">> a \r\n", 100_000),
            ("Content-Transfer-Encoding: quoted-printable", "", "=", 500_000),
            ("Content-Type: multipart/mixed; boundary=b", "", "--b\r\n", 10_000),
        ])
    func pathological(field: String, unit: String, bodyUnit: String, repeats: Int) {
        let data = rawMail(
            "From: a@b.example", field + String(repeating: unit, count: repeats), "",
            String(repeating: bodyUnit, count: repeats))
        let start = threadCPUTime()
        _ = try? InboundMessage.parse(data)
        #expect(threadCPUTime() - start < .seconds(5), "no input costs the parser seconds of processor time")
    }

    @Test("extreme limits (1, Int.max, negative set later) give a message or an error, never a crash")
    func extremeLimits() throws {
        var negative = ParseLimits.standard
        negative.maxBodyBytes = -5
        negative.maxTextBytes = -1
        #expect(negative.maxBodyBytes == 1 && negative.maxTextBytes == 1)
        let all = [
            ParseLimits(maxHeaderBytes: 1, maxBodyBytes: 1, maxDepth: 1, maxParts: 1, maxTextBytes: 1),
            ParseLimits(
                maxHeaderBytes: .max, maxBodyBytes: .max, maxDepth: .max, maxParts: .max, maxTextBytes: .max),
            negative,
        ]
        var outcomes = 0
        for (name, data) in try InboundCorpus.messages() where name != "large-20mb" {
            for limits in all {
                do {
                    let message = try InboundMessage.parse(data, limits: limits)
                    #expect(message.size == data.count)
                } catch {
                    #expect(!error.message.isEmpty)
                }
                outcomes += 1
            }
        }
        #expect(outcomes > 90)
        let tiny = try InboundMessage.parse(try InboundCorpus.message("reply-pt-utf8"), limits: negative)
        #expect(tiny.isTruncated && tiny.text.count <= 1)
    }

    /// The code `data` is refused with, or nil when it parses.
    static func code(_ data: Data) -> InboundError.Code? {
        do {
            _ = try InboundMessage.parse(data)
            return nil
        } catch {
            return error.code
        }
    }
}
