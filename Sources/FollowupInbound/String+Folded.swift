import Foundation

extension StringProtocol {
    /// The text in lower case without diacritics (`Automática` → `automatica`), for matching
    /// phrases whoever typed them; other characters, spacing included, are kept.
    ///
    /// Linear in the length: Foundation's canonical decomposition of one long string moves the
    /// rest of its buffer for every character it expands (a 1 MiB line of Portuguese took
    /// seconds), so the text is decomposed a slice of characters at a time. Decomposition and
    /// the reordering of combining marks never cross a character (grapheme) boundary, so the
    /// slices give the same result as the whole.
    var folded: String {
        let lowered = String(self).lowercased()
        if lowered.utf8.allSatisfy({ $0 < 0x80 }) { return lowered }
        var scalars = String.UnicodeScalarView()
        var slice = ""
        var sliceCount = 0
        func flush() {
            for scalar in slice.decomposedStringWithCanonicalMapping.unicodeScalars
            where !(0x300...0x36F).contains(scalar.value) {
                scalars.append(scalar)
            }
            slice = ""
            sliceCount = 0
        }
        for character in lowered {
            slice.append(character)
            sliceCount += 1
            if sliceCount == 256 { flush() }
        }
        flush()
        return String(scalars)
    }
}
