import FollowupMail
import FollowupTestSupport
import Foundation
import Glibc
import Testing

/// `Sendmail.run`: a real child gets the message on its standard input, its output is
/// captured (bounded), the time limit kills it, and wait statuses are decoded.
struct SendmailTests {
    static let statuses: [(Int32, Sendmail.End)] = [
        (0, .exited(0)),
        (65 << 8, .exited(65)),
        (75 << 8, .exited(75)),
        (255 << 8, .exited(255)),
        (SIGKILL, .signalled(SIGKILL)),
        (SIGTERM, .signalled(SIGTERM)),
        (SIGSEGV | 0x80, .signalled(SIGSEGV)),  // with a core dump
    ]

    @Test(arguments: statuses)
    func waitStatusesAreDecoded(status: Int32, end: Sendmail.End) {
        #expect(Sendmail.End(waitStatus: status) == end)
    }

    @Test func endingsAreWordedForPeople() {
        #expect(Sendmail.End.exited(75).description == "sendmail exited 75")
        #expect(Sendmail.End.signalled(9).description == "sendmail killed by signal 9")
        #expect(Sendmail.End.timedOut(.seconds(60)).description == "sendmail took over 60 s and was killed")
        #expect(Sendmail.End.timedOut(.milliseconds(1_500)).description == "sendmail took over 1.5 s and was killed")
        #expect(Sendmail.End.notStarted("No such file").description == "sendmail could not start: No such file")
    }

    /// A fake sendmail that checks its arguments and input, then exits with the status in `$1`.
    static func fakeSendmail(in folder: URL, body: String) throws -> URL {
        let script = folder.appendingPathComponent("sendmail")
        try Data(("#!/bin/sh\n" + body).utf8).write(to: script)
        chmod(script.path, 0o755)
        return script
    }

    @Test func aRunFromADescriptorFeedsTheMessageAndCapturesWhatItSays() throws {
        try withScratchFolder { folder in
            let message = folder.appendingPathComponent("message")
            try Data("Subject: hi\n\nbody\n".utf8).write(to: message)
            let script = try Self.fakeSendmail(
                in: folder,
                body: "[ \"$1 $2\" = '-t -oi' ] || exit 64\ngrep -q '^Subject: hi' || exit 70\n"
                    + "echo 'said on stderr' >&2\nexit 75\n")
            let input = open(message.path, O_RDONLY)
            defer { close(input) }
            let run = Sendmail.run(program: script.path, input: input, timeout: .seconds(10))
            #expect(run.end == .exited(75))
            #expect(run.stderr == "said on stderr\n")
        }
    }

    /// A descriptor of the caller's that is not close-on-exec (as NIO's accepted connections
    /// are not) never reaches the program: an MTA's forked delivery would hold it open.
    @Test func nothingButItsInputAndOutputReachesTheProgram() throws {
        try withScratchFolder { folder in
            let connection = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            #expect(connection >= 0)
            defer { close(connection) }
            var status = stat()
            #expect(fstat(connection, &status) == 0)
            let script = try Self.fakeSendmail(
                in: folder, body: "cat > /dev/null\nfor fd in /proc/$$/fd/*; do readlink \"$fd\"; done >&2\nexit 0\n")
            let run = Sendmail.run(program: script.path, message: Data("Subject: x\n\nx\n".utf8), timeout: .seconds(10))
            #expect(run.end == .exited(0))
            #expect(!run.stderr.isEmpty, "the program listed its descriptors")
            #expect(!run.stderr.contains("socket:[\(status.st_ino)]"), "the caller's socket leaked: \(run.stderr)")
        }
    }

    @Test func aRunFromBytesHandsOverTheWholeMessage() throws {
        try withScratchFolder { folder in
            let received = folder.appendingPathComponent("received")
            let script = try Self.fakeSendmail(in: folder, body: "cat > '\(received.path)'\nexit 0\n")
            // Larger than a pipe's buffer: a program that reads slowly must not stall the run.
            let message = Data(("Subject: big\r\n\r\n" + String(repeating: "line of text\r\n", count: 50_000)).utf8)
            let run = Sendmail.run(program: script.path, message: message, timeout: .seconds(10))
            #expect(run.end == .exited(0))
            #expect(try Data(contentsOf: received) == message)
        }
    }

    @Test func aProgramThatNeverReadsNorEndsIsKilledAtTheLimit() throws {
        try withScratchFolder { folder in
            let script = try Self.fakeSendmail(in: folder, body: "sleep 30\n")
            let started = ContinuousClock.now
            let run = Sendmail.run(
                program: script.path, message: Data(repeating: 65, count: 200_000), timeout: .seconds(1))
            #expect(run.end == .timedOut(.seconds(1)))
            #expect(ContinuousClock.now - started < .seconds(10), "killed, with its process group")
        }
    }

    @Test func outputIsBoundedAndAMissingProgramDoesNotStart() throws {
        try withScratchFolder { folder in
            let script = try Self.fakeSendmail(in: folder, body: "head -c 100000 /dev/zero | tr '\\0' x >&2\nexit 1\n")
            let chatty = Sendmail.run(program: script.path, message: Data("x".utf8), timeout: .seconds(10))
            #expect(chatty.end == .exited(1))
            #expect(chatty.stderr.utf8.count == Sendmail.longestOutput)
            let missing = Sendmail.run(
                program: folder.appendingPathComponent("nope").path, message: Data(), timeout: .seconds(1))
            guard case .notStarted(let why) = missing.end else {
                Issue.record("a missing program started: \(missing.end)")
                return
            }
            #expect(why.contains("No such file"))
        }
    }
}
