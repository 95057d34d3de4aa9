import FollowupCore
import Foundation
import PostgresNIO

extension PostgresCaseStore {
    /// SQLSTATE classes and codes meaning the database cannot be used right now: connection
    /// exceptions (08), insufficient resources (53), operator intervention (57: shutdown,
    /// cannot connect now), invalid authorization (28), an unknown database (3D000), and the
    /// races a transaction lost (40001, 40P01) once the retries are spent.
    static let unavailableStates: Set<String> = ["3D000", "40001", "40P01"]
    static let unavailableClasses: Set<Substring> = ["08", "28", "53", "57"]

    /// Whether a transaction failed for losing a race (deadlock or serialization failure): run
    /// it again.
    static func isRaceLost(_ error: any Error) -> Bool {
        guard let psql = unwrapped(error) as? PSQLError, psql.code == .server,
            let state = psql.serverInfo?[.sqlState]
        else { return false }
        return state == "40001" || state == "40P01"
    }

    /// The error underneath a failed transaction: what the closure threw, or else why BEGIN or
    /// COMMIT failed.
    static func unwrapped(_ error: any Error) -> any Error {
        guard let transaction = error as? PostgresTransactionError else { return error }
        return transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? error
    }

    /// Maps an engine error to ``FollowupError``, naming the database without its password.
    func mapped(_ error: any Error) -> any Error {
        let error = Self.unwrapped(error)
        if error is FollowupError || error is CancellationError { return error }
        if let psql = error as? PSQLError {
            if psql.code == .server {
                let state = psql.serverInfo?[.sqlState] ?? "?????"
                let message = psql.serverInfo?[.message] ?? "an error"
                if Self.unavailableStates.contains(state) || Self.unavailableClasses.contains(state.prefix(2)) {
                    return FollowupError(
                        .storageUnavailable, "the database \(location) is unavailable: \(message) (SQLSTATE \(state))",
                        underlying: error)
                }
                return FollowupError(
                    .internalError, "storage error: \(message) (SQLSTATE \(state))", underlying: error)
            }
            if psql.code == .queryCancelled, Task.isCancelled { return CancellationError() }
            return FollowupError(
                .storageUnavailable, "cannot reach the database \(location): \(Self.describe(psql))", underlying: error)
        }
        // The pool's own errors (its circuit breaker tripped after a minute of failed
        // connections, or it was shut down) come from a module PostgresNIO does not export.
        let poolError = String(reflecting: type(of: error)).hasSuffix(".ConnectionPoolError")
        if poolError || error is IOError || error is ChannelError || error is NIOConnectionError {
            return FollowupError(
                .storageUnavailable, "cannot reach the database \(location): \(error)", underlying: error)
        }
        return FollowupError(.internalError, "storage error: \(error)", underlying: error)
    }

    /// A client-side failure in words: its code and what lies under it (never the query, the
    /// configuration or the password).
    static func describe(_ error: PSQLError) -> String {
        var text = "\(error.code)"
        if let underlying = error.underlying { text += " (\(underlying))" }
        return text
    }
}
