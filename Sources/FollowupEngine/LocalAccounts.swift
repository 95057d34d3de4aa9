import FollowupCore
import FollowupStorage
import Foundation
import HummingbirdBcrypt
import Logging

/// The web's local accounts (§6.9, `followupctl user add|passwd|disable|list`): passwords
/// kept only as bcrypt (cost 12) output, sign-in refused for a while after ten wrong
/// passwords in a row, every session ended when a password changes or an account is disabled.
public struct LocalAccounts: Sendable {
    let store: any AccountStore
    let clock: any WallClock
    let logger: Logger
    /// bcrypt's cost: 2^cost rounds (§6.9: at least 12).
    let cost: UInt8

    /// Wrong passwords in a row that lock an account.
    public static let lockAfter = 10
    /// How long a locked account refuses every password.
    public static let lockedFor: TimeInterval = 15 * 60
    /// The roles an account may have.
    public static let roles = ["reader", "technician", "leader", "admin"]

    public init(store: any AccountStore, clock: any WallClock, logger: Logger, cost: UInt8 = 12) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.cost = cost
    }

    /// What a sign-in attempt came to.
    public enum SignIn: Sendable, Equatable {
        /// The password is right: the account, with its role.
        case accepted(WebAccount)
        /// Unknown login, wrong password or disabled account (the page says no more than that).
        case refused
        /// Too many wrong passwords: refused until then, whatever the password.
        case locked(until: Date)
    }

    /// Every account, by login.
    public func list() async throws -> [WebAccount] { try await store.accounts() }

    /// Adds an account; `invalid` for a bad login, role or password, `conflict` when it exists.
    public func add(login: String, role: String, password: String) async throws -> WebAccount {
        let login = try Self.checkedLogin(login)
        let role = try Self.checkedRole(role)
        try Self.checkPassword(password)
        let now = clock.now()
        let account = WebAccount(
            login: login, role: role, passwordHash: await hash(password), createdAt: now, changedAt: now)
        try await store.addAccount(account)
        logger.notice(
            "web account added",
            metadata: ["followup.event": "account_added", "followup.login": "\(login)", "followup.role": "\(role)"])
        return account
    }

    /// Sets a new password (and unlocks, enables); every session of the account ends.
    public func setPassword(login: String, password: String) async throws -> WebAccount {
        try Self.checkPassword(password)
        let hashed = await hash(password)
        let now = clock.now()
        let account = try await store.updateAccount(login) { account in
            account.passwordHash = hashed
            account.failedAttempts = 0
            account.lockedUntil = nil
            account.disabled = false
            account.changedAt = now
        }
        try await store.removeSessions(of: login)
        logger.notice(
            "web password changed", metadata: ["followup.event": "password_changed", "followup.login": "\(login)"])
        return account
    }

    /// Disables an account: it can no longer sign in, and its sessions end.
    public func disable(login: String) async throws -> WebAccount {
        let now = clock.now()
        let account = try await store.updateAccount(login) { account in
            account.disabled = true
            account.changedAt = now
        }
        try await store.removeSessions(of: login)
        logger.notice(
            "web account disabled", metadata: ["followup.event": "account_disabled", "followup.login": "\(login)"])
        return account
    }

    /// Checks a password; counts wrong ones and locks after ``lockAfter`` in a row.
    public func signIn(login: String, password: String) async throws -> SignIn {
        let now = clock.now()
        guard let account = try await store.account(login), !account.disabled else {
            // The same work as a real check, so timing does not tell which logins exist.
            _ = Bcrypt.verify(password, hash: Self.decoy)
            return .refused
        }
        if let until = account.lockedUntil, until > now { return .locked(until: until) }
        let right = await verify(password, hash: account.passwordHash)
        let lockAfter = Self.lockAfter
        let lockedFor = Self.lockedFor
        let updated = try await store.updateAccount(login) { account in
            if right {
                account.failedAttempts = 0
                account.lockedUntil = nil
            } else {
                account.failedAttempts += 1
                if account.failedAttempts >= lockAfter {
                    account.failedAttempts = 0
                    account.lockedUntil = now.addingTimeInterval(lockedFor)
                }
            }
        }
        if right { return .accepted(updated) }
        if let until = updated.lockedUntil, until > now {
            logger.warning(
                "web account locked after wrong passwords",
                metadata: ["followup.event": "account_locked", "followup.login": "\(login)"])
            return .locked(until: until)
        }
        return .refused
    }

    func hash(_ password: String) async -> String {
        let cost = self.cost
        return await BlockingWork.run("bcrypt") { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async -> Bool {
        await BlockingWork.run("bcrypt") { Bcrypt.verify(password, hash: hash) }
    }

    /// A bcrypt hash of nothing anyone types, checked for unknown logins.
    static let decoy = "$2b$12$C6UzMDM.H6dfI/f/IKxGhuYOI/LWd4OpQJ.5Ya0Zyb7nRfOeyXmlW"

    static func checkedLogin(_ login: String) throws(FollowupError) -> String {
        let login = login.trimmingCharacters(in: .whitespaces)
        guard !login.isEmpty, login.count <= 64,
            login.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._@-".contains($0)) })
        else {
            throw FollowupError.invalid(
                "login", "use 1 to 64 letters, digits, dots, dashes, underscores or @ (like joana.lima)")
        }
        return login
    }

    static func checkedRole(_ role: String) throws(FollowupError) -> String {
        guard roles.contains(role) else {
            throw FollowupError.invalid("role", "\"\(role)\" is not one of \(roles.joined(separator: ", "))")
        }
        return role
    }

    static func checkPassword(_ password: String) throws(FollowupError) {
        guard password.count >= 10 else { throw FollowupError.invalid("password", "use at least 10 characters") }
        // bcrypt reads at most 72 bytes: a longer password would be cut without a word.
        guard password.utf8.count <= 72 else {
            throw FollowupError.invalid("password", "use at most 72 bytes (bcrypt ignores the rest)")
        }
    }
}
