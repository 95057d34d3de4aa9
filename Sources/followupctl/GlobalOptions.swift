import ArgumentParser
import Foundation

/// The options every command takes: where the daemon listens, and machine output.
struct GlobalOptions: ParsableArguments {
    /// The path used when neither `--socket` nor `$FOLLOWUPD_SOCKET` names one.
    static let defaultSocket = "/run/followupd/control.sock"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The daemon's control socket (default: $FOLLOWUPD_SOCKET, else \(GlobalOptions.defaultSocket)).",
            valueName: "path"),
        completion: .file())
    var socket: String?

    @Flag(name: .long, help: "Print the daemon's JSON answer (pretty-printed) instead of text for people.")
    var json = false

    /// The socket to use: `--socket`, else `$FOLLOWUPD_SOCKET`, else the default path.
    var socketPath: String {
        if let socket { return socket }
        if let fromEnvironment = ProcessInfo.processInfo.environment["FOLLOWUPD_SOCKET"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return Self.defaultSocket
    }

    /// A session with the daemon for these options.
    func session() -> ControlSession {
        ControlSession(transport: UnixSocketTransport(path: socketPath), json: json)
    }
}

/// The option of commands that change something: a key that makes a retried command safe.
struct ChangeOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Any unique text (a UUID, say). Sent as the Idempotency-Key header: if the same command is sent again with the same key (after a timeout, say), the daemon returns the first answer instead of recording it twice.",
            valueName: "key"))
    var idempotencyKey: String?
}
