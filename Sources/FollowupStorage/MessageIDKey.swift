import Crypto
import Foundation

/// Message-IDs as the inbox compares them: without angle brackets or surrounding space, the
/// local part as written and the domain in lowercase.
public enum MessageIDKey {
    /// `id` without brackets or surrounding white space, its domain in lower case.
    public static func normalized(_ id: String) -> String {
        var text = id.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("<") { text.removeFirst() }
        if text.hasSuffix(">") { text.removeLast() }
        guard let at = text.lastIndex(of: "@") else { return text }
        return String(text[..<at]) + text[at...].lowercased()
    }

    /// The inbox key of a message with Message-ID `id`: `mid-sha256:` and the SHA-256 of the
    /// whole normalized id in 64 lower-case hex digits.
    ///
    /// A digest, not the id itself: the key has a fixed length whatever a sender writes (an
    /// id cut to a length would make two long ids that share their start one message), and
    /// holds no character a database or a URL path could trip on.
    public static func inboxKey(_ id: String) -> String {
        let digest = Crypto.SHA256.hash(data: Data(normalized(id).utf8))
        return "mid-sha256:" + digest.map { String(format: "%02x", $0) }.joined()
    }
}
