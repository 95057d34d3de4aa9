import Foundation

extension StringProtocol {
    /// The text in lower case without diacritics (`Automática` → `automatica`), for matching
    /// phrases whoever typed them; other characters, spacing included, are kept.
    var folded: String {
        let decomposed = String(self).lowercased().decomposedStringWithCanonicalMapping
        var scalars = String.UnicodeScalarView()
        for scalar in decomposed.unicodeScalars where !(0x300...0x36F).contains(scalar.value) {
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
