import Foundation

/// `POST /v1/users`: a new local web account (§6.9).
public struct UserBody: Codable, Sendable, Hashable {
    public var login: String
    /// `reader`, `technician`, `leader` or `admin`.
    public var role: String
    public var password: String

    public init(login: String, role: String, password: String) {
        self.login = login
        self.role = role
        self.password = password
    }
}

/// `POST /v1/users/{login}/password`: a new password.
public struct PasswordBody: Codable, Sendable, Hashable {
    public var password: String

    public init(password: String) { self.password = password }
}

/// A local web account as the API shows it: never its password or hash.
public struct UserJSON: Codable, Sendable, Hashable {
    public var login: String
    public var role: String
    public var disabled: Bool
    /// Sign-in refused until then after too many wrong passwords.
    public var lockedUntil: Date?
    public var createdAt: Date
    public var changedAt: Date

    public init(login: String, role: String, disabled: Bool, lockedUntil: Date?, createdAt: Date, changedAt: Date) {
        self.login = login
        self.role = role
        self.disabled = disabled
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
        self.changedAt = changedAt
    }
}

/// `GET /v1/users`.
public struct UserListJSON: Codable, Sendable, Hashable {
    public var users: [UserJSON]

    public init(users: [UserJSON]) { self.users = users }
}
