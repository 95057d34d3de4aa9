import FollowupAPI
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation
import NIOHTTP1

/// The web's local accounts (§6.9, `followupctl user add|passwd|disable|list`): admin only;
/// a password goes in a request body, never in a log line or an answer.
extension ControlAPI {
    func userRoute(_ route: String, _ request: HTTPRequest, segments: [String], peer: Peer) async throws
        -> HTTPResponse
    {
        guard let accounts else { throw FollowupError(.storageUnavailable, "this storage keeps no web accounts") }
        switch (request.method, route) {
        case (.GET, "/v1/users"):
            return try Self.json(.ok, UserListJSON(users: try await accounts.list().map(Self.userJSON)))
        case (.POST, "/v1/users"):
            let body = try Self.decode(UserBody.self, from: request)
            let account = try await accounts.add(login: body.login, role: body.role, password: body.password)
            return try Self.json(.created, Self.userJSON(account))
        case (.POST, "/v1/users/{id}/password"):
            let body = try Self.decode(PasswordBody.self, from: request)
            return try Self.json(
                .ok, Self.userJSON(try await accounts.setPassword(login: segments[2], password: body.password)))
        default:
            return try Self.json(.ok, Self.userJSON(try await accounts.disable(login: segments[2])))
        }
    }

    static func userJSON(_ account: WebAccount) -> UserJSON {
        UserJSON(
            login: account.login, role: account.role, disabled: account.disabled, lockedUntil: account.lockedUntil,
            createdAt: account.createdAt, changedAt: account.changedAt)
    }
}
