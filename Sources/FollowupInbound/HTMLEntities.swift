import Foundation

/// HTML character references: numeric (`&#231;`, `&#xE7;`) and the named ones mail actually uses.
enum HTMLEntities {
    /// The text of the reference whose name or number is `body` (between `&` and `;`), or nil.
    ///
    /// Numbers that are not Unicode scalars (0, surrogates, beyond U+10FFFF) give U+FFFD; the
    /// Windows-1252 numbers 128–159 that Word writes give the characters it meant.
    static func text(of body: [UInt8]) -> String? {
        guard let first = body.first else { return nil }
        guard first == UInt8(ascii: "#") else {
            return named[String(decoding: body, as: UTF8.self)]
        }
        var digits = body.dropFirst()
        var radix = 10
        if let mark = digits.first, mark | 0x20 == UInt8(ascii: "x") {
            radix = 16
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 8,
            let value = UInt32(String(decoding: digits, as: UTF8.self), radix: radix)
        else { return nil }
        if (0x80...0x9F).contains(value) {
            return Charset.windows1252([UInt8(value)][...])
        }
        guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return String(Character(scalar))
    }

    /// Named references, by name (case matters: `&Aacute;` is not `&aacute;`).
    static let named: [String: String] = {
        var table: [String: String] = [
            "nbsp": "\u{A0}", "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'",
            "copy": "©", "reg": "®", "trade": "™", "hellip": "…", "mdash": "—", "ndash": "–",
            "lsquo": "‘", "rsquo": "’", "sbquo": "‚", "ldquo": "“", "rdquo": "”", "bdquo": "„",
            "bull": "•", "middot": "·", "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "curren": "¤",
            "ordm": "º", "ordf": "ª", "deg": "°", "laquo": "«", "raquo": "»", "lsaquo": "‹", "rsaquo": "›",
            "times": "×", "divide": "÷", "plusmn": "±", "shy": "\u{AD}", "iexcl": "¡", "iquest": "¿",
            "sect": "§", "para": "¶", "micro": "µ", "sup1": "¹", "sup2": "²", "sup3": "³", "frac12": "½",
            "frac14": "¼", "frac34": "¾", "ensp": "\u{2002}", "emsp": "\u{2003}", "thinsp": "\u{2009}",
            "zwnj": "\u{200C}", "zwj": "\u{200D}", "lrm": "\u{200E}", "rlm": "\u{200F}", "dagger": "†",
            "Dagger": "‡", "permil": "‰", "prime": "′", "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓",
            "szlig": "ß", "acute": "´", "uml": "¨", "cedil": "¸", "macr": "¯", "not": "¬", "brvbar": "¦",
            "oelig": "œ", "OElig": "Œ", "scaron": "š", "Scaron": "Š", "yuml": "ÿ", "Yuml": "Ÿ", "fnof": "ƒ",
            "circ": "ˆ", "tilde": "˜", "eth": "ð", "ETH": "Ð", "thorn": "þ", "THORN": "Þ", "check": "✓",
        ]
        let accented: [(String, String, String)] = [
            ("a", "á", "Á"), ("e", "é", "É"), ("i", "í", "Í"), ("o", "ó", "Ó"), ("u", "ú", "Ú"), ("y", "ý", "Ý"),
        ]
        for (letter, lower, upper) in accented {
            table[letter + "acute"] = lower
            table[letter.uppercased() + "acute"] = upper
        }
        let marks: [(String, [(String, String, String)])] = [
            ("grave", [("a", "à", "À"), ("e", "è", "È"), ("i", "ì", "Ì"), ("o", "ò", "Ò"), ("u", "ù", "Ù")]),
            ("circ", [("a", "â", "Â"), ("e", "ê", "Ê"), ("i", "î", "Î"), ("o", "ô", "Ô"), ("u", "û", "Û")]),
            ("tilde", [("a", "ã", "Ã"), ("o", "õ", "Õ"), ("n", "ñ", "Ñ")]),
            ("uml", [("a", "ä", "Ä"), ("e", "ë", "Ë"), ("i", "ï", "Ï"), ("o", "ö", "Ö"), ("u", "ü", "Ü")]),
            ("cedil", [("c", "ç", "Ç")]), ("ring", [("a", "å", "Å")]), ("slash", [("o", "ø", "Ø")]),
        ]
        for (mark, letters) in marks {
            for (letter, lower, upper) in letters {
                table[letter + mark] = lower
                table[letter.uppercased() + mark] = upper
            }
        }
        table["aelig"] = "æ"
        table["AElig"] = "Æ"
        return table
    }()
}
