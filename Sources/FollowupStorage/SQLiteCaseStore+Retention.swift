import FollowupCore
import Foundation
import GRDB

extension SQLiteCaseStore {
    /// The query of ``closedCases(changedBefore:after:limit:)``. Its `state` and `client`
    /// terms are written as literals, as the partial index `cases_closed` states them: SQLite
    /// uses a partial index only when the query's own terms imply its condition. `INDEXED BY`:
    /// without statistics (the daemon runs no `ANALYZE`) SQLite prefers `cases_state`, which
    /// reads every closed case and sorts them.
    static let closedCasesSQL = """
        SELECT id, updated_at FROM cases INDEXED BY cases_closed
        WHERE state = 'closed' AND client <> '[erased]' AND updated_at <= ? AND (updated_at, id) > (?, ?)
        ORDER BY updated_at, id LIMIT ?
        """

    public func closedCases(changedBefore cutoff: Date, after: ClosedCaseKey?, limit: Int) async throws
        -> [ClosedCaseKey]
    {
        let arguments = Self.closedCasesArguments(cutoff, after, limit)
        return try await read { db in
            try Row.fetchAll(db, sql: Self.closedCasesSQL, arguments: arguments).map { row in
                ClosedCaseKey(
                    changedAt: Date(timeIntervalSince1970: row["updated_at"]), id: CaseID(row["id"] as Int64))
            }
        }
    }

    /// How SQLite runs retention's query (`EXPLAIN QUERY PLAN`, one line per step): a search
    /// of `cases_closed`, no scan of the cases and no sort.
    public func closedCasesPlan(cutoff: Date = Date()) async throws -> [String] {
        let arguments = Self.closedCasesArguments(cutoff, nil, 500)
        return try await read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Self.closedCasesSQL, arguments: arguments).map {
                $0["detail"] as String
            }
        }
    }

    static func closedCasesArguments(_ cutoff: Date, _ after: ClosedCaseKey?, _ limit: Int) -> StatementArguments {
        [
            cutoff.timeIntervalSince1970, after?.changedAt.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude,
            after?.id.number ?? 0, limit,
        ]
    }
}
