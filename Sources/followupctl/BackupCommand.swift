import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl backup`: an online, checked copy of the embedded database.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database while followupd runs: consistent, checked, written whole or not at all.",
        discussion: """
            followupd itself writes the copy (SQLite's online backup: the desk keeps working), \
            into a temporary file beside FILE, runs an integrity check on it, syncs it and renames \
            it into place; FILE must be in a folder followupd's user may write \
            (/var/lib/followupd/backup in the package). A relative FILE is taken from the current \
            folder. Restoring: see docs/backup.md. With PostgreSQL storage the command is refused: \
            use pg_dump. Needs the admin role.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Where to write the copy.", valueName: "file"))
    var file: String

    func run() throws {
        let session = global.session()
        let absolute =
            file.hasPrefix("/")
            ? file : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(file).path
        let answer = try session.send("POST", "/v1/backup", body: BackupBody(path: absolute))
        try session.emit(answer) { () throws(FollowupError) in
            let outcome = try session.decode(BackupJSON.self, from: answer)
            return "backup written to \(outcome.path): \(outcome.cases) case(s), \(outcome.bytes) bytes, "
                + "integrity \(outcome.integrity)"
        }
    }
}
