import FollowupConfig
import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Who is on the other end of a control connection, from the kernel (SO_PEERCRED and
/// SO_PEERGROUPS), read once per connection.
public struct Peer: Sendable, Hashable, CustomStringConvertible {
    public var uid: uid_t
    public var gid: gid_t
    public var pid: pid_t
    /// The primary and supplementary groups of the peer process.
    public var groups: Set<gid_t>
    /// The login name of `uid` (the `by` of what the peer records), or `uid:N` when unknown.
    public var name: String
    /// For a request from a web session: who signed in and the role decided then; nil on the socket.
    public var web: WebCaller?

    public init(uid: uid_t, gid: gid_t, pid: pid_t, groups: Set<gid_t>, name: String) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.groups = groups
        self.name = name
    }

    public var description: String {
        web.map { "\(name) (web: \($0.login))" } ?? "\(name) (uid \(uid), pid \(pid))"
    }

    /// A web session's caller: `name` is the person, the role is the session's.
    public static func web(login: String, person: String, role: Role) -> Peer {
        var peer = Peer(uid: uid_t.max, gid: gid_t.max, pid: 0, groups: [], name: person)
        peer.web = WebCaller(login: login, role: role)
        return peer
    }

    /// What keeps one caller's idempotency keys apart from another's: the uid, or the web login.
    public var scope: String { web.map { "web:\($0.login)" } ?? "\(uid)" }

    /// Reads the peer of a connected Unix socket channel.
    static func read(from channel: any Channel) async throws -> Peer {
        guard let provider = channel as? any SocketOptionProvider else {
            throw FollowupControlError.noPeerCredentials
        }
        let credentials: Credentials = try await provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
        ).get()
        var groups: Set<gid_t> = [credentials.gid]
        if let list: GroupList = try? await provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERGROUPS)
        ).get() {
            // The kernel fills the first entries; the buffer was zeroed before the call.
            for index in list.gids.indices where list.gids[index] != 0 { groups.insert(list.gids[index]) }
        } else {
            groups.formUnion(Self.groupsFromUserDatabase(uid: credentials.uid, gid: credentials.gid))
        }
        return Peer(
            uid: credentials.uid, gid: credentials.gid, pid: credentials.pid, groups: groups,
            name: Self.loginName(of: credentials.uid))
    }

    /// `struct ucred` of SO_PEERCRED (not imported without _GNU_SOURCE): the same layout.
    struct Credentials: Sendable {
        var pid: pid_t = 0
        var uid: uid_t = 0
        var gid: gid_t = 0
    }

    /// The supplementary groups of up to 64 entries, as SO_PEERGROUPS returns them.
    struct GroupList: Sendable {
        var gids = InlineArray<64, gid_t>(repeating: 0)
    }

    static func loginName(of uid: uid_t) -> String {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil,
            let name = entry.pw_name
        else { return "uid:\(uid)" }
        return String(cString: name)
    }

    static func groupsFromUserDatabase(uid: uid_t, gid: gid_t) -> [gid_t] {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name
        else { return [] }
        var count: Int32 = 256
        var gids = [gid_t](repeating: 0, count: Int(count))
        guard getgrouplist(name, gid, &gids, &count) >= 0 else { return [] }
        return Array(gids.prefix(Int(count)))
    }
}

/// What a peer may do (§6.3 "Correction (roles)"), each role with the rights of those before
/// it: a reader reads, a technician records the desk's work, a leader also decides (priority,
/// owners, acknowledging notifications, notices), an admin runs the daemon.
public enum Role: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    case none, reader, technician, leader, admin

    public static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .none: "none"
        case .reader: "reader"
        case .technician: "technician"
        case .leader: "leader"
        case .admin: "admin"
        }
    }

    /// The configuration key that lists this role's groups.
    public var groupsKey: String { "control.\(self)s" }
}

/// Group names from the configuration, resolved to ids when the configuration is (re)loaded.
public struct AccessPolicy: Sendable, Hashable {
    /// The groups of each role; `*` (every local user) as ``everyone``.
    public var groups: [Role: Set<gid_t>]
    /// The highest role every local user has (`"*"` in a role's list), or none.
    public var everyone: Role

    /// The daemon's own user: it owns the database and the spool already, so it is an admin
    /// on the socket too (the nightly backup unit runs `followupctl backup` as that user).
    public var ownUID: uid_t

    public init(
        readers: [String], admins: [String], technicians: [String] = [], leaders: [String] = [],
        ownUID: uid_t = geteuid()
    ) {
        self.ownUID = ownUID
        let lists: [(Role, [String])] = [
            (.reader, readers), (.technician, technicians), (.leader, leaders), (.admin, admins),
        ]
        groups = Dictionary(uniqueKeysWithValues: lists.map { ($0.0, Set($0.1.compactMap(Self.gid(named:)))) })
        everyone = lists.filter { $0.1.contains("*") }.map(\.0).max() ?? .none
    }

    /// The policy of the `control` section.
    public init(control: ControlSettings, ownUID: uid_t = geteuid()) {
        self.init(
            readers: control.readers, admins: control.admins, technicians: control.technicians,
            leaders: control.leaders, ownUID: ownUID)
    }

    /// The role of a peer: root and the daemon's own user always admin, else the highest role
    /// one of its groups has.
    public func role(of peer: Peer) -> Role {
        if let web = peer.web { return web.role }
        if peer.uid == 0 || peer.uid == ownUID { return .admin }
        let byGroup = groups.filter { !peer.groups.isDisjoint(with: $0.value) }.keys.max() ?? .none
        return max(byGroup, everyone)
    }

    static func gid(named name: String) -> gid_t? {
        guard name != "*" else { return nil }
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.gr_gid
    }
}

/// Who a web request comes from (§6.9): the signed-in login and the role decided at sign-in.
public struct WebCaller: Sendable, Hashable {
    public var login: String
    public var role: Role

    public init(login: String, role: Role) {
        self.login = login
        self.role = role
    }
}

/// Failures of the control server itself.
enum FollowupControlError: Error {
    case noPeerCredentials
}
