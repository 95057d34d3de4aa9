import Foundation

/// The reply's own text: what a partner wrote, without the history quoted below it.
///
/// Recognised, in Portuguese and English (some Spanish and French too):
/// - quoted lines (`>`), wherever they are, so answers written between quotes are kept;
/// - an attribution (`Em 13 de fev. de 2025, Fulano <f@x> escreveu:`, `On … wrote:`, over up to
///   three lines): if quoted lines follow, only the attribution goes; otherwise the history is
///   not quoted and everything from it on goes;
/// - `-----Original Message-----`, `-----Mensagem original-----`, forwarded-message markers;
/// - Outlook header blocks (`De:` / `From:` followed within four lines by `Enviado:`, `Sent:`,
///   `Date:`, `Data:`), with or without a `______` rule above them.
///
/// Where nothing is recognised the whole text is the reply's own.
enum QuotedHistory {
    /// `text` (LF line breaks) without quoted history.
    static func ownText(of text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let folded = lines.map { $0.folded.trimmingCharacters(in: .whitespaces) }
        var kept: [Substring] = []
        var index = 0
        scan: while index < lines.count {
            let line = folded[index]
            if line.hasPrefix(">") {
                index += 1
                continue
            }
            if let span = attribution(folded, at: index) {
                var next = index + span
                while next < lines.count && folded[next].isEmpty { next += 1 }
                if next < lines.count && folded[next].hasPrefix(">") {
                    index += span
                    continue
                }
                if startsAttribution(line) { break scan }
            }
            if isMessageMarker(line) || isRuleBeforeHeaders(folded, at: index) || isHeaderBlock(folded, at: index) {
                break scan
            }
            kept.append(lines[index])
            index += 1
        }
        return LineText.tidied(kept.joined(separator: "\n"))
    }

    private static let attributionEndings = ["escreveu:", "escreveu :", "wrote:", "wrote :", "escribio:", "a ecrit :"]
    private static let attributionStarts = ["em ", "on ", "el ", "le ", "no dia "]

    /// How many lines (1 to 3) from `index` make an attribution line, if they do.
    private static func attribution(_ lines: [String], at index: Int) -> Int? {
        var joined = ""
        for span in 1...3 where index + span - 1 < lines.count {
            let line = lines[index + span - 1]
            if line.isEmpty || line.hasPrefix(">") { return nil }
            joined += (span > 1 ? " " : "") + line
            if joined.count > 400 { return nil }
            if attributionEndings.contains(where: { joined.hasSuffix($0) }) {
                return span == 1 || startsAttribution(lines[index]) ? span : nil
            }
        }
        return nil
    }

    /// Whether a folded line opens an attribution (`em …`, `on …`).
    private static func startsAttribution(_ line: String) -> Bool {
        attributionStarts.contains { line.hasPrefix($0) }
    }

    private static let markers: Set = [
        "original message", "mensagem original", "mensaje original", "message d'origine", "forwarded message",
        "mensagem encaminhada", "mensaje reenviado", "message transfere", "begin forwarded message:",
        "inicio da mensagem encaminhada:", "mensagem reencaminhada",
    ]

    /// `-----Original Message-----` and its kin (dashes optional for the Apple Mail forms).
    private static func isMessageMarker(_ line: String) -> Bool {
        guard line.count < 80 else { return false }
        let core = line.trimmingCharacters(in: .init(charactersIn: "-_= "))
        guard markers.contains(core) else { return false }
        return line.hasPrefix("--") || core.hasSuffix(":")
    }

    private static let fromLabels = ["de:", "from:", "von:"]
    private static let sentLabels = ["enviado:", "enviada em:", "enviado em:", "sent:", "date:", "data:", "gesendet:"]

    /// A `De:`/`From:` line with a `Sent:`-like line within the next four lines.
    private static func isHeaderBlock(_ lines: [String], at index: Int) -> Bool {
        guard hasLabel(lines[index], fromLabels) else { return false }
        let end = min(lines.count, index + 5)
        return lines[(index + 1)..<end].contains { hasLabel($0, sentLabels) }
    }

    /// A rule of underscores with a `De:`/`From:` line right below it (blank lines aside).
    private static func isRuleBeforeHeaders(_ lines: [String], at index: Int) -> Bool {
        let line = lines[index]
        guard line.count >= 10, line.allSatisfy({ $0 == "_" }) else { return false }
        var next = index + 1
        while next < lines.count && lines[next].isEmpty && next < index + 3 { next += 1 }
        return next < lines.count && hasLabel(lines[next], fromLabels)
    }

    /// Whether `line` starts with one of `labels`, bold markers (`*`) aside.
    private static func hasLabel(_ line: String, _ labels: [String]) -> Bool {
        let bare = line.drop { $0 == "*" || $0 == " " }.replacingOccurrences(of: "*", with: "")
        return labels.contains { bare.hasPrefix($0) }
    }
}
