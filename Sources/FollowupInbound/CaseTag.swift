import FollowupCore
import Foundation

/// How an inbound message names its case: the `[FU-<n>]` tag of our subjects and the `FU-<n>.`
/// that starts our Message-IDs (SPEC §4.5, §6.7).
public enum CaseTag {
    /// The case of the first `[FU-<n>]` tag in `subject` (any case, `n` ≥ 1), or nil.
    ///
    /// `[FU-0]`, `[FU-]`, `[FU-12a]` and numbers too large are not tags; the search goes on past them.
    public static func find(in subject: String) -> CaseID? {
        let scalars = Array(subject.unicodeScalars)
        var index = 0
        while index + 5 < scalars.count {
            defer { index += 1 }
            guard scalars[index] == "[", let id = number(scalars, from: index + 1, terminator: "]") else { continue }
            return id
        }
        return nil
    }

    /// The case of one of our Message-IDs (`FU-12.resend.0193…@desk.example`, brackets allowed), or nil.
    public static func fromMessageID(_ id: String) -> CaseID? {
        var text = Substring(id.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("<") { text = text.dropFirst() }
        guard text.contains("@") else { return nil }
        return number(Array(text.unicodeScalars), from: 0, terminator: ".")
    }

    /// `FU-<n>` (any case) at `start` followed by `terminator`, as a case id.
    private static func number(_ scalars: [Unicode.Scalar], from start: Int, terminator: Unicode.Scalar) -> CaseID? {
        guard start + 3 < scalars.count,
            scalars[start] == "F" || scalars[start] == "f",
            scalars[start + 1] == "U" || scalars[start + 1] == "u",
            scalars[start + 2] == "-"
        else { return nil }
        var index = start + 3
        var digits = ""
        while index < scalars.count, ("0"..."9").contains(scalars[index]), digits.count <= 18 {
            digits.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard index < scalars.count, scalars[index] == terminator, let number = Int64(digits), number >= 1 else {
            return nil
        }
        return CaseID(number)
    }
}
