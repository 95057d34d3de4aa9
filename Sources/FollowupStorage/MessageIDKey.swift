import Foundation

/// Message-IDs as the inbox compares them: without angle brackets or surrounding space, the
/// local part as written and the domain in lowercase.
public enum MessageIDKey {
    public static func normalized(_ id: String) -> String {
        var text = id.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("<") { text.removeFirst() }
        if text.hasSuffix(">") { text.removeLast() }
        guard let at = text.lastIndex(of: "@") else { return text }
        return String(text[..<at]) + text[at...].lowercased()
    }
}
