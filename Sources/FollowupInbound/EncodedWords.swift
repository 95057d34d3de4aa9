import Foundation

/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) in header text, decoded.
///
/// Tolerant on purpose: words are found even when glued to other text, the encoding letter may be
/// lower case, over-long words are accepted, and a `*language` suffix on the charset is ignored.
/// White space between two encoded words is dropped (RFC 2047 §6.2); consecutive words in the same
/// charset are joined as bytes before being read, so a character split across two words survives.
/// Unknown charsets are read as described in ``Charset``.
enum EncodedWords {
    /// A piece of header text: literal text, or the bytes of an encoded word and its charset.
    private enum Piece {
        case text([UInt8])
        case word(bytes: [UInt8], charset: String)
    }

    /// `text` with every encoded word replaced by what it carries.
    static func decode(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        let bytes = Array(text.utf8)
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "="), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "?"),
                let (word, next) = word(in: bytes, at: index)
            {
                if !literal.isEmpty { pieces.append(.text(literal)) }
                literal.removeAll()
                pieces.append(word)
                index = next
            } else {
                literal.append(bytes[index])
                index += 1
            }
        }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        return joined(pieces)
    }

    /// The pieces as text: blanks between words dropped, same-charset neighbours joined.
    private static func joined(_ pieces: [Piece]) -> String {
        var out = ""
        var pendingBytes: [UInt8] = []
        var pendingCharset: String?
        func flush() {
            if let charset = pendingCharset { out += Charset.decode(pendingBytes, charset: charset) }
            pendingBytes.removeAll()
            pendingCharset = nil
        }
        for (position, piece) in pieces.enumerated() {
            switch piece {
            case .word(let bytes, let charset):
                if pendingCharset != nil && pendingCharset != charset { flush() }
                pendingCharset = charset
                pendingBytes += bytes
            case .text(let bytes):
                let blank = bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
                let betweenWords =
                    position > 0 && position + 1 < pieces.count && isWord(pieces[position - 1])
                    && isWord(pieces[position + 1])
                if blank && betweenWords { continue }
                flush()
                out += String(decoding: bytes, as: UTF8.self)
            }
        }
        flush()
        return out
    }

    private static func isWord(_ piece: Piece) -> Bool {
        if case .word = piece { return true }
        return false
    }

    /// The encoded word starting at `start` (on `=?`) and the index after it, or nil when there is none.
    private static func word(in bytes: [UInt8], at start: Int) -> (Piece, Int)? {
        var index = start + 2
        let charsetStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "?"), isCharsetByte(bytes[index]) {
            index += 1
            if index - charsetStart > 64 { return nil }
        }
        guard index > charsetStart, index + 2 < bytes.count, bytes[index] == UInt8(ascii: "?"),
            bytes[index + 2] == UInt8(ascii: "?")
        else { return nil }
        let charset = Charset.normalized(String(decoding: bytes[charsetStart..<index], as: UTF8.self))
        let encoding = bytes[index + 1] | 0x20
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        let textStart = index + 3
        var end = textStart
        while end < bytes.count, bytes[end] != UInt8(ascii: "?"), bytes[end] > 0x20, bytes[end] < 0x7F { end += 1 }
        guard end + 1 < bytes.count, bytes[end] == UInt8(ascii: "?"), bytes[end + 1] == UInt8(ascii: "=") else {
            return nil
        }
        let encoded = bytes[textStart..<end]
        let decoded = encoding == UInt8(ascii: "b") ? TransferEncoding.base64(encoded) : qDecoded(encoded)
        return (.word(bytes: decoded, charset: charset), end + 2)
    }

    /// The Q encoding: `_` is a space, `=XX` a byte, anything else itself.
    private static func qDecoded(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == UInt8(ascii: "_") {
                out.append(0x20)
            } else if byte == UInt8(ascii: "="), index + 2 < text.endIndex,
                let high = TransferEncoding.hexValue(text[index + 1]),
                let low = TransferEncoding.hexValue(text[index + 2])
            {
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }

    /// Letters, digits and the punctuation charset names use (`-`, `_`, `.`, `:`, `*`).
    private static func isCharsetByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: ":"), UInt8(ascii: "*"):
            return true
        default:
            return false
        }
    }
}
