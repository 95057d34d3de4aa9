/// The quoted-printable content transfer encoding (RFC 2045 §6.7) of UTF-8 text.
///
/// Line breaks of the text (LF, CRLF or CR) become CRLF hard breaks. Printable ASCII but `=`
/// stays as it is; everything else is `=XX`. Space and tab are encoded at the end of a line,
/// where transports may strip them. Lines are at most 76 characters, soft breaks (`=` CRLF)
/// included, and never cut an `=XX` triple. As extra safety for careless transports, a `.` or
/// the `F` of `From ` that would start a line is encoded too. The output is 7-bit ASCII and
/// never contains `=_`, which is what makes our MIME boundaries safe.
enum QuotedPrintable {
    /// The longest encoded line, soft break included.
    static let lineLength = 76

    /// `text` encoded; lines separated by CRLF, the last without one.
    static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        var line: [UInt8] = []
        var first = true
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == 10 && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = byte == 13
            if byte == 10 || byte == 13 {
                if !first { out += [13, 10] }
                encodeLine(line, into: &out)
                line.removeAll(keepingCapacity: true)
                first = false
            } else {
                line.append(byte)
            }
        }
        if !first { out += [13, 10] }
        encodeLine(line, into: &out)
        return out
    }

    /// One line of the text (no line breaks in it), with soft breaks as needed.
    private static func encodeLine(_ bytes: [UInt8], into out: inout [UInt8]) {
        var column = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            var token = encoded(byte, at: bytes, index, isLast: isLast, lineStart: column == 0)
            if column + token.count > (isLast ? lineLength : lineLength - 1) {
                out += [UInt8(ascii: "="), 13, 10]
                column = 0
                token = encoded(byte, at: bytes, index, isLast: isLast, lineStart: true)
            }
            out += token
            column += token.count
        }
    }

    /// How `bytes[index]` is written.
    private static func encoded(_ byte: UInt8, at bytes: [UInt8], _ index: Int, isLast: Bool, lineStart: Bool)
        -> [UInt8]
    {
        let isBlank = byte == 0x20 || byte == 0x09
        var literal = (33...126).contains(byte) && byte != UInt8(ascii: "=") || (isBlank && !isLast)
        if lineStart && byte == UInt8(ascii: ".") { literal = false }
        if lineStart && byte == UInt8(ascii: "F") && bytes[index...].starts(with: Array("From ".utf8)) {
            literal = false
        }
        guard !literal else { return [byte] }
        return [UInt8(ascii: "=")] + Array(EncodedWord.hexByte(byte).utf8)
    }
}
