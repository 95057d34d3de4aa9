import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `followupctl user add|passwd|disable|list`: the web's local accounts (§6.9).
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the local accounts that sign in to the web desk (admin role).",
        discussion: """
            A password is read from the terminal twice (nothing is shown), or from the first \
            line of --password-file FILE (use - for standard input). followupd keeps only its \
            bcrypt hash. Ten wrong passwords in a row lock an account for 15 minutes; a new \
            password unlocks it. Changing a password or disabling an account ends its sessions.
            """,
        subcommands: [UserAddCommand.self, UserPasswdCommand.self, UserDisableCommand.self, UserListCommand.self])
}

/// Where a new password comes from.
struct PasswordOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp("Read the password from the first line of FILE (- for standard input).", valueName: "file"))
    var passwordFile: String?

    /// The password: from the file, else typed twice on the terminal.
    func password() throws -> String {
        if let passwordFile {
            let data: Data
            if passwordFile == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let read = FileManager.default.contents(atPath: passwordFile) else {
                    throw ValidationError("Cannot read \(passwordFile): give a readable file with the password.")
                }
                data = read
            }
            let text = String(decoding: data, as: UTF8.self)
            return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw ValidationError("No terminal to type the password on: give --password-file FILE.")
        }
        let first = Self.readHidden("Password: ")
        let second = Self.readHidden("Again: ")
        guard first == second else { throw ValidationError("The two passwords differ; nothing changed.") }
        return first
    }

    /// A line typed on the terminal without echo.
    static func readHidden(_ prompt: String) -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}

/// `followupctl user add LOGIN --role R`.
struct UserAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a local web account.")

    @OptionGroup var global: GlobalOptions
    @Argument(
        help: ArgumentHelp(
            "The account's login (a person's login links it to that owner or leader).", valueName: "login"))
    var login: String
    @Option(help: ArgumentHelp("reader, technician, leader or admin.", valueName: "role"))
    var role: String
    @OptionGroup var password: PasswordOptions

    func run() throws {
        let session = global.session()
        let body = UserBody(login: login, role: role, password: try password.password())
        let answer = try session.send("POST", "/v1/users", body: body)
        try session.emit(answer) { () throws(FollowupError) in
            let user = try session.decode(UserJSON.self, from: answer)
            return "account \(user.login) added (\(user.role))"
        }
    }
}

/// `followupctl user passwd LOGIN`.
struct UserPasswdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd", abstract: "Set a new password (unlocks and enables the account; ends its sessions).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The account's login.", valueName: "login"))
    var login: String
    @OptionGroup var password: PasswordOptions

    func run() throws {
        let session = global.session()
        let answer = try session.send(
            "POST", "/v1/users/\(Self.escaped(login))/password", body: PasswordBody(password: try password.password()))
        try session.emit(answer) { () throws(FollowupError) in
            "password of \(try session.decode(UserJSON.self, from: answer).login) changed"
        }
    }

    static func escaped(_ login: String) -> String {
        login.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? login
    }
}

/// `followupctl user disable LOGIN`.
struct UserDisableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "Disable an account: it can no longer sign in; its sessions end.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The account's login.", valueName: "login"))
    var login: String

    func run() throws {
        let session = global.session()
        let answer = try session.send("POST", "/v1/users/\(UserPasswdCommand.escaped(login))/disable")
        try session.emit(answer) { () throws(FollowupError) in
            "account \(try session.decode(UserJSON.self, from: answer).login) disabled"
        }
    }
}

/// `followupctl user list`.
struct UserListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the local web accounts.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = global.session()
        let answer = try session.send("GET", "/v1/users")
        try session.emit(answer) { () throws(FollowupError) in
            let users = try session.decode(UserListJSON.self, from: answer).users
            guard !users.isEmpty else { return "no local accounts (followupctl user add LOGIN --role R)" }
            return users.map { user in
                var line = "\(user.login)\t\(user.role)"
                if user.disabled { line += "\tdisabled" }
                if let until = user.lockedUntil, until > Date() { line += "\tlocked until \(Timestamp.format(until))" }
                return line
            }.joined(separator: "\n")
        }
    }
}
