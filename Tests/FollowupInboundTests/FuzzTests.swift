import FollowupInbound
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The processor time this thread has used: what parsing costs, whatever else the machine
/// runs meanwhile (a wall clock would count the time other processes had the cores).
func threadCPUTime() -> Duration {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
}

/// SplitMix64: a small seeded generator, so a failing fuzz input can be made again.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Fuzzing the reader with mutated corpus messages")
struct FuzzTests {
    static let iterations = 3000
    static let seed: UInt64 = 0x00F0_110F_0000_2025

    @Test("byte flips, truncations, duplicated boundaries, huge header lines: a message or an InboundError, fast")
    func mutations() throws {
        let corpus = try InboundCorpus.messages().filter { $0.key != "large-20mb" }.sorted { $0.key < $1.key }
            .map { Sample(bytes: Array($0.value)) }
        #expect(corpus.count > 30)
        var generator = SeededGenerator(seed: Self.seed)
        let classifier = InboundClassifier()
        var parsed = 0
        var refused: [String: Int] = [:]
        // Processor time of this thread, not wall time: the bound is on the parser's own work
        // (a pathological input would cost seconds of it), not on how busy the machine is.
        var slowest = Duration.zero
        var parsing = Duration.zero
        let start = ContinuousClock.now
        for _ in 0..<Self.iterations {
            let sample = corpus[Int.random(in: 0..<corpus.count, using: &generator)]
            var input = sample.bytes
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                Self.mutate(&input, boundaries: sample.boundaries, using: &generator)
            }
            let began = threadCPUTime()
            do {
                let message = try InboundMessage.parse(Data(input))
                parsed += 1
                _ = classifier.kind(of: message)
                #expect(message.fingerprint.utf8.count == 64)
                #expect(message.excerpt(maxCharacters: 80).count <= 80)
                #expect(Set(message.threadIDs).count == message.threadIDs.count)
                #expect(message.attachments.allSatisfy { $0.size >= 0 })
                _ = message.threadIDs.compactMap(CaseTag.fromMessageID)
                _ = CaseTag.find(in: message.subject)
            } catch {
                refused[error.code.rawValue, default: 0] += 1
                #expect(!error.message.isEmpty)
            }
            let took = threadCPUTime() - began
            parsing += took
            slowest = max(slowest, took)
        }
        let elapsed = ContinuousClock.now - start
        print(
            "inbound fuzz: \(Self.iterations) inputs tried (seed 0x\(String(Self.seed, radix: 16))) in \(elapsed): \(parsed) parsed, "
                + "refused \(refused.sorted { $0.key < $1.key }); \(parsing) of processor time parsing, "
                + "slowest input \(slowest)")
        #expect(parsed + refused.values.reduce(0, +) == Self.iterations)
        #expect(parsed > Self.iterations / 2, "most mutated mail should still be read")
        #expect(slowest < .seconds(2))
        #expect(parsing < .seconds(60))
    }

    /// One random change to `input`.
    static func mutate(_ input: inout [UInt8], boundaries: [[UInt8]], using generator: inout SeededGenerator) {
        guard !input.isEmpty else {
            input = Array("From: a@b.example\n\nx".utf8)
            return
        }
        let position = Int.random(in: 0..<input.count, using: &generator)
        switch Int.random(in: 0..<9, using: &generator) {
        case 0:
            for _ in 0..<Int.random(in: 1...16, using: &generator) {
                input[Int.random(in: 0..<input.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
        case 1:
            input.removeSubrange(position...)
        case 2:
            guard let line = boundaries.randomElement(using: &generator) else {
                input.removeSubrange(position...)
                return
            }
            let copies = Int.random(in: 1...40, using: &generator)
            let at = Int.random(in: 0...input.count, using: &generator)
            input.insert(contentsOf: Array(repeating: line + [0x0D, 0x0A], count: copies).joined(), at: at)
        case 3:
            let size = [1000, 10_000, 70_000, 300_000].randomElement(using: &generator)!
            let chunk = String((0..<64).map { _ in "ab=?c <>,;\"\\".randomElement(using: &generator)! })
            let line = Array("X-Huge: \(String(repeating: chunk, count: size / 64))\n".utf8)
            input.insert(contentsOf: line, at: lineStart(before: position, in: input))
        case 4:
            let end = min(input.count, position + Int.random(in: 1...200, using: &generator))
            input.removeSubrange(position..<end)
        case 5:
            let end = min(input.count, position + Int.random(in: 1...400, using: &generator))
            input.insert(contentsOf: input[position..<end], at: Int.random(in: 0...input.count, using: &generator))
        case 6:
            let tokens = [
                "=?utf-8?b?", "?=", "=?x?q?=FF", "<", ">", "&#x", "&", ";", "--", "\r\n\r\n", "\n ", "=\r\n", "<br>",
                "<script>", "Content-Type: multipart/mixed; boundary=x\r\n", "--x\r\n", "charset*0*=utf-8''%",
                "\u{0}", "(", "\"",
            ]
            let token = Array(tokens.randomElement(using: &generator)!.utf8)
            for _ in 0..<Int.random(in: 1...20, using: &generator) {
                input.insert(contentsOf: token, at: Int.random(in: 0...input.count, using: &generator))
            }
        case 7:
            input = input.filter { $0 != 0x0D }
        default:
            input.insert(contentsOf: Array("Content-Type: multipart/mixed; boundary=\"b\"\r\n".utf8), at: 0)
            input += Array("\r\n--b\r\n\r\n--b\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b".utf8)
        }
    }

    /// A corpus message and its lines that start with `--` (its multipart delimiters).
    struct Sample {
        var bytes: [UInt8]
        var boundaries: [[UInt8]]

        init(bytes: [UInt8]) {
            self.bytes = bytes
            boundaries = bytes.split(separator: 0x0A).filter { $0.starts(with: [0x2D, 0x2D]) }.map {
                Array($0.last == 0x0D ? $0.dropLast() : $0[...])
            }
        }
    }

    /// Where the line holding `position` starts.
    static func lineStart(before position: Int, in input: [UInt8]) -> Int {
        var index = min(position, input.count)
        while index > 0 && input[index - 1] != 0x0A { index -= 1 }
        return index
    }
}
