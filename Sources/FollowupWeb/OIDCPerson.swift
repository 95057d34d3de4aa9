import FollowupConfig
import FollowupControl

/// Who signed in through the identity provider, as the desk knows them.
public struct SignedInPerson: Sendable, Hashable {
    /// The value of the login claim (`web.oidc.login_claim`): the session's login.
    public var login: String
    /// The person's name (an owner or leader), else ``login``: the `by` of what they record.
    public var person: String
    /// The role decided at sign-in (§6.3), never `.none`.
    public var role: Role
    /// The local page to go to now (what ``OIDCSignIn/start(returnTo:)`` was given).
    public var returnTo: String

    public init(login: String, person: String, role: Role, returnTo: String = "/") {
        self.login = login
        self.person = person
        self.role = role
        self.returnTo = returnTo
    }
}

/// Finding the person and the role an ID token's claims give (§6.9): the login claim matched
/// to a person's login or e-mail, the role from the groups claim (`web.oidc.roles`), else from
/// the configuration (owners are technicians, leaders leaders).
public enum OIDCPerson {
    /// The person `claims` name, or `noRole` when they are nobody the desk knows and in no
    /// group that has a role; `missingClaim` when the login claim is absent.
    public static func identify(
        _ claims: OIDCClaims, settings: OIDCSettings, configuration: Configuration
    ) throws(OIDCError) -> SignedInPerson {
        guard let login = claims.text(settings.loginClaim), !login.isEmpty else {
            throw OIDCError(
                .missingClaim,
                "the ID token has no \"\(settings.loginClaim)\" claim: set web.oidc.login_claim to a claim "
                    + "the provider sends (preferred_username, email, upn…)")
        }
        let known = person(login, in: configuration)
        let byGroups = settings.rolesClaim.flatMap { role(groups: claims.texts($0), roles: settings.roles) }
        guard let role = byGroups ?? known?.role else {
            throw OIDCError(
                .noRole,
                "\(login) signed in at the provider, but is neither an owner nor a leader of the configuration "
                    + "(login or e-mail) nor in a group that web.oidc.roles gives a role")
        }
        return SignedInPerson(login: login, person: known?.name ?? login, role: role)
    }

    /// The owner or leader whose login (exactly, else ignoring case) or e-mail is `login`, with
    /// the role the configuration gives them: a leader's when they are a leader, else a
    /// technician's.
    static func person(_ login: String, in configuration: Configuration) -> (name: String, role: Role)? {
        let name =
            configuration.person(withLogin: login) ?? configuration.person(withLogin: login.lowercased())
            ?? configuration.person(withAddress: login)?.name
        guard let name else { return nil }
        return (name, configuration.leader(named: name) != nil ? .leader : .technician)
    }

    /// The highest role one of `groups` has in `roles` (role name → groups), or nil.
    static func role(groups: [String], roles: [String: [String]]) -> Role? {
        let held = Set(groups)
        return Role.allCases.filter { role in
            role != .none && (roles[role.description] ?? []).contains(where: held.contains)
        }.max()
    }
}
