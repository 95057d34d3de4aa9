import FollowupCore
import Foundation

// Reading webhooks and the people and partners that refer to them.
extension ConfigurationReader {
    // MARK: webhooks and secrets

    /// `webhooks`: endpoints by name, each with `url`, `format` and `secret` or `secret_file`.
    func webhooks(_ node: ConfigurationNode) throws(ConfigurationError) -> [String: WebhookSettings] {
        var webhooks: [String: WebhookSettings] = [:]
        for (name, node) in try node.mapping(known: nil).entries {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw node.error("a webhook needs a name")
            }
            let map = try node.mapping(known: ["url", "format", "secret", "secret_file"])
            let urlNode = try map.required("url")
            let url = try urlNode.nonEmptyText(expected: "an http or https URL")
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
            else {
                throw urlNode.error("\"\(url)\" is not an http or https URL")
            }
            var webhook = WebhookSettings(url: url)
            if let node = map["format"] { webhook.format = try node.oneOf(WebhookSettings.Format.allCases) }
            switch (map["secret"], map["secret_file"]) {
            case (.some, .some):
                throw node.error("secret and secret_file are exclusive: give the secret inline or name its file")
            case (.some(let node), nil):
                webhook.secret = try Self.checkedSecret(try node.nonEmptyText(), at: node, source: "the secret")
            case (nil, .some(let node)):
                let path = files.resolveSecret(try node.nonEmptyText())
                let text = try readSecretFile(path, at: node)
                webhook.secret = try Self.checkedSecret(text, at: node, source: "the content of \(path)")
            case (nil, nil):
                break
            }
            webhooks[name] = webhook
        }
        return webhooks
    }

    /// A secret file's content with surrounding white space removed.
    ///
    /// - Throws: naming `node`'s key, the resolved path and why it cannot be read.
    func readSecretFile(_ path: String, at node: ConfigurationNode) throws(ConfigurationError) -> String {
        do {
            return try ConfigurationFiles.readText(atPath: path).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw node.error("cannot read \(path): \(error.reason)")
        }
    }

    /// `secret` when it is a Standard Webhooks secret: `whsec_` followed by non-empty base64.
    ///
    /// The message never quotes the secret.
    static func checkedSecret(_ secret: String, at node: ConfigurationNode, source: String) throws(ConfigurationError)
        -> String
    {
        guard secret.hasPrefix("whsec_") else {
            throw node.error("\(source) does not start with whsec_ (Standard Webhooks secret: whsec_ then base64)")
        }
        let encoded = secret.dropFirst("whsec_".count)
        guard !encoded.isEmpty, let key = Data(base64Encoded: String(encoded)), !key.isEmpty else {
            throw node.error("\(source) is not whsec_ followed by valid base64")
        }
        return secret
    }

    // MARK: people

    /// `leaders`: names unique ignoring case; webhooks are checked once all sections are read.
    func leaders(_ node: ConfigurationNode) throws(ConfigurationError) -> [Leader] {
        var leaders: [Leader] = []
        var names = UniqueNames(section: "leaders")
        for item in try node.sequence() {
            let map = try item.mapping(known: ["name", "login", "email", "webhooks", "ops"])
            var leader = Leader(name: try names.add(map.required("name")))
            if let node = map["login"] { leader.login = try login(node) }
            if let node = map["email"] { leader.email = try address(node) }
            if let node = map["webhooks"] { leader.webhooks = try node.textList() }
            if let node = map["ops"] { leader.ops = try node.bool() }
            leaders.append(leader)
        }
        return leaders
    }

    /// `owners`: names unique ignoring case; leaders and webhooks are checked once all sections are read.
    func owners(_ node: ConfigurationNode) throws(ConfigurationError) -> [Owner] {
        var owners: [Owner] = []
        var names = UniqueNames(section: "owners")
        for item in try node.sequence() {
            let map = try item.mapping(known: [
                "name", "login", "email", "leader", "phone", "phone_number", "webhooks",
            ])
            var owner = Owner(name: try names.add(map.required("name")))
            if let node = map["login"] { owner.login = try login(node) }
            if let node = map["phone_number"] { owner.phoneNumber = try phoneNumber(node) }
            if let node = map["email"] { owner.email = try address(node) }
            if let node = map["leader"] { owner.leader = try node.nonEmptyText() }
            if let node = map["phone"] { owner.phone = try node.bool() }
            if let node = map["webhooks"] { owner.webhooks = try node.textList() }
            owners.append(owner)
        }
        return owners
    }

    /// `partners`: names unique ignoring case; a `calendar` map is merged over the global calendar.
    func partners(_ node: ConfigurationNode, globalCalendar: CalendarSettings) throws(ConfigurationError)
        -> [PartnerSettings]
    {
        var partners: [PartnerSettings] = []
        var names = UniqueNames(section: "partners")
        for item in try node.sequence() {
            let map = try item.mapping(known: ["name", "emails", "domains", "calendar"])
            var partner = PartnerSettings(name: try names.add(map.required("name")))
            if let node = map["emails"] {
                partner.emails = []
                for item in try node.sequence() { partner.emails.append(try address(item)) }
            }
            if let node = map["domains"] {
                for item in try node.sequence() { partner.domains.append(try partnerDomain(item)) }
            }
            if let node = map["calendar"] {
                var calendar = globalCalendar
                try self.calendar(try node.mapping(known: CalendarKeys.partner), into: &calendar)
                partner.calendar = calendar
            }
            partners.append(partner)
        }
        return partners
    }

    /// A domain whose senders speak for a partner (`partners[].domains`): a host name in lower
    /// case, never a free-mail domain, where anyone can have an address.
    func partnerDomain(_ node: ConfigurationNode) throws(ConfigurationError) -> String {
        let text = try node.nonEmptyText(expected: "a mail domain").lowercased()
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let isHostName =
            labels.count >= 2
            && labels.allSatisfy { label in
                !label.isEmpty && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
            }
        guard isHostName else {
            throw node.error("\"\(text)\" is not a mail domain: write it as after the @, such as sieg.com.br")
        }
        guard !PartnerSettings.isFreeMail(text) else {
            throw node.error(
                "\(text) is a free-mail domain: anyone can write from it, so it cannot speak for a partner "
                    + "(list the partner's own addresses in emails instead)")
        }
        return text
    }

    /// `desk`: the company's name and the desk's own address and number, for the client's report.
    func desk(_ node: ConfigurationNode) throws(ConfigurationError) -> DeskSettings {
        let map = try node.mapping(known: ["company", "email", "phone"])
        var desk = DeskSettings()
        if let node = map["company"] {
            let company = try node.nonEmptyText(expected: "the company's name")
            guard company.count <= 200, !company.contains(where: \.isNewline) else {
                throw node.error("expected the company's name on one line, at most 200 characters")
            }
            desk.company = company
        }
        if let node = map["email"] { desk.email = try address(node) }
        if let node = map["phone"] { desk.phone = try phoneNumber(node) }
        return desk
    }

    /// A telephone number as people write it: digits with `+`, spaces, dots, dashes and
    /// parentheses, 8 to 20 digits (`+55 11 4004-0000`, `(11) 4004-0000 ramal 12` is refused).
    func phoneNumber(_ node: ConfigurationNode) throws(ConfigurationError) -> String {
        let text = try node.nonEmptyText(expected: "a telephone number")
        let allowed = Set("0123456789+ .-()")
        let digits = text.filter(\.isASCII).filter(\.isNumber).count
        guard text.allSatisfy(allowed.contains), (8...20).contains(digits) else {
            throw node.error(
                "\"\(text)\" is not a telephone number: digits with +, spaces, dots, dashes or parentheses, "
                    + "8 to 20 digits")
        }
        return text
    }

    /// A login name: letters, digits, `.`, `_` and `-`, as Unix user names are.
    func login(_ node: ConfigurationNode) throws(ConfigurationError) -> String {
        let text = try node.nonEmptyText(expected: "a login name")
        guard text.count <= 64, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        else {
            throw node.error("\"\(text)\" is not a login name: letters, digits, ., _ and -, at most 64")
        }
        return text
    }

    /// A bare e-mail address.
    func address(_ node: ConfigurationNode) throws(ConfigurationError) -> String {
        let text = try node.nonEmptyText(expected: "an e-mail address")
        guard Self.isAddress(text) else { throw node.error("\"\(text)\" is not an e-mail address") }
        return text
    }

    /// The names seen so far in one section, to refuse a second entry with the same name.
    struct UniqueNames {
        /// `leaders`, `owners` or `partners`.
        let section: String
        private var seen: [(name: String, path: String)] = []

        init(section: String) { self.section = section }

        /// The name in `node`, when no earlier entry has it (ignoring case).
        mutating func add(_ node: ConfigurationNode) throws(ConfigurationError) -> String {
            let name = try node.nonEmptyText(expected: "a name")
            if let earlier = seen.first(where: { Configuration.sameName($0.name, name) }) {
                throw node.error("duplicate name \"\(name)\": \(earlier.path) is already \"\(earlier.name)\"")
            }
            seen.append((name, String(node.path.dropLast(".name".count))))
            return name
        }
    }
}
