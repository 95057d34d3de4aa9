/// One piece of a header field's body, as ``HeaderField`` lays it out on lines.
enum HeaderPiece: Hashable {
    /// Printable ASCII written as is and never split; a fold may come before it.
    case word(String)
    /// Free text carried in RFC 2047 encoded words, cut to fit the lines.
    case encoded(String)
}

/// A header field folded at 78 columns (RFC 5322 §2.2.3), pieces separated by one space.
///
/// A fold (CRLF, then the separating space) is only ever placed between pieces or between two
/// encoded words, never inside one. A line is longer than 78 octets only when a single
/// ``HeaderPiece/word(_:)`` is (a long Message-ID or address), never more than 998 because
/// every caller bounds its words.
struct HeaderField: Hashable {
    /// Where lines are folded.
    static let foldWidth = 78
    /// Below this many free columns, encoded text that does not fit moves to the next line
    /// rather than leaving a stub word at the end of this one.
    static let stubWidth = 40

    /// The field name (`Subject`, `Content-Type`, …).
    var name: String
    /// The field body's pieces, in order.
    var pieces: [HeaderPiece]

    /// The field as lines, each ending in CRLF.
    func rendered() -> String {
        var out = name + ":"
        var column = out.utf8.count
        var started = false
        func append(_ token: String) {
            if started && column + 1 + token.utf8.count > Self.foldWidth {
                out += "\r\n"
                column = 0
            }
            out += " " + token
            column += 1 + token.utf8.count
            started = true
        }
        for piece in pieces {
            switch piece {
            case .word(let word):
                append(word)
            case .encoded(let text):
                let encoding = EncodedWord.preferredEncoding(for: text)
                let units = EncodedWord.units(of: text, encoding)
                var next = 0
                while next < units.count {
                    let room = Self.foldWidth - column - 1
                    var count = EncodedWord.fitting(units[next...], width: room, encoding)
                    let leavesStub = started && count < units.count - next && room < Self.stubWidth
                    if count == 0 || leavesStub {
                        out += "\r\n"
                        column = 0
                        count = EncodedWord.fitting(units[next...], width: Self.foldWidth - 1, encoding)
                    }
                    append(EncodedWord.word(Array(units[next..<next + count].joined()), encoding))
                    next += count
                }
            }
        }
        return out + "\r\n"
    }

    /// An unstructured field (RFC 5322 §3.2.5) such as `Subject`, from free text.
    ///
    /// The text is normalised (``HeaderText/normalized(_:)``: line breaks become spaces).
    /// Words of printable ASCII stay as they are; runs of words with anything else, or with
    /// `=?` (which a reader could take for an encoded word), become encoded words. With
    /// `encodingLongWords`, so do ASCII words too long to fit a line, so that every line can
    /// be folded to 78 columns.
    static func unstructured(_ name: String, _ text: String, encodingLongWords: Bool) -> HeaderField {
        var pieces: [HeaderPiece] = []
        var pending: [Substring] = []
        func flush() {
            if !pending.isEmpty { pieces.append(.encoded(pending.joined(separator: " "))) }
            pending = []
        }
        let words = HeaderText.normalized(text).split(separator: " ")
        for (index, word) in words.enumerated() {
            let room = index == 0 ? foldWidth - name.utf8.count - 2 : foldWidth - 1
            let plain =
                word.utf8.allSatisfy { (33...126).contains($0) } && !word.contains("=?")
                && (!encodingLongWords || word.utf8.count <= room)
            if plain {
                flush()
                pieces.append(.word(String(word)))
            } else {
                pending.append(word)
            }
        }
        flush()
        return HeaderField(name: name, pieces: pieces)
    }

    /// A comma-separated address list (`To`, `Cc`, `Reply-To`).
    static func addresses(_ name: String, _ addresses: [MailAddress]) -> HeaderField {
        var pieces: [HeaderPiece] = []
        for (index, address) in addresses.enumerated() {
            var own = address.headerPieces
            if index < addresses.count - 1, case .word(let last)? = own.last {
                own[own.count - 1] = .word(last + ",")
            }
            pieces += own
        }
        return HeaderField(name: name, pieces: pieces)
    }
}
