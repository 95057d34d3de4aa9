/// A configuration that cannot be used, with the key at fault and what is wrong with it.
///
/// `followupd --check-config` prints ``description`` and exits 78 (`EX_CONFIG`); a reload
/// that meets one keeps the running configuration.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The dotted path of the key at fault (`policy.resend_after`, `leaders[1].webhooks`), or
    /// ``file`` when the problem is the file itself (unreadable, not YAML).
    public var key: String
    /// What is wrong, in words a person can act on (it quotes the offending value).
    public var message: String

    /// The `key` of errors that concern the file rather than one of its keys.
    public static let file = "(file)"

    /// An error about one key.
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    /// `key: message`.
    public var description: String { "\(key): \(message)" }
}
