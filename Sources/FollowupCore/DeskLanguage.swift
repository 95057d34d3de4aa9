import Foundation

/// A language the desk writes to people in: attempts reports and the notes ending messages to
/// clients. The raw values are those `reports.locale` takes.
public enum DeskLanguage: String, Sendable, Hashable, Codable, CaseIterable {
    /// Brazilian Portuguese, the desk's own language (the default).
    case ptBR = "pt-BR"
    /// English.
    case en
}
