import Foundation

/// Line-level clean-ups of decoded body text.
enum LineText {
    /// `text` with CRLF and lone CR turned into LF.
    static func normalizedBreaks(_ text: String) -> String {
        guard text.utf8.contains(0x0D) else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// `text` with trailing blanks of every line removed, runs of blank lines cut to one, and no
    /// blank lines at the start or end.
    static func tidied(_ text: String) -> String {
        var lines: [Substring] = []
        var blank = 0
        for line in normalizedBreaks(text).split(separator: "\n", omittingEmptySubsequences: false) {
            var trimmed = line
            while let last = trimmed.last, last == " " || last == "\t" || last == "\u{A0}" {
                trimmed = trimmed.dropLast()
            }
            if trimmed.isEmpty {
                blank += 1
                continue
            }
            if !lines.isEmpty && blank > 0 { lines.append("") }
            blank = 0
            lines.append(trimmed)
        }
        return lines.joined(separator: "\n")
    }

    /// Text of `format=flowed` (RFC 3676) with soft line breaks joined: a line ending in a space
    /// continues on the next line of the same quote depth; space-stuffing is removed and, with
    /// `deleteSpace` (`DelSp=yes`), so is the space before a soft break. The signature line `-- `
    /// stays hard.
    static func unflowed(_ text: String, deleteSpace: Bool) -> String {
        // The paragraph being joined grows in place (`open`), so joining n soft lines costs
        // O(total length), not O(n × length) as rebuilding the string for every line would.
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var open = false
        var openDepth = 0
        for rawLine in normalizedBreaks(text).split(separator: "\n", omittingEmptySubsequences: false) {
            let depth = rawLine.prefix { $0 == ">" }.count
            var line = rawLine.dropFirst(depth)
            if line.hasPrefix(" ") { line = line.dropFirst() }
            let soft = line.hasSuffix(" ") && line != "-- "
            if soft && deleteSpace { line = line.dropLast() }
            if !open || depth != openDepth {
                if open { out.append("\n") }
                if depth > 0 {
                    out.append(String(repeating: ">", count: depth))
                    out.append(" ")
                }
                open = true
                openDepth = depth
            }
            out.append(contentsOf: line)
            if !soft {
                out.append("\n")
                open = false
            }
        }
        // Every line ended with a break above; the text as a whole has none at its end.
        if !open, !out.isEmpty { out.removeLast() }
        return out
    }
}
