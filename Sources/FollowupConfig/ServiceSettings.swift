// The sections that say how the daemon itself runs: storage, control socket, metrics, log.

/// Where the daemon keeps its state (`storage`): one embedded SQLite file, or a PostgreSQL
/// database shared by several nodes.
///
/// Opened once at start: a reload that changes it is refused.
public enum StorageSettings: Sendable, Hashable {
    /// The embedded engine: one SQLite file (`storage.path`), an absolute path.
    case sqlite(path: String)
    /// A PostgreSQL database (`storage.url`, a `postgres://` or `postgresql://` URL), with the
    /// absolute path of a file holding the password (`storage.password_file`), checked readable at load.
    case postgres(url: String, passwordFile: String?)

    /// The SQLite file used when `storage` names neither `path` nor `url`.
    public static let defaultPath = "/var/lib/followupd/followupd.sqlite"

    /// SQLite at ``defaultPath``.
    public static let `default` = StorageSettings.sqlite(path: defaultPath)
}

/// The control socket through which `followupctl` talks to the daemon (`control`), and who may
/// do what over it.
///
/// Bound once at start (or passed by systemd's socket activation): a reload that changes it is refused.
public struct ControlSettings: Sendable, Hashable {
    /// The Unix socket's absolute path.
    public var socket: String
    /// The socket file's permission bits (`"0660"` in the file: always read as octal).
    public var mode: UInt16
    /// The group the socket file is given; `nil` leaves the daemon's own group.
    public var group: String?
    /// Groups whose members may read cases and status; `"*"` means every local user.
    public var readers: [String]
    /// Groups whose members may change anything, with leaders' rights; root always may.
    /// `"*"` means every local user who can connect.
    public var admins: [String]
    /// Groups whose members record the desk's work (§6.3 "Correction (roles)"): open cases,
    /// contacts, returns, notes, closing; acknowledge their own notices.
    public var technicians: [String]
    /// Groups whose members have a technician's rights and a leader's: the priority flag, any
    /// case's owner, acknowledging notifications, posting notices.
    public var leaders: [String]

    /// The socket used when `control.socket` is absent.
    public static let defaultSocket = "/run/followupd/control.sock"

    /// The group name that stands for every local user in ``readers`` and ``admins``.
    public static let everyone = "*"

    /// Control settings; the defaults are §6.2's.
    public init(
        socket: String = ControlSettings.defaultSocket,
        mode: UInt16 = 0o660,
        group: String? = nil,
        readers: [String] = ["followupd"],
        admins: [String] = ["followupd-admin"],
        technicians: [String] = [],
        leaders: [String] = []
    ) {
        self.socket = socket
        self.mode = mode
        self.group = group
        self.readers = readers
        self.admins = admins
        self.technicians = technicians
        self.leaders = leaders
    }
}

/// The loopback TCP listener that serves `/metrics` and `/healthz` (`metrics.listen`).
///
/// It has no authentication, so the loader only accepts loopback hosts (`127.0.0.0/8`, `::1`,
/// `localhost`).
public struct MetricsSettings: Sendable, Hashable, CustomStringConvertible {
    /// The host to bind, without brackets (`127.0.0.1`, `::1`, `localhost`).
    public var host: String
    /// The TCP port (1–65535).
    public var port: UInt16

    /// The listener used when `metrics` is present without `listen`.
    public static let `default` = MetricsSettings(host: "127.0.0.1", port: 9464)

    /// A listener on `host:port`.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with an IPv6 host in brackets (`[::1]:9464`), as the file writes it.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Where log entries go and from which level (`log`).
public struct LogSettings: Sendable, Hashable {
    /// Where entries are written.
    public var target: Target
    /// The least severe level written.
    public var level: Level

    /// Where log entries are written (`log.target`).
    public enum Target: String, Sendable, Hashable, CaseIterable {
        /// The journal when running under systemd, standard error otherwise.
        case auto
        /// Always the journal, with structured fields.
        case journal
        /// Always standard error, one line per entry.
        case stderr
    }

    /// A log level (`log.level`); the raw values are swift-log's `Logger.Level` names.
    public enum Level: String, Sendable, Hashable, CaseIterable {
        /// Everything, for tracing a problem.
        case trace
        /// Detail useful while developing.
        case debug
        /// What the daemon did (the default).
        case info
        /// Noteworthy events.
        case notice
        /// Something is wrong but the daemon carries on.
        case warning
        /// An operation failed.
        case error
        /// The daemon cannot carry on.
        case critical
    }

    /// Log settings: `auto` and `info` by default.
    public init(target: Target = .auto, level: Level = .info) {
        self.target = target
        self.level = level
    }
}
