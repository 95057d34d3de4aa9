import Foundation

/// The one error type that reaches the edges (control API, command line, logs).
///
/// The API maps ``Code`` to an HTTP status once; `followupctl` maps it to an exit status once.
public struct FollowupError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; extensible, compared by value.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input is invalid; ``FollowupError/field`` names what to fix.
        public static let invalidInput = Code(rawValue: "invalid_input")
        /// No such case (or other addressed thing).
        public static let notFound = Code(rawValue: "not_found")
        /// The event is not allowed in the case's current state.
        public static let conflict = Code(rawValue: "conflict")
        /// The caller may not do this.
        public static let forbidden = Code(rawValue: "forbidden")
        /// Storage cannot be reached or written right now; try again.
        public static let storageUnavailable = Code(rawValue: "storage_unavailable")
        /// The configuration is refused.
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        /// The database's schema could not be brought up to date (a migration failed, or the
        /// database was made by a newer release); the database is left as it was. The daemon
        /// exits 78: starting again changes nothing until a person acts.
        public static let migrationFailed = Code(rawValue: "migration_failed")
        /// A request with the same `Idempotency-Key` was already carried out.
        public static let duplicateRequest = Code(rawValue: "duplicate_request")
        /// Something that should not happen did; the message says what.
        public static let internalError = Code(rawValue: "internal")
    }

    /// The kind of failure.
    public var code: Code
    /// A sentence a person can act on.
    public var message: String
    /// The input field at fault, for ``Code/invalidInput``.
    public var field: String?
    /// The error underneath, when there is one (never shown to API clients verbatim).
    public var underlying: (any Error)?

    public init(_ code: Code, _ message: String, field: String? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.underlying = underlying
    }

    public var description: String { message }

    /// An invalid value for `field`.
    public static func invalid(_ field: String, _ message: String) -> FollowupError {
        FollowupError(.invalidInput, "\(field): \(message)", field: field)
    }

    /// An event the case's state does not allow.
    public static func refused(_ event: String, in state: CaseState, of id: CaseID) -> FollowupError {
        FollowupError(
            .conflict, "\(id) is \(state.rawValue): the event \(event) is not allowed in that state")
    }
}
