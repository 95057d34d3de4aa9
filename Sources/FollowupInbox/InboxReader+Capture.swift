import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupInbound
import FollowupStorage
import Foundation

/// Requests captured by Bcc (`inbound.capture_address`): a technician writes to the partner
/// from their own mail client with the desk's capture address in Bcc, and the copy that lands
/// in the inbound Maildir is read as the desk's own contact — on the case it names (`[FU-n]`
/// in the subject, or its thread), or as a new case (docs/capture.md). Only mail from one of
/// the desk's people (an owner's or leader's `email`) is ever taken as our contact.
extension InboxReader {
    /// What a captured message does.
    enum Capture {
        /// A contact on an existing case, recorded as by `person`.
        case contact(CaseCommand, person: String)
        /// A new case opened by `person`.
        case open(NewCase, person: String)
        /// Nothing yet: it waits in the inbox for a person (the reason is in the record).
        case waiting
    }

    /// What `message` is as a captured request, or nil when it is not one (capture is off, or
    /// the sender is not one of the desk's people).
    func capture(_ message: InboundMessage, record: inout InboundRecord) async throws -> Capture? {
        guard let captureAddress = settings.captureAddress,
            let person = desk.configuredPerson(address: record.from)
        else { return nil }
        record.kind = .capture
        let recipients = Self.recipients(of: message, except: [captureAddress, record.from]) {
            desk.configuredPerson(address: $0) != nil
        }
        let at = min(message.date ?? clock.now(), clock.now())
        let tagged = CaseTag.find(in: message.subject)
        var caseID = tagged
        if caseID == nil { caseID = try await self.caseID(inThread: message.threadIDs) }
        if let caseID {
            guard let subject = try await store.findCase(caseID) else {
                record.reason = "captured mail from \(person.name) names \(caseID), which does not exist"
                return .waiting
            }
            record.caseID = caseID
            if subject.isSensitive { record.excerpt = nil }
            // In a case's thread without its tag, only mail to the partner is a contact with it.
            let domains = subject.partner.flatMap { desk.configuredPartner(named: $0.name)?.domains } ?? []
            let to =
                tagged != nil
                ? recipients
                : recipients.filter { Self.isPartner($0, emails: subject.partner?.emails ?? [], domains: domains) }
            guard !to.isEmpty else {
                record.reason =
                    "captured mail from \(person.name) in \(caseID)'s thread is not addressed to "
                    + "\(subject.partner?.name ?? "the partner"): assign it if it is a contact"
                return .waiting
            }
            record.reason = "contact by \(person.name) captured by Bcc"
            return .contact(
                .contactSent(ContactRecord(at: at, channel: .email, to: to, messageID: message.messageID)),
                person: person.name)
        }
        let waiting = "open it with followupctl inbox open \(record.id)"
        guard let partner = recipients.lazy.compactMap({ self.desk.configuredPartner(forAddress: $0) }).first else {
            record.reason =
                "captured mail from \(person.name): no recipient is a configured partner's address "
                + "(partners[].emails or domains); \(waiting) --partner NAME --partner-email ADDRESS"
            return .waiting
        }
        guard let marker = CaptureMarker.find(subject: message.subject, body: message.newText) else {
            record.reason =
                "captured mail from \(person.name) to \(partner.name): no client marker such as "
                + "[SSC-1234 Client name] in the subject or the body; \(waiting) --client NAME"
            return .waiting
        }
        let partnerEmails = recipients.filter { desk.configuredPartner(forAddress: $0)?.name == partner.name }
        let new = Self.newCase(
            from: message, client: Client(name: marker.client, ticket: marker.ticket),
            partner: PartnerContact(name: partner.name, emails: partnerEmails),
            owner: person.isOwner ? person.name : "", at: at)
        record.reason = "request by \(person.name) captured by Bcc"
        return .open(new, person: person.name)
    }

    /// The case a captured request opens: subject and verification from the mail (its subject
    /// without markers, its first paragraph), threaded under its Message-ID from `at`.
    static func newCase(
        from message: InboundMessage, client: Client, partner: PartnerContact, owner: String, at: Date
    ) -> NewCase {
        let subject = CaptureMarker.subject(message.subject)
        let paragraph = CaptureMarker.firstParagraph(of: message.newText)
        return NewCase(
            client: client, partner: partner, subject: String((subject.isEmpty ? paragraph : subject).prefix(300)),
            verification: paragraph.isEmpty ? subject : paragraph, owner: owner, sentAt: at,
            messageID: message.messageID, channel: .email)
    }

    /// The addresses `message` went to (To and Cc, each once, in order), leaving out the
    /// desk's own: `except` and the desk's people.
    static func recipients(of message: InboundMessage, except: [String], isDesks: (String) -> Bool) -> [String] {
        var seen = Set(except.map { $0.lowercased() })
        return (message.to + message.cc).map(\.address).filter { address in
            !address.isEmpty && !isDesks(address) && seen.insert(address.lowercased()).inserted
        }
    }

    /// Turns the inbox message `id`, waiting for a person, into a case: what `fields` give
    /// (client, partner…) completes or replaces what the message says.
    public func openCase(_ id: String, with fields: InboxOpenFields, by: String) async throws
        -> (InboundRecord, CaseID)
    {
        guard let record = try await store.inbound(id) else {
            throw FollowupError(.notFound, "there is no inbox message \(id) (see followupctl inbox)")
        }
        guard record.state == .unmatched else {
            throw FollowupError(
                .conflict, "inbox message \(id) is \(record.state.rawValue): only unmatched ones are opened as cases")
        }
        let message = try reread(record)
        let marker = CaptureMarker.find(subject: message.subject, body: message.newText)
        let person = desk.configuredPerson(address: record.from)
        let recipients = Self.recipients(of: message, except: [settings.captureAddress ?? "", record.from]) {
            desk.configuredPerson(address: $0) != nil
        }
        guard let clientName = fields.client ?? marker?.client else {
            throw FollowupError.invalid("client", "the message has no client marker: give the client's name")
        }
        let partnerName =
            fields.partner ?? recipients.lazy.compactMap { self.desk.configuredPartner(forAddress: $0)?.name }.first
        guard let partnerName else {
            throw FollowupError.invalid("partner", "no recipient is a configured partner's: give the partner's name")
        }
        let emails =
            fields.partnerEmails.isEmpty
            ? recipients.filter { desk.configuredPartner(forAddress: $0)?.name == partnerName } : fields.partnerEmails
        let at = min(message.date ?? clock.now(), clock.now())
        var new = Self.newCase(
            from: message, client: Client(name: clientName, ticket: fields.ticket ?? marker?.ticket),
            partner: PartnerContact(name: partnerName, emails: emails),
            owner: fields.owner ?? (person?.isOwner == true ? person!.name : ""), at: at)
        if let subject = fields.subject { new.subject = subject }
        if let verification = fields.verification { new.verification = verification }
        let (_, caseID) = try await desk.openFromInbound(record, new, by: by, existing: true)
        guard let caseID, let updated = try await store.inbound(id) else {
            throw FollowupError(.conflict, "inbox message \(id) was handled meanwhile")
        }
        return (updated, caseID)
    }

    /// The message of `record`, read again from the Maildir.
    func reread(_ record: InboundRecord) throws -> InboundMessage {
        let paths = ["cur", "new"].map { "\(folder($0))/\(record.file)" } + ["\(folder("cur"))/\(record.file):2,S"]
        guard let path = paths.first(where: { FileManager.default.fileExists(atPath: $0) }),
            let message = try? InboundMessage.parse(MessageFile.read(path, maxBytes: maxFileBytes), limits: limits)
        else {
            throw FollowupError(
                .conflict, "the message file \(record.file) is no longer in \(root): it cannot be recorded on a case")
        }
        return message
    }
}

/// What a person gives to turn an inbox message into a case (`followupctl inbox open`); nil
/// fields come from the message.
public struct InboxOpenFields: Sendable, Hashable {
    public var client: String?
    public var ticket: String?
    public var partner: String?
    public var partnerEmails: [String]
    public var subject: String?
    public var verification: String?
    public var owner: String?

    public init(
        client: String? = nil, ticket: String? = nil, partner: String? = nil, partnerEmails: [String] = [],
        subject: String? = nil, verification: String? = nil, owner: String? = nil
    ) {
        self.client = client
        self.ticket = ticket
        self.partner = partner
        self.partnerEmails = partnerEmails
        self.subject = subject
        self.verification = verification
        self.owner = owner
    }
}
