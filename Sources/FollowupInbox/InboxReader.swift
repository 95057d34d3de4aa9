import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupInbound
import FollowupStorage
import Foundation
import Logging
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the partners' replies from the inbound Maildir (§4.5): each new message is parsed,
/// matched to its case (thread headers first, then the `[FU-n]` tag), classified (automatic
/// reply, bounce, reply) and recorded on the case through the desk; then the file moves to
/// `cur/`. What matches nothing waits in the inbox for a person, and so does what matches a
/// case but does not come from the partner: a reply or automatic reply counts only from one of
/// the partner's addresses on the case or a domain configured for the partner
/// (`partners[].domains`), a bounce only from the mail system (see ``InboundClassifier``).
///
/// New files are noticed at once (inotify on `new/`), with a rescan every `inbound.rescan` as
/// a safety net. Exactly once: a message is recorded under its key (a digest of its
/// Message-ID, or of its bytes) in the same transaction as its effect, before the file moves,
/// so a crash in between only leads to a recognised repeat. A message that cannot be parsed, a
/// file that is not a regular file or is too large (never followed through a link, nor read
/// without bound), and a message storage refuses go to `failed/` with a journal entry; only
/// storage being unavailable stops a pass. Nothing a message holds can stop the reader.
public final class InboxReader: Service {
    let desk: Desk
    let store: any CaseStore
    let clock: any WallClock
    let logger: Logger
    let settings: InboundSettings
    let limits: ParseLimits
    let classifier = InboundClassifier()
    let bell = Doorbell()

    public init(
        desk: Desk, store: any CaseStore, clock: any WallClock, settings: InboundSettings, logger: Logger,
        limits: ParseLimits = .standard
    ) {
        self.desk = desk
        self.store = store
        self.clock = clock
        self.settings = settings
        self.logger = logger
        self.limits = limits
    }

    var root: String { settings.maildir }
    /// The largest message file read: the header and body limits together.
    var maxFileBytes: Int {
        let (sum, overflow) = limits.maxBodyBytes.addingReportingOverflow(limits.maxHeaderBytes)
        return overflow ? Int.max - 1 : sum
    }
    func folder(_ name: String) -> String { "\(root)/\(name)" }

    public func run() async throws {
        // Partners' mail is private: folders made here are the daemon's own (0700); folders
        // that exist keep the modes their owner gave them.
        for path in [root] + ["tmp", "new", "cur", "failed"].map(folder)
        where !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            chmod(path, 0o700)
        }
        let watch = MaildirWatch(folder: folder("new"))
        defer { watch.stop() }
        let rescan = TimeInterval(settings.rescan.components.seconds)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in watch.wakeUps { self.bell.ring() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        let pause = await self.readNew() ? rescan : min(rescan, 30)
                        await self.bell.wait(until: self.clock.now().addingTimeInterval(pause), on: self.clock)
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        logger.info("inbox reader stopped")
    }

    /// Reads every message in `new/`, oldest name first; false when storage failed (the files
    /// stay for the next pass).
    @discardableResult
    public func readNew() async -> Bool {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder("new"))) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
        var counts: [String: Int] = [:]
        // A pass of more than 100 messages (a backlog) is told as its summary only (§6.8).
        let tellEach = names.count <= Self.bulkThreshold
        for name in names {
            if Task.isCancelled { return true }
            do {
                let outcome = try await read(name, tellEach: tellEach)
                counts[outcome, default: 0] += 1
            } catch let error where Self.isUnavailable(error) {
                logger.error(
                    "inbox: storage is unavailable; the message stays in new/ for the next pass",
                    metadata: ["followup.event": "storage_unavailable", "followup.error": "\(error)"])
                return false
            } catch {
                // Storage refused this message (not storage being down): it would be refused on
                // every pass, so it leaves new/ and the messages after it are still read.
                moveAside(name, reason: "storage refused it: \(error)")
                counts["failed", default: 0] += 1
            }
        }
        if !names.isEmpty {
            logger.info(
                "inbox read",
                metadata: [
                    "followup.event": "inbox", "followup.count": "\(names.count)",
                    "followup.outcomes":
                        "\(counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))",
                ])
        }
        return true
    }

    /// Whether `error` means storage cannot be used right now (try the same message later)
    /// rather than that it refused this one message.
    static func isUnavailable(_ error: any Error) -> Bool {
        // Shutting down: whatever failed is read again at the next start.
        if error is CancellationError || Task.isCancelled { return true }
        return (error as? FollowupError)?.code == .storageUnavailable
    }

    /// More messages than this in one pass make it bulk: each message is logged at debug
    /// level only, the pass's summary at info.
    public static let bulkThreshold = 100

    /// Reads one message of `new/` and moves it on; returns what became of it.
    ///
    /// `tellEach`: a message recorded on its case or kept for a person is its own journal
    /// entry (outside bulk passes). Only ids and kinds are logged, never the mail's text.
    ///
    /// - Throws: what storage threw; the file is then still in `new/`.
    func read(_ name: String, tellEach: Bool = true) async throws -> String {
        let path = "\(folder("new"))/\(name)"
        let message: InboundMessage
        do {
            message = try InboundMessage.parse(try MessageFile.read(path, maxBytes: maxFileBytes), limits: limits)
        } catch {
            moveAside(name, reason: "\(error)")
            return "failed"
        }
        let record: InboundRecord
        let outcome: Desk.InboundOutcome
        if let captured = try await captured(message, file: name) {
            (record, outcome) = captured
        } else {
            let (triaged, command) = try await triage(message, file: name)
            record = triaged
            outcome = try await desk.receive(record, applying: command)
        }
        var metadata: Logger.Metadata = [
            "followup.event": "inbox", "followup.inbound": "\(record.id)", "followup.kind": "\(record.kind.rawValue)",
        ]
        if let caseID = record.caseID { metadata["followup.case"] = "\(caseID)" }
        switch outcome {
        case .recorded:
            metadata["followup.event"] = "inbound_recorded"
            logger.log(
                level: tellEach ? .info : .debug, "inbound message \(record.id) recorded on its case",
                metadata: metadata)
        case .duplicate:
            metadata["followup.event"] = "inbound_duplicate"
            logger.debug("inbound message seen before", metadata: metadata)
        case .unmatched(let reason):
            metadata["followup.event"] = "inbound_unmatched"
            metadata["followup.reason"] = "\(reason)"
            logger.log(
                level: tellEach ? .notice : .debug, "inbound message kept for a person: followupctl inbox",
                metadata: metadata)
        }
        moveToCur(name)
        switch outcome {
        case .recorded: return "recorded"
        case .duplicate: return "duplicate"
        case .unmatched: return "unmatched"
        }
    }

    /// The inbox record of `message` and what it does to its case (nil: nothing, for a person).
    func triage(_ message: InboundMessage, file: String) async throws -> (InboundRecord, CaseCommand?) {
        let kind = classifier.kind(of: message)
        var ids = message.threadIDs
        if case .bounce(let failure) = kind, let original = failure.originalMessageID {
            ids.insert(original, at: 0)
        } else if let original = message.deliveryReport?.originalMessageID {
            // A report not from the mail system still names the case, for a person to judge.
            ids.append(original)
        }
        var caseID = try await caseID(inThread: ids)
        if caseID == nil { caseID = CaseTag.find(in: message.subject) }
        var record = record(of: message, file: file)
        record.caseID = caseID
        switch kind {
        case .bounce: record.kind = .bounce
        case .automatic: record.kind = .automatic
        case .reply: record.kind = .reply
        }
        guard let caseID else {
            record.reason = "no thread header and no [FU-n] tag names a case"
            return (record, nil)
        }
        guard let subject = try await store.findCase(caseID) else {
            record.caseID = nil
            record.reason = "\(caseID) does not exist"
            return (record, nil)
        }
        if subject.isSensitive { record.excerpt = nil }
        let effect = command(for: message, kind: kind, on: subject, record: &record, checkSender: true)
        return (record, effect)
    }

    /// The case the first of `ids` that names one belongs to: one of our own Message-IDs
    /// (`FU-12.…@host`), or one storage knows (a case's first request, a resend).
    func caseID(inThread ids: [String]) async throws -> CaseID? {
        for id in ids {
            if let found = CaseTag.fromMessageID(id) { return found }
            if let found = try await store.caseID(forMessageID: id) { return found }
        }
        return nil
    }

    /// The inbox record of `message`, before it is matched: a reply, unmatched, on no case.
    func record(of message: InboundMessage, file: String) -> InboundRecord {
        InboundRecord(
            id: message.messageID.map(MessageIDKey.inboxKey) ?? "sha256:\(message.fingerprint)",
            receivedAt: clock.now(), from: message.from.first?.address ?? "",
            subject: String(message.subject.prefix(300)), messageID: message.messageID, kind: .reply,
            state: .unmatched, caseID: nil, reason: "", excerpt: message.excerpt(maxCharacters: 300), file: file)
    }

    /// `message` read as a request captured by Bcc and recorded: nil when it is not one.
    func captured(_ message: InboundMessage, file: String) async throws -> (InboundRecord, Desk.InboundOutcome)? {
        var record = record(of: message, file: file)
        guard let capture = try await capture(message, record: &record) else { return nil }
        switch capture {
        case .contact(let command, let person):
            return (record, try await desk.receive(record, applying: command, by: person))
        case .open(let new, let person):
            do {
                let (outcome, caseID) = try await desk.openFromInbound(record, new, by: person, existing: false)
                record.caseID = caseID
                return (record, outcome)
            } catch let error as FollowupError where error.code == .invalidInput || error.code == .conflict {
                record.reason = "the captured request could not open a case: \(error.message)"
                return (record, try await desk.receive(record, applying: nil))
            }
        case .waiting:
            return (record, try await desk.receive(record, applying: nil))
        }
    }

    /// What `message` does on `subject`; nil (with the reason in `record`) when it is for a person.
    func command(
        for message: InboundMessage, kind: InboundKind, on subject: Case, record: inout InboundRecord,
        checkSender: Bool
    ) -> CaseCommand? {
        let from = record.from
        let now = clock.now()
        let at = min(message.date ?? now, now)
        switch kind {
        case .bounce(let failure):
            record.reason = "delivery failure for \(failure.recipients.joined(separator: ", "))"
            return .bounced(
                address: failure.recipients.first ?? "?", messageID: failure.originalMessageID,
                diagnostic: failure.diagnostic.map { String($0.prefix(300)) })
        case .automatic(let why):
            if checkSender, let refusal = senderRefusal(from, subject) {
                record.reason = "automatic reply (\(why)): \(refusal)"
                return nil
            }
            record.reason = "automatic reply (\(why))"
            return .mailReceived(kind: .auto, at: at, text: message.newText, from: from, excerpt: nil)
        case .reply:
            if checkSender, let refusal = senderRefusal(from, subject) {
                record.reason = refusal
                return nil
            }
            let returnKind: ReturnKind = settings.defaultKind == .ack ? .ack : .info
            record.reason = "reply recorded as \(returnKind.rawValue)"
            return .mailReceived(
                kind: returnKind, at: at, text: message.newText, from: from,
                excerpt: message.excerpt(maxCharacters: 300))
        }
    }

    /// Why mail from `from` may not speak for the partner of `subject`, or nil when it may.
    func senderRefusal(_ from: String, _ subject: Case) -> String? {
        let domains = subject.partner.flatMap { desk.configuredPartner(named: $0.name)?.domains } ?? []
        guard !Self.isPartner(from, emails: subject.partner?.emails ?? [], domains: domains) else { return nil }
        return "\(from.isEmpty ? "the sender" : from) is not one of \(subject.partner?.name ?? "the partner")'s "
            + "addresses on \(subject.id) nor in a domain configured for it (partners[].domains): "
            + "assign it if it is the partner's"
    }

    /// Whether `address` speaks for a partner: it is one of the partner's `emails` (on the
    /// case), or its domain is one of `domains` (configured for the partner, never free-mail).
    ///
    /// The domain of a listed address does not count: a partner reached at a free-mail address
    /// would otherwise let anyone with an address there stop the chase.
    static func isPartner(_ address: String, emails: [String], domains: [String]) -> Bool {
        guard let at = address.lastIndex(of: "@") else { return false }
        let sender = address.lowercased()
        let domain = String(sender[sender.index(after: at)...])
        guard !domain.isEmpty else { return false }
        return emails.contains { $0.lowercased() == sender }
            || (!PartnerSettings.isFreeMail(domain) && domains.contains { $0.lowercased() == domain })
    }

    /// Assigns an unmatched message to a case (`followupctl inbox assign`): it is read again
    /// from the Maildir and recorded there as the reader would have, the sender unchecked.
    public func assign(_ id: String, to caseID: CaseID, by: String) async throws -> InboundRecord {
        guard var record = try await store.inbound(id) else {
            throw FollowupError(.notFound, "there is no inbox message \(id) (see followupctl inbox)")
        }
        guard let subject = try await store.findCase(caseID) else {
            throw FollowupError(.notFound, "\(caseID) does not exist")
        }
        let message = try reread(record)
        guard
            let command = command(
                for: message, kind: classifier.kind(of: message), on: subject, record: &record, checkSender: false)
        else {
            throw FollowupError(.conflict, "inbox message \(id) does nothing on a case")
        }
        return try await desk.assignInbound(id, to: caseID, command: command, by: by)
    }

    func moveToCur(_ name: String) {
        let target = name.contains(":2,") ? name : name + ":2,S"
        if rename("\(folder("new"))/\(name)", "\(folder("cur"))/\(target)") != 0 {
            logger.error(
                "inbox: cannot move a read message to cur/",
                metadata: [
                    "followup.event": "inbox_not_moved", "followup.file": "\(name)",
                    "followup.error": "\(String(cString: strerror(errno)))",
                ])
        }
    }

    func moveAside(_ name: String, reason: String) {
        let moved = rename("\(folder("new"))/\(name)", "\(folder("failed"))/\(name)") == 0
        logger.error(
            "inbox: a message could not be read; it was moved to failed/",
            metadata: [
                "followup.event": "inbox_failed", "followup.file": "\(name)", "followup.error": "\(reason)",
                "followup.moved": "\(moved)",
            ])
    }
}
