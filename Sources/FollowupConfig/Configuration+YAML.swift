import FollowupCore
import Foundation
import Yams

extension Configuration {
    /// Reads, parses and validates a configuration file (§6.2).
    ///
    /// Relative paths in the file are resolved against the file's directory (itself made
    /// absolute against the current directory), so a development configuration can keep its
    /// database and socket beside it. An empty file, or one holding only `{}` or comments,
    /// gives ``default``: §6.2 calls `storage` and `control` required, but both have complete
    /// defaults, and refusing an empty file would only make a first start harder.
    ///
    /// - Parameters:
    ///   - path: The file, absolute or relative to the current directory.
    ///   - environment: The process environment; only `CREDENTIALS_DIRECTORY` is read, to find
    ///     secret files given by bare name.
    /// - Throws: ``ConfigurationError`` with key `(file)` when the file cannot be read or is not
    ///   YAML (the message names the file and, for syntax errors, the line), otherwise naming the
    ///   dotted key at fault.
    public static func load(contentsOf path: String, environment: [String: String]) throws(ConfigurationError)
        -> Configuration
    {
        let absolute = ConfigurationFiles.absolute(path)
        let text: String
        do {
            text = try ConfigurationFiles.readText(atPath: absolute)
        } catch {
            throw ConfigurationError(key: ConfigurationError.file, message: "cannot read \(path): \(error.reason)")
        }
        return try parse(
            yaml: text, baseDirectory: ConfigurationFiles.directory(of: absolute), environment: environment,
            sourceName: path)
    }

    /// Parses and validates configuration text, as ``load(contentsOf:environment:)`` does for a file.
    ///
    /// - Parameters:
    ///   - yaml: The configuration, in YAML.
    ///   - baseDirectory: The directory against which relative paths in the text are resolved
    ///     (itself made absolute against the current directory).
    ///   - environment: The process environment (only `CREDENTIALS_DIRECTORY` is read).
    /// - Throws: ``ConfigurationError`` naming the key at fault, or `(file)` for YAML syntax errors.
    public static func parse(yaml: String, baseDirectory: String, environment: [String: String])
        throws(ConfigurationError) -> Configuration
    {
        try parse(yaml: yaml, baseDirectory: baseDirectory, environment: environment, sourceName: "configuration")
    }

    /// ``parse(yaml:baseDirectory:environment:)``, naming the text `sourceName` in syntax errors.
    static func parse(yaml: String, baseDirectory: String, environment: [String: String], sourceName: String)
        throws(ConfigurationError) -> Configuration
    {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw syntaxError(error, sourceName: sourceName)
        }
        let reader = ConfigurationReader(
            files: ConfigurationFiles(baseDirectory: baseDirectory, environment: environment))
        return try reader.configuration(from: root.map { ConfigurationNode(node: $0, path: "") })
    }

    /// A Yams error as a `(file)` error naming the source and the line.
    private static func syntaxError(_ error: any Error, sourceName: String) -> ConfigurationError {
        func at(_ mark: Mark) -> String { "\(sourceName), line \(mark.line), column \(mark.column)" }
        let message: String
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text), line \($0.mark.line))" } ?? ""
            message = "\(at(mark)): \(problem)\(during)"
        case .reader(let problem, let offset, _, let yaml):
            let line = offset.map { offset in yaml.prefix(offset).filter { $0 == "\n" }.count + 1 }
            message = "\(sourceName)\(line.map { ", line \($0)" } ?? ""): \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            message = "\(sourceName), line \(context.mark.line): duplicate key \(keys) in one mapping"
        case .some(let other):
            message = "\(sourceName): not valid YAML: \(other)"
        case nil:
            message = "\(sourceName): not valid YAML: \(error)"
        }
        return ConfigurationError(key: ConfigurationError.file, message: message)
    }
}

/// Builds a ``Configuration`` from a composed YAML tree, checking each key as it goes.
///
/// The first problem found is thrown; sections are read in the order of §6.2, then references
/// between them (owners → leaders, people → webhooks) are checked.
struct ConfigurationReader {
    /// Resolves and reads the files the configuration names.
    let files: ConfigurationFiles

    /// The top-level sections.
    static let sections = [
        "storage", "control", "metrics", "policy", "calendar", "notifications", "mail", "webhooks", "leaders",
        "owners", "partners", "inbound", "reports", "log", "desk", "tickets", "retention", "web",
    ]

    /// The configuration a document describes; `nil` or null (an empty file) gives the defaults.
    func configuration(from root: ConfigurationNode?) throws(ConfigurationError) -> Configuration {
        var configuration = Configuration()
        guard let root, !root.isNull else { return configuration }
        guard case .mapping = root.node else {
            throw ConfigurationError(
                key: ConfigurationError.file,
                message: "expected a mapping of sections (\(Self.sections.joined(separator: ", "))) at the top level, "
                    + "found \(root.found)")
        }
        let top = try root.mapping(known: Self.sections)
        if let node = top["storage"] { configuration.storage = try storage(node) }
        if let node = top["control"] { configuration.control = try control(node) }
        if let node = top["metrics"] { configuration.metrics = try metrics(node) }
        if let node = top["policy"] { try policy(node, into: &configuration) }
        if let node = top["calendar"] {
            let mapping = try node.mapping(known: CalendarKeys.global)
            try calendar(mapping, into: &configuration.calendar)
        }
        if let node = top["notifications"] { configuration.notifications = try notifications(node) }
        if let node = top["mail"] { configuration.mail = try mail(node) }
        if let node = top["webhooks"] { configuration.webhooks = try webhooks(node) }
        if let node = top["leaders"] { configuration.leaders = try leaders(node) }
        if let node = top["owners"] { configuration.owners = try owners(node) }
        if let node = top["partners"] {
            configuration.partners = try partners(node, globalCalendar: configuration.calendar)
        }
        if let node = top["inbound"] { configuration.inbound = try inbound(node) }
        if let node = top["reports"] { configuration.reports = try reports(node) }
        if let node = top["log"] { configuration.log = try log(node) }
        if let node = top["retention"] { configuration.retention = try retention(node) }
        if let node = top["desk"] { configuration.desk = try desk(node) }
        if let node = top["tickets"] { configuration.tickets = try tickets(node) }
        if let node = top["web"] { configuration.web = try web(node) }
        try checkReferences(&configuration)
        return configuration
    }

    /// The keys of a `calendar` map.
    enum CalendarKeys {
        /// The global `calendar` (kind and zone are `policy.calendar` and `policy.timezone`).
        static let global = ["hours", "days", "holidays"]
        /// A partner's `calendar`, which may also change the kind and the zone.
        static let partner = ["hours", "days", "holidays", "timezone", "kind"]
    }

    /// Owners name known leaders; leaders and owners name known webhooks. Leader names are
    /// rewritten as `leaders` spells them.
    private func checkReferences(_ configuration: inout Configuration) throws(ConfigurationError) {
        let webhookNames = configuration.webhooks.keys.sorted()
        func checkWebhooks(_ names: [String], at path: String) throws(ConfigurationError) {
            for (index, name) in names.enumerated() where configuration.webhooks[name] == nil {
                let known =
                    webhookNames.isEmpty
                    ? "no webhooks are configured" : "webhooks are: " + webhookNames.joined(separator: ", ")
                throw ConfigurationError(key: "\(path)[\(index)]", message: "unknown webhook \"\(name)\"; \(known)")
            }
        }
        for (index, leader) in configuration.leaders.enumerated() {
            try checkWebhooks(leader.webhooks, at: "leaders[\(index)].webhooks")
        }
        for (index, owner) in configuration.owners.enumerated() {
            try checkWebhooks(owner.webhooks, at: "owners[\(index)].webhooks")
            guard let name = owner.leader else { continue }
            guard let leader = configuration.leader(named: name) else {
                let names = configuration.leaders.map(\.name)
                let known =
                    names.isEmpty ? "no leaders are configured" : "leaders are: " + names.joined(separator: ", ")
                throw ConfigurationError(
                    key: "owners[\(index)].leader", message: "unknown leader \"\(name)\"; \(known)")
            }
            configuration.owners[index].leader = leader.name
        }
    }
}
