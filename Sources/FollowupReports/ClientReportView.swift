import FollowupCore
import Foundation

/// What the client's report templates are fed (`report.client.LANGUAGE.FORMAT.mustache`): the
/// desk's identity, sentences in the report's language, and the notes the client may read.
///
/// Nothing here carries a Message-ID, a failure flag, a report or notification id, a login name
/// or an internal note: a template cannot show what it is not given. Property names are the
/// template variables (listed in `docs/report-templates.md`); renaming one breaks overrides.
struct ClientReportView {
    /// One attempt: when, what we did, and what was said.
    struct AttemptItem {
        var number: Int
        var at: String
        var sentence: String
        /// The attempt's note (what was said), when one was recorded.
        var note: String?
    }

    /// One partner return: when, what kind of answer, and what the partner said.
    struct ReturnItem {
        var at: String
        var sentence: String
        var note: String?
    }

    /// A note on the case the client may read.
    struct NoteItem {
        var at: String
        var text: String
    }

    var company: String?
    var technician: String?
    var deskEmail: String?
    var deskPhone: String?
    /// Whether any of the desk's contact details is known.
    var hasDeskContact: Bool
    var clientName: String
    var ticket: String?
    var partnerName: String
    var subject: String
    var verification: String
    var firstRequestAt: String?
    /// Where the case stands, in one sentence.
    var status: String
    var refused: Bool
    var refusalNotice: String
    /// The partner's refusal in its own words, when the technician recorded them.
    var refusalNote: String?
    var attempts: [AttemptItem]
    var attemptCount: Int
    var hasAttempts: Bool
    var returns: [ReturnItem]
    var hasReturns: Bool
    var notes: [NoteItem]
    var hasNotes: Bool
    var nextStep: String
    var sensitive: Bool
    var sensitiveNotice: String
    var generatedAt: String
    var timeZone: String

    init(_ document: ReportDocument, wording: ReportWording) {
        let partner = document.partner?.name
        let desk = document.desk
        company = desk?.company
        technician = desk?.technician
        deskEmail = desk?.email
        deskPhone = desk?.phone
        hasDeskContact = company != nil || technician != nil || deskEmail != nil || deskPhone != nil
        clientName = document.client.name
        ticket = document.client.ticket
        partnerName = wording.partner(partner)
        subject = document.subject
        verification = document.verification
        firstRequestAt = document.firstRequestAt.map(wording.time)
        status = wording.status(document.reason, partner: partner)
        refused = document.reason == .partnerRefused
        refusalNotice = wording.clientRefusalNotice(partner: partner)
        let notes = document.sensitive ? [] : document.clientNotes
        refusalNote = notes.last { $0.kind == .refusal }?.text
        attempts = document.attempts.map { attempt in
            let said = notes.filter { $0.kind == .contact && $0.attempt == attempt.number }.map(\.text)
            return AttemptItem(
                number: attempt.number, at: wording.time(attempt.at),
                sentence: wording.attemptSentence(attempt, partner: partner),
                note: said.isEmpty ? nil : said.joined(separator: "\n"))
        }
        attemptCount = attempts.count
        hasAttempts = !attempts.isEmpty
        returns = document.returns.map { item in
            let said = notes.first { $0.kind == .partnerReturn && $0.seq == item.seq }?.text
            return ReturnItem(
                at: wording.time(item.at), sentence: wording.returnSentence(item.kind, partner: partner), note: said)
        }
        hasReturns = !returns.isEmpty
        self.notes = notes.filter { $0.kind == .note }.map { NoteItem(at: wording.time($0.at), text: $0.text) }
        hasNotes = !self.notes.isEmpty
        nextStep = wording.clientNextStep(document.nextStep, partner: partner)
        sensitive = document.sensitive
        sensitiveNotice = wording.clientSensitiveNotice(technician: technician)
        generatedAt = wording.time(document.generatedAt)
        timeZone = wording.timeZone.identifier
    }
}
