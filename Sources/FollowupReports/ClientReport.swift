import FollowupCore
import Foundation

/// The client's report as JSON (`?format=json&audience=client`): the data of the client's
/// version, with nothing of the desk's internals (no Message-IDs, failure flags, ids, login
/// names or internal notes). Described in `docs/report.schema.json` beside the desk's document.
struct ClientReport: Encodable {
    struct Desk: Encodable {
        var company: String?
        var technician: String?
        var email: String?
        var phone: String?
    }

    struct Client: Encodable {
        var name: String
        var ticket: String?
    }

    /// One attempt. `outcome` is `sent`, or `tried` when delivery failed: a failed attempt is not
    /// claimed as sent.
    struct AttemptItem: Encodable {
        var number: Int
        var at: Date
        var channel: ContactChannel
        var to: [String]
        var outcome: String
        var note: String?
    }

    struct ReturnItem: Encodable {
        var at: Date
        var kind: ReturnKind
        var note: String?
    }

    struct NoteItem: Encodable {
        var at: Date
        var text: String
    }

    var audience = "client"
    var generatedAt: Date
    var desk: Desk
    var client: Client
    var partner: String?
    var subject: String
    var verification: String
    var reason: ReportReason
    var refusal: String?
    var attempts: [AttemptItem]
    var returns: [ReturnItem]
    var notes: [NoteItem]
    var nextStep: ReportDocument.NextStep
    var sensitive: Bool

    init(_ document: ReportDocument) {
        let notes = document.sensitive ? [] : document.clientNotes
        generatedAt = document.generatedAt
        desk = Desk(
            company: document.desk?.company, technician: document.desk?.technician, email: document.desk?.email,
            phone: document.desk?.phone)
        client = Client(name: document.client.name, ticket: document.client.ticket)
        partner = document.partner?.name
        subject = document.subject
        verification = document.verification
        reason = document.reason
        refusal = notes.last { $0.kind == .refusal }?.text
        attempts = document.attempts.map { attempt in
            let said = notes.filter { $0.kind == .contact && $0.attempt == attempt.number }.map(\.text)
            return AttemptItem(
                number: attempt.number, at: attempt.at, channel: attempt.channel, to: attempt.to,
                outcome: attempt.failed ? "tried" : "sent", note: said.isEmpty ? nil : said.joined(separator: "\n"))
        }
        returns = document.returns.map { item in
            ReturnItem(
                at: item.at, kind: item.kind,
                note: notes.first { $0.kind == .partnerReturn && $0.seq == item.seq }?.text)
        }
        self.notes = notes.filter { $0.kind == .note }.map { NoteItem(at: $0.at, text: $0.text) }
        nextStep = document.nextStep
        sensitive = document.sensitive
    }

    enum CodingKeys: String, CodingKey {
        case audience, desk, client, partner, subject, verification, reason, refusal, attempts, returns, notes
        case sensitive
        case generatedAt = "generated_at"
        case nextStep = "next_step"
    }
}
