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
        var out: [String] = []
        var current: String?
        var currentDepth = 0
        for rawLine in normalizedBreaks(text).split(separator: "\n", omittingEmptySubsequences: false) {
            let depth = rawLine.prefix { $0 == ">" }.count
            var line = rawLine.dropFirst(depth)
            if line.hasPrefix(" ") { line = line.dropFirst() }
            let soft = line.hasSuffix(" ") && line != "-- "
            var content = String(line)
            if soft && deleteSpace { content.removeLast() }
            let prefix = depth > 0 ? String(repeating: ">", count: depth) + " " : ""
            if let open = current, depth == currentDepth {
                current = open + content
            } else {
                if let open = current { out.append(open) }
                current = prefix + content
                currentDepth = depth
            }
            if !soft {
                out.append(current ?? "")
                current = nil
            }
        }
        if let open = current { out.append(open) }
        return out.joined(separator: "\n")
    }
}
