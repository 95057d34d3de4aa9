import FollowupConfig
import FollowupCore
import FollowupStorage
import Foundation
import Logging

/// What to erase (`followupctl erase`, §6.10): one client's cases, or one case.
public struct ErasureRequest: Sendable, Hashable {
    /// The client's name, as the cases spell it (case does not matter).
    public var client: String?
    public var caseID: CaseID?
    /// List what would go and change nothing.
    public var dryRun: Bool
    /// Erase open cases too (otherwise refused).
    public var force: Bool

    public init(client: String? = nil, caseID: CaseID? = nil, dryRun: Bool = false, force: Bool = false) {
        self.client = client
        self.caseID = caseID
        self.dryRun = dryRun
        self.force = force
    }
}

/// What an erasure did (or, dry, would do).
public struct ErasureOutcome: Sendable, Hashable, Codable {
    public struct ErasedCase: Sendable, Hashable, Codable {
        public var id: String
        public var state: CaseState
        public var client: String
    }

    public var dryRun: Bool
    public var cases: [ErasedCase]
    /// The notifications whose payloads were emptied (or would be): the cases' own and any
    /// other, such as a digest, naming the client.
    public var notifications: [String]
    /// Files removed (or that would be) beside the database: each case's report files and
    /// report folder, the spool files of those notifications, the cases' inbound mail copies.
    public var files: [String]

    enum CodingKeys: String, CodingKey {
        case cases, notifications, files
        case dryRun = "dry_run"
    }
}

extension Desk {
    /// Erases the personal data of a client's cases, or of one case (LGPD, §6.10): in storage
    /// (``CaseErasure``), then the files beside it — the case's report folder, the spool files
    /// of its notifications, its inbound mail copies — each case keeping a tombstone entry by
    /// `by`. Open cases are refused unless `force`; a dry run lists and changes nothing.
    ///
    /// `compact`: wipe the freed bytes from the storage's files at the end (a batch of
    /// erasures compacts once, after the last).
    public func erase(_ request: ErasureRequest, by: String, compact: Bool = true) async throws -> ErasureOutcome {
        guard (request.client == nil) != (request.caseID == nil) else {
            throw FollowupError.invalid("client", "give one of client (a client's name) or case (a case id)")
        }
        guard let eraser = store as? any CaseErasure else {
            throw FollowupError(.storageUnavailable, "this storage cannot erase")
        }
        var cases: [Case] = []
        if let id = request.caseID {
            guard let found = try await store.findCase(id) else {
                throw FollowupError(.notFound, "\(id) does not exist")
            }
            cases = [found]
        } else if let name = request.client?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            var after: CaseID?
            while true {
                let page = try await store.cases(matching: CaseFilter(client: name, limit: 500, afterID: after))
                cases += page.filter { $0.client.name.lowercased() == name.lowercased() }
                guard page.count == 500, let last = page.last?.id else { break }
                after = last
            }
            guard !cases.isEmpty else { throw FollowupError(.notFound, "no case has the client \"\(name)\"") }
        } else {
            throw FollowupError.invalid("client", "the client's name must not be empty")
        }
        let open = cases.filter(\.state.isOpen)
        if !open.isEmpty, !request.force, !request.dryRun {
            throw FollowupError(
                .conflict,
                "\(open.map(\.id.description).joined(separator: ", ")) still open: close first, or erase with --force")
        }
        let configuration = rulebooks.current.configuration
        var outcome = ErasureOutcome(
            dryRun: request.dryRun,
            cases: cases.map { .init(id: $0.id.description, state: $0.state, client: $0.client.name) },
            notifications: [], files: [])
        // A digest naming two of the client's cases is listed once.
        var listed = Set<String>()
        for subject in cases {
            let patterns = ([subject.client.name, subject.client.email ?? ""] + subject.recordedNotes.map(\.text))
                .filter { $0.count >= 3 && $0 != CaseMachine.erasedText }
            let records: ErasedRecords
            if request.dryRun {
                records = try await eraser.erasable(subject.id, patterns: patterns)
            } else {
                let rulebook = rulebooks.current
                let env = rulebook.environment(forPartner: subject.partner?.name, now: clock.now(), by: by)
                let transition = CaseMachine.erase(subject, in: env)
                records = try await eraser.erase(
                    StoredChange(case: transition.case, entries: transition.entries), previousState: subject.state,
                    patterns: patterns)
            }
            outcome.notifications += records.notifications.filter { listed.insert($0).inserted }
            // A dry run lists exactly what the erasure would remove; the erasure lists what it removed.
            let files = Self.files(of: subject, reaching: records, in: configuration)
                .filter { listed.insert($0).inserted }
            if request.dryRun {
                outcome.files += files
                continue
            }
            let removed = Self.remove(files)
            outcome.files += removed
            logger.notice(
                "\(subject.id): personal data erased",
                metadata: [
                    "followup.event": "erased", "followup.case": "\(subject.id)", "followup.by": "\(by)",
                    "followup.count": "\(removed.count)",
                ])
        }
        if compact, !request.dryRun { try await eraser.compact() }
        doorbell.ring()
        return outcome
    }

    /// The files an erasure of `subject` removes beside the database, in removal order: its
    /// report files, then its report folder; the spool files of the notifications in
    /// `records` (in `new/`, `cur/`, `tmp/` and `failed/`, whatever the transport is now: a
    /// spool written before a switch to `sendmail` holds them too); its inbound mail copies
    /// wherever the inbound Maildir keeps them.
    static func files(of subject: Case, reaching records: ErasedRecords, in configuration: Configuration)
        -> [String]
    {
        var files: [String] = []
        if let dir = configuration.reports.dir {
            let folder = "\(dir)/\(subject.id)"
            files += Self.files(in: folder)
            if FileManager.default.fileExists(atPath: folder) { files.append(folder) }
        }
        let maildirFolders = ["new", "cur", "tmp", "failed"]
        files += Self.maildirFiles(configuration.mail.maildir, folders: maildirFolders) { name in
            records.notifications.contains { name.hasPrefix($0) }
        }
        if let inbound = configuration.inbound?.maildir {
            let names = Set(records.inboundFiles.map(Self.baseName))
            files += Self.maildirFiles(inbound, folders: maildirFolders) { names.contains(Self.baseName($0)) }
        }
        return files
    }

    /// A Maildir file's name without its `:2,…` flags (they change as it moves to `cur/`).
    static func baseName(_ name: String) -> String {
        name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
    }

    /// The regular files of `folder` (none when it does not exist).
    static func files(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { "\(folder)/\($0)" }
    }

    /// The files of a Maildir's folders whose names `matching` accepts.
    static func maildirFiles(_ maildir: String, folders: [String], matching: (String) -> Bool) -> [String] {
        folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: "\(maildir)/\(folder)")) ?? []).filter(matching)
                .sorted().map { "\(maildir)/\(folder)/\($0)" }
        }
    }

    /// Removes `paths`; returns those removed.
    static func remove(_ paths: [String]) -> [String] {
        paths.filter { (try? FileManager.default.removeItem(atPath: $0)) != nil }
    }
}
