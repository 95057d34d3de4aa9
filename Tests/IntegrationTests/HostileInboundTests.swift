import FollowupAPI
import FollowupCore
import FollowupStorage
import FollowupTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Hostile and odd things in the inbound Maildir (issue 13), read by the running daemon: files
/// that are not messages, bytes a database refuses, a message storage refuses. Whatever one
/// file holds, the reader never hangs and never stops reading the files after it.
@Suite(.serialized) struct HostileInboundTests {
    /// Where the daemon keeps its cases.
    enum Engine: String, CaseIterable, Sendable {
        case sqlite, postgres
    }

    /// A daemon on `engine` reading `inbox/` of its workspace; the body also gets a way to run
    /// SQL on the daemon's database (as its owner: triggers included).
    static func withDaemon(
        _ engine: Engine,
        _ body: (Workspace, FollowupctlProcess, (String) throws -> Void) async throws -> Void
    ) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        var storage = "  path: followupd.sqlite"
        var runSQL: (String) throws -> Void = { statement in
            _ = try PythonCheck.run(
                "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.executescript(sys.argv[2])\nc.commit()",
                arguments: [workspace.databasePath, statement])
        }
        var dropDatabase: () -> Void = {}
        if engine == .postgres {
            let cluster = try PostgresTestCluster.require { reason in try Test.cancel(Comment(rawValue: reason)) }
            let database = try cluster.createDatabase()
            storage = "  url: \"\(database.url)\""
            runSQL = { try cluster.sql($0, database: database.name) }
            dropDatabase = { cluster.dropDatabase(database.name) }
        }
        defer { dropDatabase() }
        for folder in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(
                at: workspace.directory.appendingPathComponent("inbox/\(folder)"), withIntermediateDirectories: true)
        }
        let yaml = """
            storage:
            \(storage)
            control:
              socket: control.sock
            policy:
              resend_after: 1h
              report_after: 3h
              owner_reminder_after: 0
            mail:
              from: "Suporte <suporte@desk.example>"
              maildir: outbox
            owners:
              - { name: joana, email: joana@desk.example }
            partners:
              - { name: SIEG, emails: [suporte@sieg.example], domains: [sieg.example] }
            inbound:
              maildir: inbox
              rescan: 2s
            log:
              target: stderr
              level: info
            """
        try yaml.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let daemon = try workspace.startDaemon()
        // Killed, not asked to stop: a reader stuck in read(2) would never finish a graceful stop.
        defer { daemon.kill9() }
        let ctl = FollowupctlProcess(workspace)
        try #require(try await ctl.waitForDaemon(), "followupd did not answer: \(daemon.stderr)")
        try await body(workspace, ctl, runSQL)
    }

    static func folder(_ workspace: Workspace, _ name: String) -> String {
        workspace.directory.appendingPathComponent("inbox/\(name)").path
    }

    @Test func aFIFOSymlinksAndAFolderInNewAreSetAsideUnreadAndLaterMailIsRead() async throws {
        try await Self.withDaemon(.sqlite) { workspace, ctl, _ in
            let id = try InboundMailTests.openSent(ctl, client: "Padaria")
            let other = try InboundMailTests.openSent(ctl, client: "Mercado")
            let new = Self.folder(workspace, "new")
            // No writer ever opens the FIFO: a reader that opens it blocking waits forever.
            #expect(mkfifo(new + "/1.fifo", 0o600) == 0)
            // A link to an endless file: a reader that follows it never reaches the end.
            #expect(symlink("/dev/zero", new + "/2.zero") == 0)
            try FileManager.default.createDirectory(atPath: new + "/3.folder", withIntermediateDirectories: false)
            // A link to a regular file outside the Maildir (anything the daemon may read and
            // whoever made the link may not): a valid reply, which must not be read through it.
            let outside = workspace.directory.appendingPathComponent("outside.eml").path
            try [
                "From: suporte@sieg.example", "To: suporte@desk.example", "Subject: Re: [\(other)] Nota fiscal",
                "Message-ID: <link-\(UUID().uuidString)@sieg.example>", "", "Lido por um link.", "",
            ].joined(separator: "\r\n").write(toFile: outside, atomically: true, encoding: .utf8)
            #expect(symlink(outside, new + "/4.link") == 0)
            try InboundMailTests.deliver(
                workspace, name: "5.reply", from: "suporte@sieg.example", subject: "Re: [\(id)] Nota fiscal",
                body: "Resolvido do nosso lado.")
            #expect(
                try await eventually(timeout: 30) { try ctl.show(id).state == .awaitingUs },
                "the reply after the special files was read")
            let failed = try FileManager.default.contentsOfDirectory(atPath: Self.folder(workspace, "failed")).sorted()
            #expect(failed == ["1.fifo", "2.zero", "3.folder", "4.link"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: new).isEmpty)
            #expect(try ctl.show(other).state == .awaitingPartner, "the linked message was not read")
            // The links themselves moved, never what they point at.
            let moved = try FileManager.default.destinationOfSymbolicLink(
                atPath: Self.folder(workspace, "failed/2.zero"))
            #expect(moved == "/dev/zero")
            #expect(FileManager.default.fileExists(atPath: outside))
            #expect(try ctl("status").status == 0, "the daemon still answers")
        }
    }

    @Test func nulBytesInThreadHeadersOnPostgreSQLDoNotStopTheReader() async throws {
        try await Self.withDaemon(.postgres) { workspace, ctl, _ in
            let first = try InboundMailTests.openSent(ctl, client: "Padaria")
            let second = try InboundMailTests.openSent(ctl, client: "Mercado")
            let thread = try #require(try ctl.show(first).firstMessageID)
            let raw = [
                "From: Suporte\u{0} SIEG <suporte@sieg.example>", "To: suporte@desk.example",
                "Subject: Re: [\(first)] Nota\u{0} fiscal\u{1B}[31m",
                "Message-ID: <nul\u{0}id@sieg.example>",
                "In-Reply-To: \(thread)", "References: <a\u{0}b@x.example> \(thread)",
                "Content-Type: text/plain; charset=utf-8", "", "Certificado reinstalado.", "",
            ].joined(separator: "\r\n")
            try InboundMailTests.deliver(
                workspace, name: "1.nul", from: "", subject: "", body: "", raw: raw)
            try InboundMailTests.deliver(
                workspace, name: "2.fine", from: "suporte@sieg.example",
                subject: "Re: [\(second)] Nota fiscal",
                body: "Tudo certo.")
            #expect(
                try await eventually(timeout: 30) { try ctl.show(second).state == .awaitingUs },
                "the message after the one with NUL bytes was read")
            #expect(
                try ctl.show(first).state == .awaitingUs, "the NUL message itself was recorded on its case")
            let kept = try #require(try InboundMailTests.inbox(ctl).first { $0.case == first })
            #expect(
                kept.id == MessageIDKey.inboxKey("nulid@sieg.example"), "keyed on the id without its NUL")
            #expect(kept.subject == "Re: [\(first)] Nota fiscal [31m")
            #expect(kept.from == "suporte@sieg.example")
        }
    }

    @Test(arguments: Engine.allCases)
    func aMessageStorageRefusesGoesToFailedAndLaterOnesAreRead(engine: Engine) async throws {
        try await Self.withDaemon(engine) { workspace, ctl, runSQL in
            let first = try InboundMailTests.openSent(ctl, client: "Padaria")
            let second = try InboundMailTests.openSent(ctl, client: "Mercado")
            // Storage itself refuses one message (a trigger stands in for any per-row refusal).
            switch engine {
            case .sqlite:
                try runSQL(
                    """
                    CREATE TRIGGER refuse_poison BEFORE INSERT ON inbox
                    WHEN instr(CAST(NEW.doc AS TEXT), 'poison-pill') > 0
                    BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END;
                    """)
            case .postgres:
                try runSQL(
                    """
                    CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      IF position('poison-pill' IN convert_from(NEW.doc, 'UTF8')) > 0 THEN
                        RAISE EXCEPTION 'refused by a test trigger';
                      END IF;
                      RETURN NEW;
                    END $$;
                    CREATE TRIGGER refuse_poison BEFORE INSERT ON inbox
                    FOR EACH ROW EXECUTE FUNCTION refuse_poison();
                    """)
            }
            try InboundMailTests.deliver(
                workspace, name: "1.poison", from: "suporte@sieg.example",
                subject: "Re: [\(first)] Nota fiscal",
                body: "poison-pill")
            try InboundMailTests.deliver(
                workspace, name: "2.fine", from: "suporte@sieg.example",
                subject: "Re: [\(second)] Nota fiscal",
                body: "Tudo certo.")
            #expect(
                try await eventually(timeout: 30) { try ctl.show(second).state == .awaitingUs },
                "the message after the refused one was read")
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: Self.folder(workspace, "failed")) == [
                    "1.poison"
                ])
            #expect(try ctl.show(first).state == .awaitingPartner, "the refused message changed nothing")
        }
    }
}
