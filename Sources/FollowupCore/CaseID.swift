import Foundation

/// A case's identifier, `FU-<n>` with n from 1.
public struct CaseID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The case's number.
    public var number: Int64

    public init(_ number: Int64) { self.number = number }

    /// Reads `FU-12`, `fu-12` or `12`.
    public init?(parsing text: String) {
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        if digits.uppercased().hasPrefix("FU-") { digits = digits.dropFirst(3) }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let number = Int64(digits), number > 0 else {
            return nil
        }
        self.number = number
    }

    public var description: String { "FU-\(number)" }

    /// The tag carried in mail subjects: `[FU-12]`.
    public var tag: String { "[\(description)]" }

    public static func < (lhs: CaseID, rhs: CaseID) -> Bool { lhs.number < rhs.number }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = CaseID(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\(text) is not a case id (FU-<n>)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
