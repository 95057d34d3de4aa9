import Foundation

/// Lines of raw mail bytes, each ended by LF or CRLF; a lone CR stays part of the line.
///
/// Lines are found with `memchr`, so walking past a 20 MB base64 attachment costs one call per
/// line and no copies.
enum ByteLines {
    /// The line that starts at `start`, before `end`: its content without the line break, and where
    /// the next line starts (`end` when there is none).
    static func line(in bytes: [UInt8], from start: Int, to end: Int) -> (content: Range<Int>, next: Int) {
        guard start < end else { return (end..<end, end) }
        let feed: Int = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, let found = memchr(base + start, 0x0A, end - start) else {
                return end
            }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
        }
        guard feed < end else { return (start..<end, end) }
        let contentEnd = feed > start && bytes[feed - 1] == 0x0D ? feed - 1 : feed
        return (start..<contentEnd, feed + 1)
    }

    /// Whether `bytes[range]` is empty or only spaces and tabs.
    static func isBlank(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        bytes[range].allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// Whether `bytes` at `start` begins with `prefix` (case-sensitive).
    static func hasPrefix(_ bytes: [UInt8], _ range: Range<Int>, _ prefix: [UInt8]) -> Bool {
        guard range.count >= prefix.count else { return false }
        var index = range.lowerBound
        for byte in prefix {
            guard bytes[index] == byte else { return false }
            index += 1
        }
        return true
    }

    /// `range` without the line break (LF or CRLF) that ends it, if any.
    static func droppingLineBreak(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var end = range.upperBound
        if end > range.lowerBound && bytes[end - 1] == 0x0A { end -= 1 }
        if end > range.lowerBound && bytes[end - 1] == 0x0D { end -= 1 }
        return range.lowerBound..<end
    }
}
