import Foundation

/// The `Content-Transfer-Encoding` of a MIME part (RFC 2045 §6), decoded tolerantly.
///
/// Bad input never fails: base64 skips characters outside its alphabet and restarts after
/// padding; quoted-printable keeps an `=` that starts no valid escape as it is. Unknown encodings
/// are taken as identity, like `7bit`, `8bit` and `binary`.
enum TransferEncoding: Hashable {
    case identity, quotedPrintable, base64

    /// The encoding a header value names (`base64`, `Quoted-Printable`, …).
    init(_ header: String?) {
        let name = header?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        switch name {
        case "base64": self = .base64
        case "quoted-printable": self = .quotedPrintable
        default: self = .identity
        }
    }

    /// `bytes` decoded.
    func decode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        switch self {
        case .identity: return Array(bytes)
        case .base64: return Self.base64(bytes)
        case .quotedPrintable: return Self.quotedPrintable(bytes)
        }
    }

    /// How many bytes `bytes` decode to, without keeping them (exact; base64 is counted, not decoded).
    func decodedSize(of bytes: ArraySlice<UInt8>) -> Int {
        switch self {
        case .identity: return bytes.count
        case .quotedPrintable: return Self.quotedPrintable(bytes).count
        case .base64:
            var size = 0
            Self.base64Groups(bytes) { _, count in size += count }
            return size
        }
    }

    /// Base64 (RFC 2045 §6.8); other characters are skipped, an incomplete group is decoded as far as it goes.
    static func base64(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 4 * 3 + 3)
        base64Groups(bytes) { group, count in
            out.append(UInt8(truncatingIfNeeded: group &>> 16))
            if count > 1 { out.append(UInt8(truncatingIfNeeded: group &>> 8)) }
            if count > 2 { out.append(UInt8(truncatingIfNeeded: group)) }
        }
        return out
    }

    /// Calls `body` with each decoded group of base64 (three bytes in the low 24 bits) and how many of
    /// its bytes are real (1 to 3; fewer at padding or at the end). Walks raw pointers, so 20 MB take
    /// well under a second even in unoptimised builds.
    private static func base64Groups(_ bytes: ArraySlice<UInt8>, _ body: (UInt32, Int) -> Void) {
        base64Values.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { input in
                guard var cursor = input.baseAddress, let values = table.baseAddress else { return }
                let end = cursor + input.count
                var group: UInt32 = 0
                var count = 0
                while cursor < end {
                    let value = (values + Int(cursor.pointee)).pointee
                    if value >= 0 {
                        group = group &<< 6 | UInt32(truncatingIfNeeded: value)
                        count &+= 1
                        if count == 4 {
                            body(group, 3)
                            group = 0
                            count = 0
                        }
                    } else if cursor.pointee == UInt8(ascii: "=") && count > 0 {
                        if count > 1 { body(group &<< UInt32(6 * (4 - count)), count - 1) }
                        group = 0
                        count = 0
                    }
                    cursor += 1
                }
                if count > 1 { body(group &<< UInt32(6 * (4 - count)), count - 1) }
            }
        }
    }

    /// Quoted-printable (RFC 2045 §6.7): `=XX` in either case, soft breaks (`=` at the end of a line,
    /// trailing blanks allowed), trailing blanks of lines removed; line breaks become LF.
    static func quotedPrintable(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        let all = Array(bytes)
        var start = 0
        while start < all.count {
            let (content, next) = ByteLines.line(in: all, from: start, to: all.count)
            var end = content.upperBound
            while end > content.lowerBound && (all[end - 1] == 0x20 || all[end - 1] == 0x09) { end -= 1 }
            var soft = false
            var index = content.lowerBound
            while index < end {
                let byte = all[index]
                if byte == UInt8(ascii: "=") {
                    if index + 1 == end {
                        soft = true
                        index += 1
                        continue
                    }
                    if index + 2 < end, let high = hexValue(all[index + 1]), let low = hexValue(all[index + 2]) {
                        out.append(high << 4 | low)
                        index += 3
                        continue
                    }
                }
                out.append(byte)
                index += 1
            }
            let hadBreak = next > content.upperBound
            if hadBreak && !soft { out.append(0x0A) }
            start = next
        }
        return out
    }

    /// The value of a hexadecimal digit in either case.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// The value of each byte in the base64 alphabet, or -1.
    static let base64Values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = Int8(index)
        }
        return table
    }()
}
