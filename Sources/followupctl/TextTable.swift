/// An aligned table for an 80-column terminal: a header row, then one row per item; columns
/// separated by two spaces. Cells too long for the width are cut with `…`.
///
/// When the natural widths do not fit, the flexible columns give up space, the widest first,
/// down to their minimum; fixed columns (ids, times, states) keep theirs.
struct TextTable: Sendable {
    /// One column.
    struct Column: Sendable {
        var title: String
        /// Whether this column may be narrowed (and its cells cut) to fit.
        var flexible: Bool
        /// The narrowest a flexible column gets.
        var minimum: Int
        /// Right-aligned (numbers).
        var rightAligned: Bool

        init(_ title: String, flexible: Bool = false, minimum: Int = 6, rightAligned: Bool = false) {
            self.title = title
            self.flexible = flexible
            self.minimum = minimum
            self.rightAligned = rightAligned
        }
    }

    var columns: [Column]
    var rows: [[String]] = []
    /// The width to fit, in characters.
    var width = 80

    init(_ columns: [Column], width: Int = 80) {
        self.columns = columns
        self.width = width
    }

    /// Adds a row; missing cells are empty, extra cells are dropped.
    mutating func append(_ cells: [String]) {
        rows.append((0..<columns.count).map { $0 < cells.count ? Self.oneLine(cells[$0]) : "" })
    }

    /// The widths each column gets.
    var widths: [Int] {
        var widths = columns.indices.map { index in
            rows.reduce(columns[index].title.count) { max($0, $1[index].count) }
        }
        let gaps = 2 * max(0, columns.count - 1)
        var excess = widths.reduce(gaps, +) - width
        while excess > 0 {
            // The widest flexible column still above its minimum gives up one character.
            let candidates = columns.indices.filter { columns[$0].flexible && widths[$0] > columns[$0].minimum }
            guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
            excess -= 1
        }
        return widths
    }

    /// The table as lines (no trailing spaces), header first.
    var lines: [String] {
        let widths = widths
        func render(_ cells: [String]) -> String {
            var line = ""
            for (index, cell) in cells.enumerated() {
                let fitted = Self.fit(cell, widths[index])
                let padding = String(repeating: " ", count: widths[index] - fitted.count)
                if index > 0 { line += "  " }
                line += columns[index].rightAligned ? padding + fitted : fitted + padding
            }
            return String(line.reversed().drop { $0 == " " }.reversed())
        }
        return [render(columns.map(\.title))] + rows.map(render)
    }

    /// The table as text, one line each, ending with a newline.
    var text: String { lines.map { $0 + "\n" }.joined() }

    /// `text` cut to `width` characters, ending with `…` when cut.
    static func fit(_ text: String, _ width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 0 else { return "" }
        return String(text.prefix(width - 1)) + "…"
    }

    /// Newlines and tabs as spaces: a cell stays on its row.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }

    /// Words of `text` wrapped to lines of at most `width` characters (a longer word is cut).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                var word = Substring(word)
                while word.count > width {
                    if !line.isEmpty {
                        lines.append(line)
                        line = ""
                    }
                    lines.append(String(word.prefix(width)))
                    word = word.dropFirst(width)
                }
                if line.isEmpty {
                    line = String(word)
                } else if line.count + 1 + word.count <= width {
                    line += " " + word
                } else {
                    lines.append(line)
                    line = String(word)
                }
            }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }
}
