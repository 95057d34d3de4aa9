import Foundation

/// RFC 2047 encoded words in UTF-8 (`=?UTF-8?Q?…?=` or `=?UTF-8?B?…?=`).
///
/// Text is cut into *units*: one character (grapheme cluster) each, or one Unicode scalar when a
/// character is too long for a word on its own. Words are made of whole units, so a word never
/// ends inside a multi-byte UTF-8 sequence, and never inside a character unless that character
/// alone is too long for one word.
enum EncodedWord {
    /// The two RFC 2047 encodings.
    enum Encoding: Hashable {
        /// Quoted-printable-like; cheap for mostly-ASCII text such as Portuguese.
        case q
        /// Base64; cheap for text that is mostly non-ASCII.
        case b
    }

    /// The longest encoded word RFC 2047 §2 allows.
    static let maximumLength = 75
    /// `=?UTF-8?Q?` plus `?=`.
    static let overhead = 12

    /// How many characters `byte` takes in Q.
    ///
    /// Only letters, digits and `! * + - /` are written as themselves (the set RFC 2047 §5(3)
    /// allows in a phrase, which is also safe in unstructured text); space is `_`; anything
    /// else is `=XX`.
    static func qWidth(_ byte: UInt8) -> Int {
        isQLiteral(byte) || byte == 0x20 ? 1 : 3
    }

    /// The encoded text's length (without the 12 characters of framing) for `bytes`.
    static func encodedLength(of bytes: some Collection<UInt8>, _ encoding: Encoding) -> Int {
        switch encoding {
        case .q: return bytes.reduce(0) { $0 + qWidth($1) }
        case .b: return (bytes.count + 2) / 3 * 4
        }
    }

    /// The shorter encoding of `text` (Q when both are as long).
    static func preferredEncoding(for text: String) -> Encoding {
        encodedLength(of: text.utf8, .q) <= encodedLength(of: text.utf8, .b) ? .q : .b
    }

    /// `text` cut into units that each fit one encoded word in `encoding`.
    static func units(of text: String, _ encoding: Encoding) -> [[UInt8]] {
        var units: [[UInt8]] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if encodedLength(of: bytes, encoding) <= maximumLength - overhead {
                units.append(bytes)
            } else {
                units += character.unicodeScalars.map { Array(String($0).utf8) }
            }
        }
        return units
    }

    /// How many of `units`, from the first, fit one encoded word of at most `width` characters.
    static func fitting(_ units: ArraySlice<[UInt8]>, width: Int, _ encoding: Encoding) -> Int {
        let budget = min(width, maximumLength) - overhead
        var count = 0
        var bytes = 0
        var qLength = 0
        for unit in units {
            bytes += unit.count
            qLength += encodedLength(of: unit, .q)
            let length = encoding == .q ? qLength : (bytes + 2) / 3 * 4
            guard length <= budget else { break }
            count += 1
        }
        return count
    }

    /// The encoded word carrying `bytes` (UTF-8).
    static func word(_ bytes: [UInt8], _ encoding: Encoding) -> String {
        switch encoding {
        case .b:
            return "=?UTF-8?B?\(Data(bytes).base64EncodedString())?="
        case .q:
            var text = "=?UTF-8?Q?"
            for byte in bytes {
                if isQLiteral(byte) {
                    text.unicodeScalars.append(Unicode.Scalar(byte))
                } else if byte == 0x20 {
                    text += "_"
                } else {
                    text += "=" + hexByte(byte)
                }
            }
            return text + "?="
        }
    }

    /// Two upper-case hexadecimal digits.
    static func hexByte(_ byte: UInt8) -> String {
        return String(String.UnicodeScalarView([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]))
    }

    private static func isQLiteral(_ byte: UInt8) -> Bool {
        HeaderText.isAlphanumeric(byte) || qSymbols.contains(byte)
    }

    private static let qSymbols = Set("!*+-/".utf8)
    private static let digits = Array("0123456789ABCDEF".unicodeScalars)
}
