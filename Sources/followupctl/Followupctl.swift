import ArgumentParser
import FollowupCore
import Foundation

/// `followupctl`: the desk's client of followupd, for technicians, leaders and ops staff.
///
/// Every command talks to the daemon over its control socket; the exit status says how it
/// went (see the discussion below). Errors are mapped to exit statuses here, once.
@main
struct Followupctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followupctl",
        abstract: "Follow third-party cases with followupd: open them, record what happens, see what is due.",
        discussion: """
            followupd chases partners (third parties) for the support desk: it resends the \
            evaluation request when a partner gives no return within 24 h and writes the attempts \
            report for the client at 72 h, or at once when the partner refuses to deal with us. \
            Tell it what you sent and what came back; it keeps the clock.

            A case is named FU-12, fu-12 or just 12. Times: 2026-11-29T14:05:00-03:00, or \
            "2026-11-29 14:05" or 2026-11-29 (00:00) in the desk's time zone.

            Roles (the groups of control.readers, control.technicians, control.leaders and \
            control.admins; root is an admin), each with the rights of the ones before it: \
            reader — status, show, list, due, report, outbox, obs-note, queue, can-take, \
            entitlement, cancellations, export, inbox, notice list and show; technician — open, \
            sent, reply, refused, note, close, reopen, edit (not --owner), flag (not priority), \
            escalate, handoff, cancellation, notice ack (your own), inbox assign, open and \
            dismiss; leader — flag priority, edit --owner, ack, notice post, notice ack --owner; \
            admin — reload, outbox retry, backup, erase, notify test. What you record is signed with \
            your name as owners or leaders list it (by login), else your login name.

            Exit status: 0 done; 1 refused by followupd (bad input, unknown case, not allowed in the \
            case's state: the message says why); 64 usage; 69 followupd not reachable; 70 an \
            answer followupctl does not understand; 75 followupd busy or its storage unavailable, \
            try again; 77 not allowed (ask for the right group).
            """,
        version: FollowupVersion.current,
        subcommands: [
            StatusCommand.self, OpenCommand.self, SentCommand.self, ReplyCommand.self, RefusedCommand.self,
            NoteCommand.self, CloseCommand.self, ReopenCommand.self, EditCommand.self, FlagCommand.self,
            ShowCommand.self, ListCommand.self, DueCommand.self, ReportCommand.self, OutboxCommand.self,
            AckCommand.self, ObsNoteCommand.self, EscalateCommand.self, HandoffCommand.self,
            CancellationCommand.self, CancellationsCommand.self, NoticeCommand.self, QueueCommand.self,
            CanTakeCommand.self, EntitlementCommand.self, InboxCommand.self,
            ReloadCommand.self, SpoolCommand.self, BackupCommand.self, ExportCommand.self, NotifyCommand.self,
            EraseCommand.self, UserCommand.self,
        ])

    /// Accepted before the command name too (`followupctl --json show 12`).
    @OptionGroup var global: GlobalOptions

    /// Parses, runs, and maps a ``FollowupError`` to its exit status with `followupctl: message`
    /// on standard error; argument-parser's own errors keep its messages and statuses (64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as FollowupError {
            FileHandle.standardError.write(Data("followupctl: \(error.message)\n".utf8))
            if error.code == .usage {
                FileHandle.standardError.write(Data("Run 'followupctl --help' for the usage.\n".utf8))
            }
            Foundation.exit(error.exitStatus)
        } catch {
            exit(withError: error)
        }
    }
}
