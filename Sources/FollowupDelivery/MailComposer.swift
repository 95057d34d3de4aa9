import FollowupConfig
import FollowupCore
import FollowupMail
import Foundation

/// Writes the messages the daemon sends (§4.1, §4.3, §6.7) as ``MailMessage`` values, each
/// with a text and an HTML part, in Portuguese unless the language is English.
///
/// - ``desk(_:id:to:from:host:language:timeZone:attachments:)``: a notification to the
///   owner, a leader or ops; `Auto-Submitted: auto-generated`.
/// - ``partnerResend(_:id:from:owner:ownerName:host:language:timeZone:)``: the evaluation
///   request sent again to the partner, in the original thread.
/// - ``client(_:id:to:from:owner:ownerName:host:language:timeZone:attachments:closingNote:)``:
///   the request to the client for another way to reach the partner.
///
/// Mail to partners and clients is ordinary correspondence: no `Auto-Submitted`, `Reply-To`
/// and `Cc` the owner when the owner's address is known.
public enum MailComposer {
    /// A notification to the desk: Subject `[FU-12] <title>` (`URGENTE: ` before the title when
    /// urgent; no tag without a case), the facts, the summary, the `followupctl ack` command
    /// when it needs acknowledgement, with a "Confirmar ciência: <url>" line per person of
    /// `ackLinks` (§6.9), a digest's items.
    ///
    /// The Message-ID is `<FU-12.<event type>.<id>@<host>>`, or `<<event type>.<id>@<host>>`
    /// without a case; `Date` is the event's time.
    /// - Throws: ``FollowupMail/MailError`` when the id or host cannot make a Message-ID.
    public static func desk(
        _ document: NotificationDocument, id: String, to: MailAddress, from: MailAddress, host: String,
        language: ReportSettings.Language, timeZone: TimeZone, attachments: [MailAttachment] = [],
        clientDraft: ClientDraft? = nil, tickets: TicketSettings = TicketSettings(), ackLinks: [AckLink] = []
    ) throws -> MailMessage {
        let content = NotificationContent(
            document, language: language, timeZone: timeZone, tickets: tickets, ackLinks: ackLinks)
        let caseID = document.data.case.flatMap(CaseID.init(parsing:))
        var body = MailText()
        body.add(.heading(content.headline))
        body.add(.paragraph(content.summary))
        if !content.facts.isEmpty { body.add(.facts(content.facts)) }
        if let heading = content.itemsHeading { body.add(.list(heading, content.items)) }
        if let prompt = content.ackPrompt, let command = content.ackCommand {
            body.add(.paragraph(prompt))
            body.add(.command(command))
            for link in content.ackLinks { body.add(.link(link.title, link.url)) }
        }
        // A report (`policy.report_to_client: owner`): the request to the client, ready to send.
        if let clientDraft, document.type == "case.report_generated" || document.type == "case.partner_refused" {
            let draft = ClientRequestText(
                data: document.data, ownerName: clientDraft.ownerName, language: language,
                hasReport: !attachments.isEmpty, closingNote: clientDraft.closingNote)
            body.add(.heading(language == .en ? "Ready to send to the client" : "Mensagem pronta para o cliente"))
            body.add(.paragraph((language == .en ? "Subject: " : "Assunto: ") + draft.subject))
            body.blocks += draft.body.blocks
        }
        let footer =
            language == .en
            ? "Automatic message from followupd (\(document.type), notification \(id))."
            : "Mensagem automática do followupd (\(document.type), notificação \(id))."
        body.add(.closing(["-- ", footer]))
        return MailMessage(
            from: from, to: [to], subject: tagged(content.title, caseID), date: document.timestamp,
            timeZone: timeZone,
            messageID: try messageID(caseID, stage: stage(of: document.type), id: id, host: host),
            autoSubmitted: true, text: body.text, html: body.html, attachments: attachments)
    }

    /// What the desk mail of a report needs to carry the ready-to-send request to the client.
    public struct ClientDraft: Sendable {
        public var ownerName: String
        /// The OBS note of a case requesting sensitive data (§5 rule 2).
        public var closingNote: String?

        public init(ownerName: String, closingNote: String?) {
            self.ownerName = ownerName
            self.closingNote = closingNote
        }
    }

    /// `[FU-12] text`, or `text` alone without a case.
    static func tagged(_ text: String, _ caseID: CaseID?) -> String {
        caseID.map { "\($0.tag) \(text)" } ?? text
    }

    /// `FU-<n>.<stage>.<id>@<host>` for a case, `<stage>.<id>@<host>` without one.
    static func messageID(_ caseID: CaseID?, stage: String, id: String, host: String) throws -> MailMessageID {
        if let caseID {
            return try MailMessageID.followup(
                caseNumber: Int(caseID.number), stage: stage, notificationID: id, host: host)
        }
        // The parts are checked as for a case's id (dot-atoms), then the case is left out.
        _ = try MailMessageID.followup(caseNumber: 1, stage: stage, notificationID: id, host: host)
        return try MailMessageID("\(stage).\(id)@\(host)")
    }

    /// An event type as a Message-ID stage: letters, digits, `-` and `_` in dot-separated
    /// words (`case.report_generated` stays as it is); anything else becomes `-`.
    static func stage(of type: String) -> String {
        let words = type.split(separator: ".").map { word in
            String(word.unicodeScalars.map { isStageScalar($0) ? Character($0) : "-" })
        }
        return words.isEmpty ? "notification" : words.joined(separator: ".")
    }

    private static func isStageScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
        default: false
        }
    }
}
