import Foundation

/// Tells a partner's reply from automatic mail and bounces (SPEC §4.5). Pure: it reads only the
/// message.
///
/// In order: a delivery-status report with failed recipients, sent by the mail system (a `From`
/// whose local part is `MAILER-DAEMON` or `postmaster`, or the null sender `Return-Path: <>`),
/// is a bounce; then the first sign of
/// automatic mail wins: RFC 3834 `Auto-Submitted` other than `no`; `X-Autoreply`,
/// `X-Autorespond` or `X-Auto-Response-Suppress` present; `Precedence` of `bulk`, `junk`, `list`
/// or `auto_reply`; an empty `Return-Path: <>` (null sender); any other `multipart/report`
/// (delay notices, read receipts); an out-of-office subject in Portuguese or English.
/// Everything else is a reply.
public struct InboundClassifier: Sendable {
    /// Folded phrases that mark an out-of-office subject wherever they appear.
    public var subjectPhrases: [String]
    /// Folded words that mark one when the subject starts with them (`Ausente: …`, `Auto: …`).
    public var subjectPrefixes: [String]

    /// A classifier with the usual Portuguese and English out-of-office subjects.
    public init() {
        subjectPhrases = [
            "resposta automatica", "respuesta automatica", "auto-resposta", "autorresposta", "auto resposta",
            "fora do escritorio", "ausencia temporaria", "out of office", "out of the office", "automatic reply",
            "auto reply", "auto-reply", "autoreply", "auto response", "auto-response", "autoresponse",
            "abwesenheitsnotiz", "absence du bureau", "estou ausente", "estarei ausente", "em ferias",
        ]
        subjectPrefixes = ["ausente", "auto:", "ferias", "vacation", "away from", "ooo"]
    }

    /// A classifier with these subject signs (folded: lower case, no diacritics).
    public init(subjectPhrases: [String], subjectPrefixes: [String]) {
        self.subjectPhrases = subjectPhrases.map(\.folded)
        self.subjectPrefixes = subjectPrefixes.map(\.folded)
    }

    /// What `message` is to the desk.
    public func kind(of message: InboundMessage) -> InboundKind {
        if let report = message.deliveryReport, Self.isFromMailSystem(message) {
            let failed = report.recipients.filter { $0.action == "failed" }
            if !failed.isEmpty {
                return .bounce(
                    DeliveryFailure(
                        recipients: failed.compactMap(\.address), status: failed.first?.status,
                        diagnostic: failed.first?.diagnostic, originalMessageID: report.originalMessageID))
            }
        }
        if let reason = automaticReason(message) { return .automatic(reason: reason) }
        return .reply
    }

    /// Whether `message` comes from a mail system rather than a person: its `From` local part
    /// is `MAILER-DAEMON` or `postmaster` (any case), or its `Return-Path` is the null sender
    /// `<>` that RFC 3464 reports are sent with.
    ///
    /// A delivery report from anyone else (a forged bounce) is not a bounce: it is automatic
    /// mail, which moves a case only from the partner's own addresses.
    public static func isFromMailSystem(_ message: InboundMessage) -> Bool {
        if message.header("Return-Path")?.filter({ !$0.isWhitespace }) == "<>" { return true }
        return message.from.contains { sender in
            let local = sender.address.split(separator: "@", omittingEmptySubsequences: false).first ?? ""
            return local == "mailer-daemon" || local == "postmaster"
        }
    }

    /// Why `message` is automatic, or nil when nothing says so.
    private func automaticReason(_ message: InboundMessage) -> String? {
        if let value = message.header("Auto-Submitted") {
            let keyword = value.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if keyword.lowercased() != "no" { return "Auto-Submitted: \(value)" }
        }
        for name in ["X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"] where message.header(name) != nil {
            return "\(name) present"
        }
        if let precedence = message.header("Precedence")?.lowercased().trimmingCharacters(in: .whitespaces),
            ["bulk", "junk", "list", "auto_reply"].contains(precedence)
        {
            return "Precedence: \(precedence)"
        }
        if let returnPath = message.header("Return-Path"),
            returnPath.filter({ !$0.isWhitespace }) == "<>"
        {
            return "Return-Path: <> (null sender)"
        }
        if message.isMultipartReport {
            return "delivery or read report (\(message.reportType ?? "no report-type")) with no failed recipient"
        }
        let subject = message.subject.folded
        if let phrase = subjectPhrases.first(where: { subject.contains($0) }) {
            return "out-of-office subject (\"\(phrase)\")"
        }
        if let prefix = subjectPrefixes.first(where: { startsWithWord(subject, $0) }) {
            return "out-of-office subject (starts with \"\(prefix)\")"
        }
        return nil
    }

    /// Whether `subject` starts with `prefix` followed by a non-letter (or ends there).
    private func startsWithWord(_ subject: String, _ prefix: String) -> Bool {
        guard subject.hasPrefix(prefix) else { return false }
        guard let next = subject.dropFirst(prefix.count).first else { return true }
        return !(next.isLetter || next.isNumber)
    }
}
