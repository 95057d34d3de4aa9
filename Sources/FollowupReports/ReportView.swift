import FollowupCore
import Foundation

/// What the desk's report templates are fed: every value already written out in the report's
/// language. The client's templates get ``ClientReportView`` instead.
///
/// The templates are logic-less, so sections hang on the flags and lists here. Property names are
/// the template variables (listed in `docs/report-templates.md`); renaming one breaks overrides.
struct ReportView {
    /// One contact attempt as a table row.
    struct AttemptRow {
        var number: Int
        var at: String
        var channel: String
        /// The addresses, comma-separated, or a dash (a phone call).
        var recipients: String
        var by: String
        /// The Message-ID, or a dash when unknown.
        var messageID: String
        /// `sim`/`não`, `yes`/`no`.
        var failed: String
        var isFailed: Bool
        /// What was said in the attempt, when a note was recorded.
        var note: String?
    }

    /// One partner return as a table row.
    struct ReturnRow {
        var seq: Int
        var at: String
        var kind: String
        /// What the partner said, when a note was recorded.
        var note: String?
    }

    /// A note on the case (not tied to an attempt or a return).
    struct NoteRow {
        var seq: Int
        var at: String
        var by: String
        var text: String
        /// True for a note kept from the client's report.
        var isInternal: Bool
    }

    var reportID: String
    var caseID: String
    var generatedAt: String
    /// The zone every time is written in, like `America/Sao_Paulo`.
    var timeZone: String
    var clientName: String
    var ticket: String?
    /// The ticket's address in the desk's ticket system (`tickets.url`), when configured.
    var ticketURL: String?
    var partnerName: String
    /// The partner's addresses, comma-separated, when the case has any.
    var partnerAddresses: String?
    var subject: String
    var verification: String
    var owner: String
    var firstRequestAt: String?
    var attempts: [AttemptRow]
    var attemptCount: Int
    var hasAttempts: Bool
    var returns: [ReturnRow]
    var hasReturns: Bool
    /// The reason's code: `no_reply`, `no_information`, `partner_refused`.
    var reasonCode: String
    /// The reason in words.
    var reason: String
    var refused: Bool
    /// The warning a refusal report opens with.
    var refusalNotice: String
    /// The partner's refusal in its own words, when recorded.
    var refusalNote: String?
    var notes: [NoteRow]
    var hasNotes: Bool
    var nextStep: String
    var sensitive: Bool
    /// On a sensitive case: that notes exist and how to read them.
    var sensitiveNotice: String
    /// `followupctl show FU-n`.
    var showCommand: String

    init(_ document: ReportDocument, wording: ReportWording) {
        let partner = document.partner?.name
        reportID = document.id
        caseID = document.caseID.description
        generatedAt = wording.time(document.generatedAt)
        timeZone = wording.timeZone.identifier
        clientName = document.client.name
        ticket = document.client.ticket
        partnerName = wording.partner(partner)
        partnerAddresses = document.partner.flatMap { $0.emails.isEmpty ? nil : $0.emails.joined(separator: ", ") }
        subject = document.subject
        verification = document.verification
        owner = document.owner
        firstRequestAt = document.firstRequestAt.map(wording.time)
        let notes = document.sensitive ? [] : document.notes ?? []
        attempts = document.attempts.map { attempt in
            let said = notes.filter { $0.kind == .contact && $0.attempt == attempt.number }.map(\.text)
            return AttemptRow(
                number: attempt.number, at: wording.time(attempt.at), channel: wording.channel(attempt.channel),
                recipients: attempt.to.isEmpty ? wording.none : attempt.to.joined(separator: ", "),
                by: attempt.by, messageID: attempt.messageID ?? wording.none,
                failed: wording.yesNo(attempt.failed), isFailed: attempt.failed,
                note: said.isEmpty ? nil : said.joined(separator: "\n"))
        }
        attemptCount = document.attempts.count
        hasAttempts = !document.attempts.isEmpty
        returns = document.returns.map {
            let seq = $0.seq
            return ReturnRow(
                seq: seq, at: wording.time($0.at), kind: wording.returnKind($0.kind),
                note: notes.first { $0.kind == .partnerReturn && $0.seq == seq }?.text)
        }
        hasReturns = !document.returns.isEmpty
        reasonCode = document.reason.rawValue
        reason = wording.reason(document.reason)
        refused = document.reason == .partnerRefused
        refusalNotice = wording.refusalNotice(partner: partner)
        refusalNote = notes.last { $0.kind == .refusal }?.text
        self.notes = notes.filter { $0.kind == .note }.map {
            NoteRow(seq: $0.seq, at: wording.time($0.at), by: $0.by, text: $0.text, isInternal: $0.isInternal)
        }
        hasNotes = !self.notes.isEmpty
        nextStep = wording.nextStep(document.nextStep, partner: partner)
        sensitive = document.sensitive
        showCommand = "followupctl show \(document.caseID)"
        sensitiveNotice = wording.sensitiveNotice(showCommand)
    }
}
