/// Character classes of RFC 5322 and RFC 2045, and the clean-up of free text for headers.
enum HeaderText {
    /// ASCII letters and digits.
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return false
        }
    }

    /// `atext` of RFC 5322 §3.2.3: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtext(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || atextSymbols.contains(byte)
    }

    /// `token` characters of RFC 2045 §5.1: printable ASCII except space and tspecials.
    static func isToken(_ byte: UInt8) -> Bool {
        (33...126).contains(byte) && !tspecials.contains(byte)
    }

    private static let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)
    private static let tspecials = Set("()<>@,;:\\\"/[]?=".utf8)

    /// Printable ASCII with space (0x20–0x7E).
    static func isPrintable(_ byte: UInt8) -> Bool { (32...126).contains(byte) }

    /// Whether `text` is a non-empty run of RFC 2045 token characters.
    static func isToken(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isToken)
    }

    /// Whether `text` is a dot-atom-text: atext runs joined by single dots.
    static func isDotAtom(_ text: some StringProtocol) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(isAtext) }
    }

    /// Space, tab, LF, VT, FF, CR, NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR.
    private static let breaksLine: Set<UInt32> = [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029]

    /// Free text made safe for one header line.
    ///
    /// Every run of spaces, tabs and line breaks (CR and LF included) becomes one space; other control
    /// characters (C0, DEL, C1) are removed; leading and trailing space is dropped. This is
    /// what makes header injection through a subject or display name impossible.
    static func normalized(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if breaksLine.contains(scalar.value) {
                pendingSpace = !scalars.isEmpty
            } else if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                continue
            } else {
                if pendingSpace { scalars.append(" ") }
                pendingSpace = false
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Whether `text` contains a CR or LF anywhere (the check of values that are refused).
    static func hasLineBreak(_ text: some StringProtocol) -> Bool {
        text.utf8.contains { $0 == 13 || $0 == 10 }
    }
}
