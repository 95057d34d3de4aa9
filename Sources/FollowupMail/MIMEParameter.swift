/// A MIME parameter such as `filename` written so every piece fits a 78-column line.
///
/// Short printable ASCII values become `name="value"`. Anything else uses RFC 2231: UTF-8,
/// percent-encoded, `name*=utf-8''…`, split into `name*0*=utf-8''…; name*1*=…` continuations
/// when long. Sections are cut between characters, never inside a UTF-8 sequence.
enum MIMEParameter {
    /// The widest piece: a continuation line holds a space and 77 characters.
    static let pieceWidth = HeaderField.foldWidth - 1

    /// The parameter's pieces; every piece but the last ends in `;`.
    static func pieces(_ name: String, _ value: String) -> [HeaderPiece] {
        if value.utf8.allSatisfy(HeaderText.isPrintable) {
            var quoted = "\(name)=\""
            for character in value {
                if character == "\"" || character == "\\" { quoted += "\\" }
                quoted.append(character)
            }
            quoted += "\""
            if quoted.utf8.count <= pieceWidth { return [.word(quoted)] }
        }
        let units = value.map { percentEncoded(String($0)) }
        let whole = "\(name)*=utf-8''" + units.joined()
        if whole.utf8.count <= pieceWidth { return [.word(whole)] }

        var sections: [String] = []
        var current = ""
        func prefix(_ index: Int) -> String { index == 0 ? "\(name)*0*=utf-8''" : "\(name)*\(index)*=" }
        for unit in units {
            let width = prefix(sections.count).utf8.count + current.utf8.count + unit.utf8.count + 1
            if !current.isEmpty && width > pieceWidth {
                sections.append(prefix(sections.count) + current)
                current = ""
            }
            current += unit
        }
        sections.append(prefix(sections.count) + current)
        return sections.enumerated().map { index, section in
            .word(index < sections.count - 1 ? section + ";" : section)
        }
    }

    private static let attributeSymbols = Set("!#$&+-.^_`|~".utf8)

    /// RFC 2231 `attribute-char`s as they are, every other UTF-8 byte as `%XX`.
    private static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if HeaderText.isAlphanumeric(byte) || attributeSymbols.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + EncodedWord.hexByte(byte)
            }
        }
        return out
    }
}
