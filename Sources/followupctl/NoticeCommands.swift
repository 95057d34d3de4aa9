import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl notice`: important notices every technician acknowledges (§5 rule 5).
struct NoticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice",
        abstract: "Post important notices to the technicians and see who has acknowledged them.",
        discussion: """
            A leader posts; each technician listed in owners receives it and acknowledges it (the \
            team's "like"); those who have not are reminded after policy.ack_within.
            """,
        subcommands: [PostNotice.self, AckNotice.self, ShowNotice.self, ListNotices.self])

    /// `notice post --title --text`.
    struct PostNotice: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "post", abstract: "Send a notice to every technician; prints its id.")

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The notice's title.", valueName: "text")) var title: String
        @Option(help: ArgumentHelp("The notice.", valueName: "text")) var text: String

        func run() throws {
            let session = global.session()
            let answer = try session.send("POST", "/v1/notices", body: NoticeBody(title: title, text: text))
            try session.emit(answer) { () throws(FollowupError) in
                let notice = try session.decode(Notice.self, from: answer)
                return "\(notice.id): sent to \(notice.recipients.map(\.owner).joined(separator: ", "))"
            }
        }
    }

    /// `notice ack ID`.
    struct AckNotice: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack", abstract: "Say you saw the notice (or, with --owner, record it for a technician).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The notice's id.", valueName: "id")) var id: String
        @Option(help: ArgumentHelp("The technician who saw it (default: you).", valueName: "name")) var owner: String?

        func run() throws {
            let session = global.session()
            let answer = try session.send(
                "POST", "/v1/notices/\(Self.escaped(id))/ack", body: NoticeAckBody(owner: owner))
            try session.emit(answer) { () throws(FollowupError) in
                let notice = try session.decode(Notice.self, from: answer)
                let missing = notice.missing
                return "\(notice.id) acknowledged; "
                    + (missing.isEmpty ? "everyone has seen it" : "still missing: \(missing.joined(separator: ", "))")
            }
        }

        static func escaped(_ id: String) -> String {
            id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id
        }
    }

    /// `notice show ID`: who has and who has not acknowledged it.
    struct ShowNotice: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show a notice and who has not acknowledged it yet.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The notice's id.", valueName: "id")) var id: String

        func run() throws {
            let session = global.session()
            let answer = try session.send("GET", "/v1/notices/\(AckNotice.escaped(id))")
            try session.emit(answer) { () throws(FollowupError) in
                let notice = try session.decode(Notice.self, from: answer)
                let times = try session.timeText()
                var lines = [
                    "\(notice.id)  \(notice.title)", "posted by \(notice.postedBy) at \(times.full(notice.postedAt))",
                    "", notice.text, "",
                ]
                for recipient in notice.recipients {
                    if let at = recipient.acknowledgedAt {
                        lines.append("  seen      \(recipient.owner)  \(times.full(at))")
                    } else {
                        lines.append("  NOT SEEN  \(recipient.owner)")
                    }
                }
                let missing = notice.missing
                lines.append(missing.isEmpty ? "everyone has seen it" : "missing: \(missing.joined(separator: ", "))")
                return lines.joined(separator: "\n")
            }
        }
    }

    /// `notice list`.
    struct ListNotices: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "The latest notices, with how many have not acknowledged each.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let session = global.session()
            let answer = try session.send("GET", "/v1/notices")
            try session.emit(answer) { () throws(FollowupError) in
                let list = try session.decode(NoticeList.self, from: answer)
                guard !list.notices.isEmpty else { return "no notices" }
                let times = try session.timeText()
                return list.notices.map {
                    "\($0.id)  \(times.compact($0.postedAt))  \($0.title)  (\($0.missing.count) not seen)"
                }.joined(separator: "\n")
            }
        }
    }
}
