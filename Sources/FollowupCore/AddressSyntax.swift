/// The one grammar of a usable e-mail address (RFC 5321/5322 addr-spec as mail can carry it
/// without SMTPUTF8): what input validation accepts is exactly what the mail writer can put
/// in a header, so an address is never accepted by the API and refused at delivery.
///
/// - printable ASCII, no spaces, at most 254 octets;
/// - a dot-atom local part of at most 64 octets (letters, digits and ``!#$%&'*+-/=?^_`{|}~``,
///   single dots between runs: `a..b@x` and `.a@x` are refused);
/// - a host name after the last `@`: labels of 1–63 letters, digits and inner hyphens.
public enum AddressSyntax {
    /// Why `address` is not usable, or nil when it is.
    public static func problem(_ address: String) -> String? {
        let bytes = Array(address.utf8)
        guard bytes.allSatisfy({ (33...126).contains($0) }) else {
            return "only printable ASCII without spaces is allowed (write accented names as plain letters)"
        }
        guard bytes.count <= 254 else { return "it is longer than 254 octets" }
        guard let at = address.lastIndex(of: "@") else { return "it has no @" }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        let dotAtom = local.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0.utf8.allSatisfy(isAtext)
        }
        guard local.utf8.count <= 64, dotAtom else {
            return "the part before @ must be letters, digits, single dots and !#$%&'*+-/=?^_`{|}~ (at most 64)"
        }
        let hostname = domain.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
        guard hostname else { return "the part after @ must be a host name" }
        return nil
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: false
        }
    }

    /// `atext` of RFC 5322 §3.2.3.
    static func isAtext(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
    }
}
