import FollowupConfig
import FollowupControl
import FollowupTestSupport
import FollowupWeb
import Foundation
import Synchronization
import Testing

/// Signing in through a real OpenID Connect provider on loopback (pyop, started once per test
/// run by ``OIDCTestProvider``): the whole browser trip without a browser, the person and role
/// found, and every ID token the client must refuse.
@Suite("OpenID Connect sign-in against pyop")
struct OIDCSignInTests {
    static let groupRoles = ["technician": ["desk"], "leader": ["desk-leaders"], "admin": ["ops"]]

    @Test("roles from the groups claim: a technician, a leader and an admin")
    func rolesFromClaim() async throws {
        try await withScratchFolder { folder in
            let desk = try await SignInDesk(folder: folder, rolesClaim: "groups", roles: Self.groupRoles)
            let joana = try await desk.signIn("joana", returnTo: "/cases/42")
            #expect(
                joana == SignedInPerson(login: "joana", person: "Joana Lima", role: .technician, returnTo: "/cases/42"))
            // Marcos is in no list of the configuration: his group makes him a leader, under his login.
            let marcos = try await desk.signIn("marcos")
            #expect(marcos == SignedInPerson(login: "marcos", person: "marcos", role: .leader))
            #expect(try await desk.signIn("ops").role == .admin)
        }
    }

    @Test("a group's role wins over the configuration's")
    func claimOverConfiguration() async throws {
        try await withScratchFolder { folder in
            let desk = try await SignInDesk(folder: folder, rolesClaim: "groups", roles: ["leader": ["desk"]])
            #expect(try await desk.signIn("joana").role == .leader)
        }
    }

    @Test("roles from the configuration: an owner by login is a technician, a leader by e-mail a leader")
    func rolesFromConfiguration() async throws {
        try await withScratchFolder { folder in
            let byLogin = try await SignInDesk(folder: folder)
            #expect(
                try await byLogin.signIn("joana")
                    == SignedInPerson(login: "joana", person: "Joana Lima", role: .technician))
            // Carla's preferred_username (carla.souza) is no login here; her e-mail is a leader's.
            await #expect(throws: OIDCError.self) { try await byLogin.signIn("carla") }
            let byMail = try await SignInDesk(folder: folder, loginClaim: "email")
            #expect(
                try await byMail.signIn("carla")
                    == SignedInPerson(login: "carla@desk.example", person: "Carla Souza", role: .leader))
        }
    }

    @Test("nobody the desk knows and in no group with a role is refused, saying so")
    func strangerRefused() async throws {
        try await withScratchFolder { folder in
            let desk = try await SignInDesk(folder: folder, rolesClaim: "groups", roles: Self.groupRoles)
            let error = await #expect(throws: OIDCError.self) { try await desk.signIn("stranger") }
            #expect(error?.code == .noRole)
            #expect(error?.message.contains("stranger") == true)
        }
    }

    @Test(
        "the client authenticates as the provider expects",
        arguments: ["client_secret_basic", "client_secret_post", "none"])
    func clientAuthentication(method: String) async throws {
        try await withScratchFolder { folder in
            let desk = try await SignInDesk(folder: folder, authMethod: method)
            #expect(try await desk.signIn("joana").role == .technician)
        }
    }

    /// ID tokens the provider's token endpoint answers with, spoilt as `tamper` says, and the
    /// refusal each must get.
    static let spoilt: [(tamper: String, code: OIDCError.Code)] = [
        (#"{"claims": {"aud": "someone-else"}}"#, .wrongAudience),
        (#"{"claims": {"aud": ["CLIENT", "someone-else"]}}"#, .wrongAudience),
        (#"{"claims": {"exp": NOW_MINUS_3600, "iat": NOW_MINUS_7200}}"#, .expired),
        (#"{"claims": {"iat": NOW_PLUS_3600, "exp": NOW_PLUS_7200}}"#, .badIssueTime),
        (#"{"key": "other"}"#, .badSignature),
        (#"{"key": "other", "kid": "never-published"}"#, .unknownKey),
        (#"{"key": "none"}"#, .unsupportedAlgorithm),
        (#"{"key": "hs256"}"#, .unsupportedAlgorithm),
        (#"{"claims": {"nonce": "forged"}}"#, .wrongNonce),
        (#"{"remove": ["nonce"]}"#, .wrongNonce),
        (#"{"claims": {"iss": "http://127.0.0.1:9"}}"#, .wrongIssuer),
        (#"{"remove": ["preferred_username"]}"#, .missingClaim),
    ]

    @Test("a spoilt ID token is refused, nothing of it in the message", arguments: spoilt)
    func spoiltTokenRefused(tamper: String, code: OIDCError.Code) async throws {
        try await withScratchFolder { folder in
            let desk = try await SignInDesk(folder: folder, rolesClaim: "groups", roles: Self.groupRoles)
            let now = Int(Date().timeIntervalSince1970)
            let tamper = tamper.replacingOccurrences(of: "CLIENT", with: desk.signIn.settings.clientID)
                .replacingOccurrences(of: "NOW_MINUS_3600", with: "\(now - 3600)")
                .replacingOccurrences(of: "NOW_MINUS_7200", with: "\(now - 7200)")
                .replacingOccurrences(of: "NOW_PLUS_3600", with: "\(now + 3600)")
                .replacingOccurrences(of: "NOW_PLUS_7200", with: "\(now + 7200)")
            let callback = try await desk.callback("joana", tamper: tamper)
            let error = await #expect(throws: OIDCError.self) { try await desk.signIn.finish(callback: callback) }
            #expect(error?.code == code, "\(error?.message ?? "no error")")
            let message = error?.message ?? ""
            #expect(!message.contains(callback["code"] ?? "-") && !message.contains(callback["state"] ?? "-"))
            #expect(!message.contains("eyJ"), "a JWT in the message: \(message)")
        }
    }

    @Test("several audiences pass when azp is this client; an ES256 token with a published key passes")
    func acceptedVariants() async throws {
        try await withScratchFolder { folder in
            let desk = try await SignInDesk(folder: folder)
            let client = desk.signIn.settings.clientID
            let azp = #"{"claims": {"aud": ["\#(client)", "api"], "azp": "\#(client)"}}"#
            #expect(try await desk.signIn("joana", tamper: azp).person == "Joana Lima")
            #expect(try await desk.signIn("joana", tamper: #"{"key": "ec"}"#).person == "Joana Lima")
        }
    }

    @Test("a state is good once: a replayed callback and a made-up state are refused")
    func stateOnce() async throws {
        try await withScratchFolder { folder in
            let desk = try await SignInDesk(folder: folder)
            let callback = try await desk.callback("joana")
            _ = try await desk.signIn.finish(callback: callback)
            let replayed = await #expect(throws: OIDCError.self) { try await desk.signIn.finish(callback: callback) }
            #expect(replayed?.code == .unknownState)
            let madeUp = await #expect(throws: OIDCError.self) {
                try await desk.signIn.finish(code: callback["code"] ?? "", state: "made-up")
            }
            #expect(madeUp?.code == .unknownState)
        }
    }

    @Test("a sign-in started more than ten minutes ago is refused")
    func pendingExpires() async throws {
        try await withScratchFolder { folder in
            let clock = Mutex(Date())
            let desk = try await SignInDesk(folder: folder, now: { clock.withLock { $0 } })
            let callback = try await desk.callback("joana")
            clock.withLock { $0 += 601 }
            let error = await #expect(throws: OIDCError.self) { try await desk.signIn.finish(callback: callback) }
            #expect(error?.code == .unknownState)
        }
    }

    @Test("the provider's refusal in the callback is refused and ends the pending sign-in")
    func providerError() async throws {
        try await withScratchFolder { folder in
            let desk = try await SignInDesk(folder: folder)
            let callback = try await desk.callback("joana")
            let refused = await #expect(throws: OIDCError.self) {
                try await desk.signIn.finish(callback: ["error": "access_denied", "state": callback["state"] ?? ""])
            }
            #expect(refused?.code == .providerRefused)
            let after = await #expect(throws: OIDCError.self) { try await desk.signIn.finish(callback: callback) }
            #expect(after?.code == .unknownState)
        }
    }

    @Test("a code the provider does not know is its refusal, without the code in the message")
    func badCode() async throws {
        try await withScratchFolder { folder in
            let desk = try await SignInDesk(folder: folder)
            var callback = try await desk.callback("joana")
            callback["code"] = "not-a-code-of-the-provider"
            let error = await #expect(throws: OIDCError.self) { try await desk.signIn.finish(callback: callback) }
            #expect(error?.code == .providerRefused)
            #expect(error?.message.contains("not-a-code") == false)
        }
    }

    @Test("after the provider rotates its keys, the new key is fetched on the first token that names it")
    func keyRotation() async throws {
        try await withScratchFolder { folder in
            let clock = Mutex(Date())
            let driver = try ProviderDriver()
            let provider = OIDCProvider(issuer: driver.issuer, now: { clock.withLock { $0 } })
            let desk = try await SignInDesk(folder: folder, provider: provider)
            #expect(try await desk.signIn("joana").role == .technician)
            try await driver.rotateKeys()
            // Within the refresh limit the unknown key is not fetched yet…
            let early = await #expect(throws: OIDCError.self) { try await desk.signIn("joana") }
            #expect(early?.code == .unknownKey)
            // …after it, it is, once.
            clock.withLock { $0 += 31 }
            #expect(try await desk.signIn("joana").role == .technician)
        }
    }
}
