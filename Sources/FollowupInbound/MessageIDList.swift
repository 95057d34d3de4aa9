import Foundation

/// The ids of `Message-ID`, `In-Reply-To` and `References` (RFC 5322 §3.6.4), without brackets.
///
/// Tolerant: ids are taken from every `<…>` (white space inside removed, comments and phrases
/// around them ignored); a field without brackets gives its `@`-bearing words instead.
enum MessageIDList {
    /// The ids in `rawValue`, in order (repeats kept).
    static func ids(in rawValue: String) -> [String] {
        var ids: [String] = []
        var current: String.UnicodeScalarView?
        for scalar in rawValue.unicodeScalars {
            switch scalar {
            case "<":
                current = String.UnicodeScalarView()
            case ">":
                if let id = current.map(String.init), !id.isEmpty { ids.append(id) }
                current = nil
            case " ", "\t", "\r", "\n":
                continue
            default:
                current?.append(scalar)
            }
        }
        if ids.isEmpty && !rawValue.contains("<") {
            ids = HeaderParameters.withoutComments(rawValue)
                .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
                .filter { $0.contains("@") }.map(String.init)
        }
        return ids
    }

    /// The id of a `Message-ID` value: the first bracketed id, else the trimmed value when it is one word.
    static func messageID(in rawValue: String) -> String? {
        if let id = ids(in: rawValue).first { return id }
        let bare = rawValue.trimmingCharacters(in: .whitespaces)
        guard !bare.isEmpty, !bare.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
        return bare.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
    }
}
