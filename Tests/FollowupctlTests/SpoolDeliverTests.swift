import ArgumentParser
import FollowupMail
import Foundation
import Glibc
import Testing

@testable import followupctl

/// `followupctl spool deliver`: what each sendmail ending does to a message, the order, the
/// exit status of a run, and the lines it prints. The real MTA is in IntegrationTests.
struct SpoolDeliverTests {
    @Test(arguments: [
        (Sendmail.End.exited(0), SpoolVerdict.handedOver),
        (.exited(64), .failed),  // EX_USAGE: our message (its headers) is wrong
        (.exited(65), .failed),  // EX_DATAERR
        (.exited(75), .keptQueued),  // EX_TEMPFAIL
        (.exited(1), .keptQueued),
        (.exited(66), .keptQueued),
        (.exited(69), .keptQueued),  // EX_UNAVAILABLE: the MTA, not the message
        (.exited(71), .keptQueued),
        (.exited(73), .keptQueued),
        (.exited(78), .keptQueued),  // EX_CONFIG: the MTA's configuration
        (.exited(127), .keptQueued),
        (.exited(255), .keptQueued),
        (.signalled(SIGKILL), .keptQueued),
        (.signalled(SIGSEGV), .keptQueued),
        (.timedOut(.seconds(60)), .keptQueued),
        (.notStarted("No such file or directory"), .keptQueued),
    ])
    func eachEndingHasOneVerdict(end: Sendmail.End, verdict: SpoolVerdict) {
        #expect(SpoolVerdict.of(end) == verdict)
    }

    @Test func oldestFirstThenByName() {
        let spooled = [
            SpooledMessage(name: "n-b", modified: 2_000), SpooledMessage(name: "n-a", modified: 3_000),
            SpooledMessage(name: "n-c", modified: 1_000), SpooledMessage(name: "n-0", modified: 2_000),
            SpooledMessage(name: "n-z", modified: 1_999),
        ]
        #expect(SpoolDelivery.deliveryOrder(spooled).map(\.name) == ["n-c", "n-z", "n-0", "n-b", "n-a"])
        #expect(SpoolDelivery.deliveryOrder(spooled.reversed()) == SpoolDelivery.deliveryOrder(spooled))
        #expect(SpoolDelivery.deliveryOrder([]).isEmpty)
    }

    static let runs: [([SpoolVerdict], Int32)] = [
        ([], 0),
        ([.handedOver, .handedOver], 0),
        ([.handedOver, .keptQueued], 75),
        ([.keptQueued], 75),
        ([.failed], 65),
        ([.handedOver, .failed, .handedOver], 65),
        ([.keptQueued, .failed], 65),  // a permanent failure needs a person: it wins
    ]

    @Test(arguments: runs)
    func theRunsExitStatus(verdicts: [SpoolVerdict], status: Int32) {
        var tally = SpoolTally()
        verdicts.forEach { tally.count($0) }
        #expect(tally.exitStatus == status)
        #expect(tally.handedOver + tally.failed + tally.kept == verdicts.count)
    }

    @Test func theSummaryCountsEachOutcome() {
        var tally = SpoolTally()
        [SpoolVerdict.handedOver, .handedOver, .failed, .keptQueued, .keptQueued, .keptQueued].forEach {
            tally.count($0)
        }
        #expect(
            tally.summary(spool: "/s")
                == "spool /s: 6 messages: 2 handed over to sendmail, 1 failed (in failed/), 3 kept in new/")
        var one = SpoolTally()
        one.count(.handedOver)
        #expect(one.summary(spool: "/s").hasPrefix("spool /s: 1 message: "))
    }

    @Test func linesSayWhatHappenedAndWhy() {
        let refused = Sendmail.Run(end: .exited(65), stderr: "exim: no recipients found\n\n  in the message  \n")
        #expect(
            SpoolDelivery.line("m1", verdict: .failed, run: refused)
                == "failed m1: sendmail exited 65: exim: no recipients found / in the message; moved to failed/")
        let slow = Sendmail.Run(end: .timedOut(.seconds(60)), stderr: "")
        #expect(
            SpoolDelivery.line("m2", verdict: .keptQueued, run: slow)
                == "kept m2: sendmail took over 60 s and was killed; stays in new/ for the next run")
        #expect(
            SpoolDelivery.line("m3", verdict: .handedOver, run: Sendmail.Run(end: .exited(0), stderr: "x"))
                == "handed over m3")
        let chatty = Sendmail.Run(end: .exited(75), stderr: String(repeating: "y", count: 2_000))
        #expect(SpoolDelivery.line("m4", verdict: .keptQueued, run: chatty).count < 400)
    }

    @Test func journalPrioritiesOnlyWhenStdoutIsTheJournal() {
        #expect(SpoolReportLines.prefix(.failed, journal: true) == "<3>")
        #expect(SpoolReportLines.prefix(.keptQueued, journal: true) == "<4>")
        #expect(SpoolReportLines.prefix(.handedOver, journal: true) == "<6>")
        for verdict in [SpoolVerdict.failed, .keptQueued, .handedOver] {
            #expect(SpoolReportLines.prefix(verdict, journal: false) == "")
        }
    }

    @Test func theJournalStreamIsRecognisedByDeviceAndInode() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spool-js-\(UUID().uuidString)").path
        let fd = open(path, O_CREAT | O_RDWR, 0o600)
        #expect(fd >= 0)
        defer {
            close(fd)
            unlink(path)
        }
        var status = stat()
        #expect(fstat(fd, &status) == 0)
        let stream = "\(status.st_dev):\(status.st_ino)"
        #expect(SpoolReportLines.isJournal(fd: fd, environment: ["JOURNAL_STREAM": stream]))
        #expect(
            !SpoolReportLines.isJournal(
                fd: fd, environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino + 1)"]))
        #expect(!SpoolReportLines.isJournal(fd: fd, environment: ["JOURNAL_STREAM": "garbage"]))
        #expect(!SpoolReportLines.isJournal(fd: fd, environment: [:]))
    }

    @Test func theCommandLine() throws {
        let defaults = try #require(try SpoolCommand.parseAsRoot(["deliver"]) as? SpoolDeliverCommand)
        #expect(defaults.spool == "/var/spool/followupd/outbox")
        #expect(defaults.sendmail == "/usr/sbin/sendmail")
        #expect(defaults.timeout == 60)
        let given = try #require(
            try SpoolCommand.parseAsRoot(["deliver", "--spool", "/tmp/o", "--sendmail", "/bin/true", "--timeout", "5"])
                as? SpoolDeliverCommand)
        #expect(given.spool == "/tmp/o" && given.sendmail == "/bin/true" && given.timeout == 5)
        #expect(throws: (any Error).self) { try SpoolCommand.parseAsRoot(["deliver", "--timeout", "0"]) }
        let help = SpoolDeliverCommand.helpMessage()
        for status in ["0 every message", "65 some", "75 some"] { #expect(help.contains(status), "\(status)") }
    }
}
