import FollowupCore

// The people and third parties the configuration names: leaders, owners, partners.

/// Who the desk is, as the client's report introduces it (`desk`).
public struct DeskSettings: Sendable, Hashable {
    /// The company the desk belongs to, as the client knows it.
    public var company: String?
    /// The desk's own address, for a report whose technician has none.
    public var email: String?
    /// The desk's own telephone number, for a report whose technician has none.
    public var phone: String?

    /// The desk's identity; every part optional.
    public init(company: String? = nil, email: String? = nil, phone: String? = nil) {
        self.company = company
        self.email = email
        self.phone = phone
    }
}

/// A leader of the desk (an entry of `leaders`): receives reports, escalations and hand-offs.
public struct Leader: Sendable, Hashable {
    /// The leader's name, unique among leaders ignoring case.
    public var name: String
    /// Where mail to this leader goes; `nil` for webhooks only.
    public var email: String?
    /// Names of entries of `webhooks` this leader is notified through.
    public var webhooks: [String]
    /// Whether this leader also receives operations alerts (`notification.failed`).
    public var ops: Bool
    /// The leader's login name, when it is not the name (§6.2 lists it; nothing matches on it yet).
    public var login: String?

    /// A leader.
    public init(
        name: String, email: String? = nil, webhooks: [String] = [], ops: Bool = false, login: String? = nil
    ) {
        self.name = name
        self.email = email
        self.webhooks = webhooks
        self.ops = ops
        self.login = login
    }
}

/// A technician who owns cases (an entry of `owners`).
public struct Owner: Sendable, Hashable {
    /// The technician's name, unique among owners ignoring case.
    public var name: String
    /// Where mail to this technician goes; `nil` for webhooks only.
    public var email: String?
    /// The technician's leader, spelt as in `leaders`; `nil`: all leaders.
    public var leader: String?
    /// Whether the technician works the phone queue.
    public var phone: Bool
    /// Names of entries of `webhooks` this technician is notified through.
    public var webhooks: [String]
    /// The technician's login name, when it is not the name: a case opened by that login
    /// belongs to this owner, and reports show the name instead.
    public var login: String?
    /// The telephone number the client's report gives for the technician (`phone_number`;
    /// `phone` is the phone-queue flag).
    public var phoneNumber: String?

    /// An owner.
    public init(
        name: String, email: String? = nil, leader: String? = nil, phone: Bool = false, webhooks: [String] = [],
        login: String? = nil, phoneNumber: String? = nil
    ) {
        self.name = name
        self.email = email
        self.leader = leader
        self.phone = phone
        self.webhooks = webhooks
        self.login = login
        self.phoneNumber = phoneNumber
    }
}

/// A third party the desk chases (an entry of `partners`).
public struct PartnerSettings: Sendable, Hashable {
    /// The partner's name, unique among partners ignoring case.
    public var name: String
    /// The addresses resends go to; empty: the owner is asked to re-send by hand.
    public var emails: [String]
    /// Mail domains (lower case, as after the `@`) whose every address speaks for the partner:
    /// a reply from any of them moves the partner's cases (§4.5). Never a free-mail domain.
    public var domains: [String]
    /// The partner's own calendar, already merged with the global one (the fields its
    /// `calendar` map names replace the global calendar's); `nil` when it has none.
    ///
    /// Use ``Configuration/calendar(forPartner:)`` to get the calendar that applies either way.
    public var calendar: CalendarSettings?

    /// A partner.
    public init(name: String, emails: [String] = [], domains: [String] = [], calendar: CalendarSettings? = nil) {
        self.name = name
        self.emails = emails
        self.domains = domains
        self.calendar = calendar
    }

    /// Domains where anyone can open an address, refused in `domains`: the big international
    /// providers and the Brazilian ones the desk's partners write from.
    public static let freeMailDomains: Set<String> = [
        "gmail.com", "googlemail.com", "hotmail.com", "hotmail.com.br", "outlook.com", "outlook.com.br",
        "live.com", "msn.com", "yahoo.com", "yahoo.com.br", "ymail.com", "icloud.com", "me.com", "mac.com",
        "aol.com", "gmx.com", "gmx.net", "mail.com", "proton.me", "protonmail.com", "zoho.com", "yandex.com",
        "bol.com.br", "uol.com.br", "terra.com.br", "ig.com.br", "globo.com", "globomail.com", "r7.com",
        "zipmail.com.br", "oi.com.br", "click21.com.br",
    ]

    /// Whether `domain` (lower case) is a free-mail domain or one of its subdomains.
    public static func isFreeMail(_ domain: String) -> Bool {
        freeMailDomains.contains { domain == $0 || domain.hasSuffix("." + $0) }
    }
}
