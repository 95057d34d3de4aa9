import FollowupCore
import FollowupStorage
import Foundation
import Testing

/// The web's accounts, sessions, pending sign-ins and keys (§6.9) in each storage engine: the
/// same answers from both, sessions found only until they expire, a pending sign-in taken once.
@Suite struct AccountStoreTests {
    static let t0 = StoreFixture.t0

    static func accounts(_ store: any CaseStore) throws -> any AccountStore {
        try #require(store as? any AccountStore)
    }

    @Test(arguments: StoreEngine.allCases)
    func accountsAreAddedOnceAndUpdatedWhole(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let accounts = try Self.accounts(store)
            let joana = WebAccount(
                login: "joana", role: "technician", passwordHash: "$2b$12$hash", createdAt: Self.t0, changedAt: Self.t0)
            try await accounts.addAccount(joana)
            await #expect(throws: FollowupError.self) { try await accounts.addAccount(joana) }
            #expect(try await accounts.account("joana") == joana)
            #expect(try await accounts.account("nobody") == nil)
            let locked = Self.t0.addingTimeInterval(900)
            let updated = try await accounts.updateAccount("joana") { account in
                account.failedAttempts = 3
                account.lockedUntil = locked
                account.disabled = true
                account.role = "leader"
            }
            #expect(updated.failedAttempts == 3 && updated.lockedUntil == locked && updated.disabled)
            #expect(try await accounts.account("joana") == updated)
            let cleared = try await accounts.updateAccount("joana") { $0.lockedUntil = nil }
            let reread = try await accounts.account("joana")
            #expect(cleared.lockedUntil == nil && reread?.lockedUntil == nil)
            await #expect(throws: FollowupError.self) { try await accounts.updateAccount("nobody") { _ in } }
            try await accounts.addAccount(
                WebAccount(login: "ana", role: "leader", passwordHash: "h", createdAt: Self.t0, changedAt: Self.t0))
            #expect(try await accounts.accounts().map(\.login) == ["ana", "joana"])
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func sessionsLastUntilTheyExpireOrEnd(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let accounts = try Self.accounts(store)
            func session(_ id: String, _ login: String, hours: Double) -> WebSession {
                WebSession(
                    id: id, login: login, person: "Joana Lima", role: "technician", method: "local", csrf: "c-\(id)",
                    createdAt: Self.t0, expiresAt: Self.t0.addingTimeInterval(hours * 3600))
            }
            try await accounts.addSession(session("a", "joana", hours: 12))
            try await accounts.addSession(session("b", "joana", hours: 1))
            try await accounts.addSession(session("c", "ana", hours: 12))
            #expect(try await accounts.session("a", at: Self.t0) == session("a", "joana", hours: 12))
            #expect(try await accounts.session("b", at: Self.t0.addingTimeInterval(7200)) == nil, "expired")
            #expect(try await accounts.pruneSessions(before: Self.t0.addingTimeInterval(7200)) == 1)
            try await accounts.removeSession("a")
            #expect(try await accounts.session("a", at: Self.t0) == nil)
            try await accounts.removeSessions(of: "ana")
            #expect(try await accounts.session("c", at: Self.t0) == nil)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aPendingSignInIsTakenOnceAndAKeyIsMadeOnce(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let accounts = try Self.accounts(store)
            let pending = PendingSignIn(
                state: "s1", nonce: "n1", verifier: "v1", returnTo: "/account",
                expiresAt: Self.t0.addingTimeInterval(600))
            try await accounts.addPendingSignIn(pending)
            #expect(try await accounts.takePendingSignIn("s1") == pending)
            #expect(try await accounts.takePendingSignIn("s1") == nil, "a state works once")
            try await accounts.addPendingSignIn(
                PendingSignIn(state: "s2", nonce: "n", verifier: "v", returnTo: "/", expiresAt: Self.t0))
            #expect(try await accounts.pruneSessions(before: Self.t0.addingTimeInterval(1)) == 1)
            #expect(try await accounts.takePendingSignIn("s2") == nil)

            let first = try await accounts.secret("ack-links") { Data([1, 2, 3]) }
            let second = try await accounts.secret("ack-links") { Data([9, 9, 9]) }
            #expect(first == Data([1, 2, 3]) && second == first, "the first key made is the key")
        }
    }
}
