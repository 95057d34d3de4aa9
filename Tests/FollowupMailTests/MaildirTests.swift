import FollowupMail
import FollowupTestSupport
import Foundation
import Testing

@Suite("Maildir delivery, read back by Python's mailbox package")
struct MaildirTests {
    static func names(_ folder: URL, _ sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(sub).path)) ?? []).sorted()
    }

    static func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test("delivering twice under one name leaves one file in new/ and nothing in tmp/")
    func redelivery() throws {
        try withScratchFolder { scratch in
            let spool = scratch.appendingPathComponent("outbox")
            let name = "0193c2d4-7a1e-7c3b-9f00-5e2a1b3c4d5e"
            let first = Fixture.message(subject: "[FU-12] Primeira versão").rendered()
            let second = Fixture.message(subject: "[FU-12] Segunda versão").rendered()
            try Maildir.deliver(first, named: name, into: spool)
            try Maildir.deliver(second, named: name, into: spool)
            #expect(Self.names(spool, "new") == [name])
            #expect(Self.names(spool, "tmp").isEmpty)
            #expect(Self.names(spool, "cur").isEmpty)
            #expect(try Data(contentsOf: spool.appendingPathComponent("new/\(name)")) == second)
            let read = try Python.maildirMessages(spool)
            #expect(read.count == 1)
            #expect(read.first?["key"] == name)
            #expect(read.first?["subject"] == "[FU-12] Segunda versão")
            #expect(read.first?["subdir"] == "new")
            #expect(read.first?["size"] == "\(second.count)")
        }
    }

    @Test("distinct names are distinct messages")
    func severalMessages() throws {
        try withScratchFolder { spool in
            for number in 1...3 {
                var message = Fixture.message(subject: "[FU-\(number)] Relatório")
                message.messageID = try MailMessageID("<FU-\(number).report.n\(number)@desk.example>")
                try Maildir.deliver(message.rendered(), named: "n\(number)", into: spool)
            }
            let read = try Python.maildirMessages(spool)
            #expect(read.map { $0["key"] } == ["n1", "n2", "n3"])
            #expect(read.map { $0["subject"] } == ["[FU-1] Relatório", "[FU-2] Relatório", "[FU-3] Relatório"])
            #expect(read.map { $0["messageID"] } == (1...3).map { "<FU-\($0).report.n\($0)@desk.example>" })
        }
    }

    @Test("missing folders are made with mode 0700; the message file is 0600")
    func folderModes() throws {
        try withScratchFolder { scratch in
            let spool = scratch.appendingPathComponent("outbox")
            try Maildir.deliver(Data("x\r\n".utf8), named: "n1", into: spool)
            for folder in [spool] + ["tmp", "new", "cur"].map(spool.appendingPathComponent) {
                #expect(try Self.mode(folder) == 0o700, "\(folder.path)")
            }
            #expect(try Self.mode(spool.appendingPathComponent("new/n1")) == 0o600)
        }
    }

    @Test("existing folders are used as they are")
    func existingFolders() throws {
        try withScratchFolder { spool in
            for sub in ["tmp", "new", "cur"] {
                try FileManager.default.createDirectory(
                    at: spool.appendingPathComponent(sub), withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o750])
            }
            try Data("old".utf8).write(to: spool.appendingPathComponent("cur/other"))
            try Maildir.deliver(Data("x\r\n".utf8), named: "n1", into: spool)
            #expect(try Self.mode(spool.appendingPathComponent("new")) == 0o750)
            #expect(Self.names(spool, "cur") == ["other"])
            #expect(Self.names(spool, "new") == ["n1"])
        }
    }

    @Test(
        "names that would leave new/ or confuse a Maildir reader are refused",
        arguments: [
            "", ".hidden", "a/b", "../escape", "n1:2,S", "line\nbreak", "tab\there", String(repeating: "n", count: 256),
        ])
    func badNames(name: String) throws {
        try withScratchFolder { spool in
            let error = #expect(throws: MailError.self) {
                try Maildir.deliver(Data("x".utf8), named: name, into: spool)
            }
            #expect(error?.code == .invalidMaildirName)
            #expect(Self.names(spool, "new").isEmpty && Self.names(spool, "tmp").isEmpty)
        }
    }

    @Test("a Maildir whose parent is missing is reported with its errno")
    func missingParent() throws {
        try withScratchFolder { scratch in
            let spool = scratch.appendingPathComponent("no/such/outbox")
            let error = #expect(throws: MailError.self) {
                try Maildir.deliver(Data("x".utf8), named: "n1", into: spool)
            }
            #expect(error?.code == .maildirUnavailable)
            #expect(error?.errno == ENOENT)
            #expect(error?.description.contains("No such file or directory") == true)
        }
    }

    @Test("a rename that fails leaves nothing behind in tmp/")
    func failedRename() throws {
        try withScratchFolder { spool in
            let blocker = spool.appendingPathComponent("new/n1/blocker")
            try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)
            let error = #expect(throws: MailError.self) {
                try Maildir.deliver(Data("x".utf8), named: "n1", into: spool)
            }
            #expect(error?.code == .maildirUnavailable)
            #expect(error?.errno != nil)
            #expect(Self.names(spool, "tmp").isEmpty)
            #expect(FileManager.default.fileExists(atPath: blocker.path), "what was in the way is untouched")
        }
    }

    @Test("a file where new/ should be is reported")
    func newIsAFile() throws {
        try withScratchFolder { spool in
            try Data().write(to: spool.appendingPathComponent("new"))
            let error = #expect(throws: MailError.self) {
                try Maildir.deliver(Data("x".utf8), named: "n1", into: spool)
            }
            #expect(error?.code == .maildirUnavailable)
            #expect(error?.message.contains("/new") == true)
        }
    }
}
