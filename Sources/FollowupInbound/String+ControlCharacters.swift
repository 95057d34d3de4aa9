import Foundation

extension StringProtocol {
    /// The text with every control character (C0, tab and line breaks included, DEL and C1)
    /// made a space.
    ///
    /// Header values come from strangers: a NUL, a lone CR or an escape sequence in a
    /// Message-ID, an address or a subject must not reach storage (PostgreSQL refuses NUL in
    /// text), logs or a terminal. Folding has already removed the line breaks that belong to
    /// the format, so whatever control character is left is noise.
    var withoutControlCharacters: String {
        let isControl = { (scalar: Unicode.Scalar) in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
        }
        guard unicodeScalars.contains(where: isControl) else { return String(self) }
        var scalars = String.UnicodeScalarView()
        for scalar in unicodeScalars { scalars.append(isControl(scalar) ? " " : scalar) }
        return String(scalars)
    }
}
