import Foundation

extension InboundMessage {
    /// One mailbox of an address field: the address and the display name, if any.
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        /// The address in lower case, without angle brackets (`suporte@sieg.example`). Usually
        /// `local@domain`; a bare name such as `mailer-daemon` is kept when that is all there is.
        public var address: String
        /// The display name, encoded words decoded and quotes removed; nil when there is none.
        public var name: String?

        /// A mailbox; `address` is lowered; control characters in either are spaces.
        public init(address: String, name: String? = nil) {
            self.address = address.withoutControlCharacters.lowercased()
            self.name = name?.withoutControlCharacters
        }

        /// The part after the last `@`, or "" when there is none.
        public var domain: String {
            guard let at = address.lastIndex(of: "@") else { return "" }
            return String(address[address.index(after: at)...])
        }

        /// `Name <address>`, or the address alone.
        public var description: String {
            guard let name else { return address }
            return "\(name) <\(address)>"
        }
    }
}
