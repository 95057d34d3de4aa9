/// Why a notification could not be prepared for delivery: a webhook secret that is not
/// usable, a body that cannot be rendered.
///
/// Messages never quote a secret; they name the webhook setting to fix.
public struct DeliveryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; extensible, compared by value.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The code's stable name (`invalid_secret`, …).
        public var rawValue: String
        /// A code by its stable name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The stable name.
        public var description: String { rawValue }

        /// A webhook secret that is not `whsec_` followed by non-empty base64.
        public static let invalidSecret = Code(rawValue: "invalid_secret")
        /// A notification that cannot be written in the requested shape.
        public static let unrenderable = Code(rawValue: "unrenderable")
    }

    /// The kind of failure.
    public var code: Code
    /// A sentence a person can act on; never holds a secret.
    public var message: String

    /// An error of `code` saying `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
