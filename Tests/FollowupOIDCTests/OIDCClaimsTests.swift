import FollowupConfig
import FollowupControl
import FollowupWeb
import Foundation
import Testing

/// The ID token's claims checked without a provider: the rules of OpenID Connect Core
/// §3.1.3.7 one by one, and the person and role the claims give.
@Suite("ID token claims and the person they name")
struct OIDCClaimsTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let issuer = "https://login.example.com/realms/desk"

    static func claims(_ changes: [String: OIDCClaimValue?] = [:]) -> OIDCClaims {
        var values: [String: OIDCClaimValue] = [
            "iss": .string(issuer), "aud": .string("followupd"), "sub": .string("u-1"),
            "exp": .number(now.timeIntervalSince1970 + 300), "iat": .number(now.timeIntervalSince1970 - 5),
            "nonce": .string("n-1"), "preferred_username": .string("joana"),
        ]
        for (name, value) in changes { values[name] = value }
        return OIDCClaims(values)
    }

    static func check(_ claims: OIDCClaims) throws(OIDCError) {
        try OIDCIDToken.check(claims, issuer: issuer, clientID: "followupd", nonce: "n-1", at: now)
    }

    @Test("a token that follows every rule passes, with a few seconds of clock skew either way")
    func good() throws {
        try Self.check(Self.claims())
        try Self.check(Self.claims(["iat": .number(Self.now.timeIntervalSince1970 + 30)]))
        try Self.check(Self.claims(["exp": .number(Self.now.timeIntervalSince1970 - 30)]))
        try Self.check(Self.claims(["aud": .array([.string("followupd")])]))
        try Self.check(
            Self.claims(["aud": .array([.string("followupd"), .string("api")]), "azp": .string("followupd")]))
    }

    static let refusals: [([String: OIDCClaimValue?], OIDCError.Code)] = [
        (["iss": .string("https://evil.example.com")], .wrongIssuer),
        (["iss": nil], .wrongIssuer),
        (["aud": .string("other")], .wrongAudience),
        (["aud": .array([.string("other"), .string("another")])], .wrongAudience),
        (["aud": .array([.string("followupd"), .string("api")])], .wrongAudience),
        (["aud": .array([.string("followupd"), .string("api")]), "azp": .string("api")], .wrongAudience),
        (["aud": nil], .wrongAudience),
        (["exp": .number(now.timeIntervalSince1970 - 61)], .expired),
        (["exp": nil], .missingClaim),
        (["exp": .string("tomorrow")], .missingClaim),
        (["iat": .number(now.timeIntervalSince1970 + 61)], .badIssueTime),
        (["iat": .number(now.timeIntervalSince1970 - 3600)], .badIssueTime),
        (["iat": nil], .missingClaim),
        (["nonce": .string("n-2")], .wrongNonce),
        (["nonce": nil], .wrongNonce),
        (["sub": nil], .missingClaim),
        (["sub": .string("")], .missingClaim),
    ]

    @Test("each broken rule is refused with its own code", arguments: refusals)
    func refused(changes: [String: OIDCClaimValue?], code: OIDCError.Code) {
        #expect(throws: OIDCError.self) { try Self.check(Self.claims(changes)) }
        do {
            try Self.check(Self.claims(changes))
        } catch {
            #expect(error.code == code, "\(error.message)")
        }
    }

    static let configuration = Configuration(
        leaders: [Leader(name: "Carla Souza", email: "carla@desk.example")],
        owners: [
            Owner(name: "Joana Lima", email: "joana@desk.example", login: "joana"),
            Owner(name: "Paulo Araújo", email: "paulo@desk.example"),
        ])

    static let people:
        [(claim: String, value: String, groups: [String], expected: SignedInPerson?, code: OIDCError.Code?)] = [
            (
                "preferred_username", "joana", [],
                SignedInPerson(login: "joana", person: "Joana Lima", role: .technician), nil
            ),
            // The default login: the name in lower case without accents and spaces; any case from the provider.
            (
                "preferred_username", "PauloAraujo", [],
                SignedInPerson(login: "PauloAraujo", person: "Paulo Araújo", role: .technician), nil
            ),
            (
                "email", "Carla@Desk.Example", [],
                SignedInPerson(login: "Carla@Desk.Example", person: "Carla Souza", role: .leader), nil
            ),
            (
                "preferred_username", "joana", ["ops"],
                SignedInPerson(login: "joana", person: "Joana Lima", role: .admin), nil
            ),
            (
                "preferred_username", "joana", ["unrelated"],
                SignedInPerson(login: "joana", person: "Joana Lima", role: .technician), nil
            ),
            (
                "preferred_username", "visitor", ["desk", "readers"],
                SignedInPerson(login: "visitor", person: "visitor", role: .technician), nil
            ),
            (
                "preferred_username", "visitor", ["readers"],
                SignedInPerson(login: "visitor", person: "visitor", role: .reader), nil
            ),
            ("preferred_username", "visitor", [], nil, .noRole),
            ("upn", "joana", [], nil, .missingClaim),
        ]

    @Test(
        "the login claim names a person by login or e-mail; groups give the role, else the configuration",
        arguments: people)
    func person(claim: String, value: String, groups: [String], expected: SignedInPerson?, code: OIDCError.Code?) {
        let settings = OIDCSettings(
            issuer: Self.issuer, clientID: "followupd", loginClaim: claim == "upn" ? "upn" : claim,
            rolesClaim: "groups",
            roles: ["reader": ["readers"], "technician": ["desk"], "admin": ["ops"]])
        var claims = Self.claims(["groups": .array(groups.map { .string($0) })])
        claims.values[claim == "upn" ? "other" : claim] = .string(value)
        do {
            let person = try OIDCPerson.identify(claims, settings: settings, configuration: Self.configuration)
            #expect(person == expected)
        } catch {
            #expect(error.code == code, "\(error.message)")
        }
    }
}
