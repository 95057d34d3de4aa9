import Foundation

/// An HTML body reduced to the text a person reads.
///
/// `script`, `style`, `head`, `title` and comments are dropped; `<br>` and the ends of blocks
/// (`</p>`, `</div>`, `<li>`, rows, headings, …) become line breaks; other tags disappear; runs of
/// white space collapse as a browser would (except inside `<pre>`); character references are
/// decoded and a no-break space becomes a plain space. Text inside `<blockquote>` gets a `> ` per
/// level, so a quoted history in HTML is recognised as quoted like in plain text. Tags that never
/// close are tolerated: the rest of the input is then text or skipped, never an error.
struct HTMLText {
    private let input: [UInt8]
    private var out: [UInt8] = []
    private var atLineStart = true
    private var pendingSpace = false
    private var quoteDepth = 0
    private var preDepth = 0

    /// The text of `html`.
    static func text(from html: String) -> String {
        var reader = HTMLText(input: Array(html.utf8))
        reader.run()
        return LineText.tidied(String(decoding: reader.out, as: UTF8.self))
    }

    private init(input: [UInt8]) {
        self.input = input
        out.reserveCapacity(input.count / 2)
    }

    /// The most `>` written before a quoted line, however deep the blockquotes nest.
    private static let deepestQuote = 8
    private static let skippedElements: Set<String> = ["script", "style", "head", "title", "xml", "template"]
    private static let blockElements: Set<String> = [
        "p", "div", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre", "dd", "dt", "dl",
        "section", "article", "header", "footer", "address", "center", "form", "fieldset", "tbody", "thead",
    ]

    private mutating func run() {
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "<"), let next = tag(at: index) {
                index = next
            } else if byte == UInt8(ascii: "&") {
                index = reference(at: index)
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                if preDepth > 0 {
                    if byte == 0x0A { hardBreak() } else if byte != 0x0D { emit([0x20]) }
                } else if !atLineStart {
                    pendingSpace = true
                }
                index += 1
            } else {
                emit([byte])
                index += 1
            }
        }
    }

    /// Reads the tag at `start` (on `<`) and returns where the text goes on, or nil when `<` is text.
    private mutating func tag(at start: Int) -> Int? {
        guard start + 1 < input.count else { return nil }
        let second = input[start + 1]
        if second == UInt8(ascii: "!") || second == UInt8(ascii: "?") {
            if starts(at: start, with: "<!--") {
                return find("-->", from: start + 4).map { $0 + 3 } ?? input.count
            }
            return find(">", from: start).map { $0 + 1 } ?? input.count
        }
        let closing = second == UInt8(ascii: "/")
        var index = start + (closing ? 2 : 1)
        let nameStart = index
        while index < input.count, isNameByte(input[index]) { index += 1 }
        guard index > nameStart, isLetter(input[nameStart]) else { return nil }
        let name = String(decoding: input[nameStart..<index], as: UTF8.self).lowercased()
        let end = endOfTag(from: index)
        let selfClosing = end > start + 1 && input[end - 2] == UInt8(ascii: "/")
        if !closing && !selfClosing && Self.skippedElements.contains(name) {
            guard let close = findCaseInsensitive("</" + name, from: end) else { return input.count }
            return endOfTag(from: close + 2 + name.utf8.count)
        }
        apply(name, closing: closing)
        return end
    }

    /// What an element does to the text layout.
    private mutating func apply(_ name: String, closing: Bool) {
        switch name {
        case "br": hardBreak()
        case "li": if !closing { softBreak() }
        case "blockquote":
            softBreak()
            quoteDepth = max(0, quoteDepth + (closing ? -1 : 1))
        case "td", "th": if !atLineStart { pendingSpace = true }
        case "pre":
            softBreak()
            preDepth = max(0, preDepth + (closing ? -1 : 1))
        default:
            if Self.blockElements.contains(name) { softBreak() }
        }
    }

    /// Decodes the character reference at `start` (on `&`), or writes the `&` as text.
    private mutating func reference(at start: Int) -> Int {
        var index = start + 1
        while index < input.count, index - start <= 33, isNameByte(input[index]) || input[index] == UInt8(ascii: "#") {
            index += 1
        }
        let body = Array(input[(start + 1)..<index])
        let terminated = index < input.count && input[index] == UInt8(ascii: ";")
        if terminated || body.first == UInt8(ascii: "#"), let text = HTMLEntities.text(of: body) {
            if text == "\u{A0}" {
                emit([0x20], collapsible: false)
            } else {
                emit(Array(text.utf8))
            }
            return terminated ? index + 1 : index
        }
        emit([UInt8(ascii: "&")])
        return start + 1
    }

    /// Writes text, with the quote prefix at a line start and a pending collapsed space before it.
    private mutating func emit(_ bytes: [UInt8], collapsible: Bool = true) {
        if atLineStart {
            if quoteDepth > 0 {
                out += Array(repeating: UInt8(ascii: ">"), count: min(quoteDepth, Self.deepestQuote)) + [0x20]
            }
        } else if pendingSpace {
            out.append(0x20)
        }
        pendingSpace = false
        atLineStart = false
        out += bytes
    }

    private mutating func hardBreak() {
        out.append(0x0A)
        atLineStart = true
        pendingSpace = false
    }

    private mutating func softBreak() {
        if !atLineStart { hardBreak() }
    }

    /// The index after the `>` closing a tag whose attributes start at `index` (quotes respected).
    private func endOfTag(from index: Int) -> Int {
        var index = index
        var quote: UInt8?
        while index < input.count {
            let byte = input[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return index + 1
            }
            index += 1
        }
        return input.count
    }

    private func starts(at index: Int, with text: String) -> Bool {
        let bytes = Array(text.utf8)
        return index + bytes.count <= input.count && Array(input[index..<(index + bytes.count)]) == bytes
    }

    private func find(_ text: String, from index: Int) -> Int? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, index < input.count else { return nil }
        var position = index
        while position + bytes.count <= input.count {
            if input[position] == first && Array(input[position..<(position + bytes.count)]) == bytes {
                return position
            }
            position += 1
        }
        return nil
    }

    private func findCaseInsensitive(_ text: String, from index: Int) -> Int? {
        let bytes = Array(text.lowercased().utf8)
        guard index < input.count else { return nil }
        var position = index
        outer: while position + bytes.count <= input.count {
            for (offset, byte) in bytes.enumerated() where input[position + offset] | 0x20 != byte | 0x20 {
                position += 1
                continue outer
            }
            return position
        }
        return nil
    }

    private func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    private func isNameByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ":")
    }
}
