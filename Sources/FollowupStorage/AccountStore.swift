import FollowupCore
import Foundation

/// What the web application keeps (§6.9): local accounts, sessions, sign-ins waiting for the
/// identity provider's answer, and the keys it signs with. One narrow store, implemented by
/// both engines on their own tables; the rules (lock-out, expiry, roles) live above it.
public protocol AccountStore: Sendable {
    /// The local account `login`, or nil.
    func account(_ login: String) async throws -> WebAccount?

    /// Every local account, by login.
    func accounts() async throws -> [WebAccount]

    /// Adds `account`; `conflict` when its login exists.
    func addAccount(_ account: WebAccount) async throws

    /// Loads account `login` for update, hands it to `change`, and writes what it returns, in
    /// one transaction; `notFound` when there is no such account. Returns the written account.
    @discardableResult
    func updateAccount(_ login: String, _ change: @escaping @Sendable (inout WebAccount) throws -> Void) async throws
        -> WebAccount

    /// Stores a new session.
    func addSession(_ session: WebSession) async throws

    /// The session whose id hash is `id`, when it has not expired at `now`.
    func session(_ id: String, at now: Date) async throws -> WebSession?

    /// Ends the session `id` (sign-out).
    func removeSession(_ id: String) async throws

    /// Ends every session of `login` (its password changed, or it was disabled).
    func removeSessions(of login: String) async throws

    /// Forgets sessions and pending sign-ins that expired before `now`; returns how many went.
    @discardableResult
    func pruneSessions(before now: Date) async throws -> Int

    /// Remembers a sign-in sent to the identity provider, under its `state`.
    func addPendingSignIn(_ pending: PendingSignIn) async throws

    /// Takes (reads and deletes, once) the pending sign-in of `state`.
    func takePendingSignIn(_ state: String) async throws -> PendingSignIn?

    /// The key named `name`, made by `make` and stored the first time (the first node wins a race).
    func secret(_ name: String, make: @escaping @Sendable () -> Data) async throws -> Data
}

/// A local web account (`followupctl user add`).
public struct WebAccount: Sendable, Hashable {
    public var login: String
    /// `reader`, `technician`, `leader` or `admin`.
    public var role: String
    /// The password's KDF output (bcrypt, cost ≥ 12); never the password.
    public var passwordHash: String
    public var disabled: Bool
    /// Wrong passwords in a row since the last good one.
    public var failedAttempts: Int
    /// Sign-in refused until then after too many wrong passwords.
    public var lockedUntil: Date?
    public var createdAt: Date
    public var changedAt: Date

    public init(
        login: String, role: String, passwordHash: String, disabled: Bool = false, failedAttempts: Int = 0,
        lockedUntil: Date? = nil, createdAt: Date, changedAt: Date
    ) {
        self.login = login
        self.role = role
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.failedAttempts = failedAttempts
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
        self.changedAt = changedAt
    }
}

extension WebAccount {
    /// The refusal of a second account with `login` (both engines say the same).
    static func exists(_ login: String) -> FollowupError {
        FollowupError(.conflict, "there is already an account \(login) (see followupctl user list)")
    }

    /// The refusal of a change to an account that does not exist.
    static func unknown(_ login: String) -> FollowupError {
        FollowupError(.notFound, "there is no account \(login) (see followupctl user list)")
    }
}

/// A signed-in browser: stored under the SHA-256 of its cookie, so the database never holds a
/// cookie that works.
public struct WebSession: Sendable, Hashable {
    /// The hex SHA-256 of the session cookie's value.
    public var id: String
    /// Who signed in: the local account or the identity provider's login.
    public var login: String
    /// The person's name (an owner or leader), else the login: the `by` of what they record.
    public var person: String
    /// The role decided at sign-in.
    public var role: String
    /// `local` or `oidc`.
    public var method: String
    /// The token every form of this session carries (CSRF).
    public var csrf: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(
        id: String, login: String, person: String, role: String, method: String, csrf: String, createdAt: Date,
        expiresAt: Date
    ) {
        self.id = id
        self.login = login
        self.person = person
        self.role = role
        self.method = method
        self.csrf = csrf
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A sign-in sent to the identity provider, waiting for its answer (OpenID Connect).
public struct PendingSignIn: Sendable, Hashable {
    /// The `state` parameter sent (and the key this is found by).
    public var state: String
    /// The `nonce` the ID token must carry.
    public var nonce: String
    /// The PKCE code verifier.
    public var verifier: String
    /// The page to return to once signed in.
    public var returnTo: String
    public var expiresAt: Date

    public init(state: String, nonce: String, verifier: String, returnTo: String, expiresAt: Date) {
        self.state = state
        self.nonce = nonce
        self.verifier = verifier
        self.returnTo = returnTo
        self.expiresAt = expiresAt
    }
}
