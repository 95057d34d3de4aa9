import Foundation

/// Text from bytes in a MIME charset, never failing.
///
/// UTF-8 invalid sequences become U+FFFD. ISO-8859-1 is read as Windows-1252, as browsers do (the
/// two differ only in 0x80–0x9F, control characters that real Latin-1 text never holds). US-ASCII
/// and a missing or unknown charset are read as UTF-8 when the bytes are valid UTF-8 (mislabelled
/// mail is common) and as Windows-1252 (a Latin-1 superset) otherwise.
enum Charset {
    /// The charsets read here without Foundation.
    enum Known: Hashable {
        case utf8, asciiOrUnknown, windows1252, latin9
    }

    /// `bytes` read as `charset` (a MIME charset name in any case; `nil` when none was given).
    static func decode(_ bytes: ArraySlice<UInt8>, charset: String?) -> String {
        let name = normalized(charset)
        switch known(name) {
        case .utf8: return String(decoding: bytes, as: UTF8.self)
        case .windows1252: return windows1252(bytes)
        case .latin9: return latin9(bytes)
        case .asciiOrUnknown, nil:
            if let encoding = foundationEncodings[name], let text = String(bytes: bytes, encoding: encoding) {
                return text
            }
            if bytes.allSatisfy({ $0 < 0x80 }) || String(validating: bytes, as: UTF8.self) != nil {
                return String(decoding: bytes, as: UTF8.self)
            }
            return windows1252(bytes)
        }
    }

    /// `bytes` read as `charset`.
    static func decode(_ bytes: [UInt8], charset: String?) -> String {
        decode(bytes[...], charset: charset)
    }

    /// The name in lower case without quotes, spaces or an RFC 2231 `*language` suffix.
    static func normalized(_ charset: String?) -> String {
        guard var name = charset?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() else { return "" }
        name = name.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }
        return name
    }

    /// Which of the charsets read here `name` (normalized) is.
    static func known(_ name: String) -> Known? {
        if utf8Names.contains(name) { return .utf8 }
        if windows1252Names.contains(name) { return .windows1252 }
        if latin9Names.contains(name) { return .latin9 }
        if name.isEmpty || asciiNames.contains(name) { return .asciiOrUnknown }
        return nil
    }

    /// `bytes` as Windows-1252; the five unassigned bytes become the C1 controls of Latin-1.
    static func windows1252(_ bytes: ArraySlice<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte >= 0x80 && byte <= 0x9F {
                scalars.append(Unicode.Scalar(windows1252High[Int(byte) - 0x80]) ?? "\u{FFFD}")
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    /// `bytes` as ISO-8859-15 (Latin-9): Latin-1 with € and seven other letters.
    static func latin9(_ bytes: ArraySlice<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes {
            let value = latin9Changes[byte] ?? UInt32(byte)
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    private static let utf8Names: Set = ["utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8", "unicode-2-0-utf-8"]
    private static let asciiNames: Set = [
        "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "646", "iso-ir-6", "cp367", "default",
    ]
    private static let windows1252Names: Set = [
        "windows-1252", "cp1252", "x-cp1252", "cp-1252", "win-1252", "iso-8859-1", "iso8859-1", "iso_8859-1",
        "iso_8859-1:1987", "latin1", "latin-1", "l1", "cp819", "ibm819", "iso-ir-100", "8859-1", "csisolatin1",
    ]
    private static let latin9Names: Set = ["iso-8859-15", "iso8859-15", "iso_8859-15", "latin-9", "latin9", "l9"]

    /// Charsets Foundation may read; when it cannot, the bytes are read as Windows-1252.
    private static let foundationEncodings: [String: String.Encoding] = [
        "utf-16": .utf16, "utf-16le": .utf16LittleEndian, "utf-16be": .utf16BigEndian,
        "utf-32": .utf32, "utf-32le": .utf32LittleEndian, "utf-32be": .utf32BigEndian,
        "iso-8859-2": .isoLatin2, "latin2": .isoLatin2, "windows-1250": .windowsCP1250,
        "windows-1251": .windowsCP1251, "windows-1253": .windowsCP1253, "windows-1254": .windowsCP1254,
        "shift_jis": .shiftJIS, "euc-jp": .japaneseEUC, "iso-2022-jp": .iso2022JP, "macintosh": .macOSRoman,
    ]

    /// Windows-1252 0x80–0x9F.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D,
        0x17D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x2DC, 0x2122, 0x161, 0x203A,
        0x153, 0x9D, 0x17E, 0x178,
    ]

    /// Where ISO-8859-15 differs from ISO-8859-1.
    private static let latin9Changes: [UInt8: UInt32] = [
        0xA4: 0x20AC, 0xA6: 0x160, 0xA8: 0x161, 0xB4: 0x17D, 0xB8: 0x17E, 0xBC: 0x152, 0xBD: 0x153, 0xBE: 0x178,
    ]
}
