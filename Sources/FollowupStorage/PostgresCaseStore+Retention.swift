import FollowupCore
import Foundation
import PostgresNIO

extension PostgresCaseStore {
    /// The query of ``closedCases(changedBefore:after:limit:)``, with `$1` the cutoff, `$2`
    /// and `$3` the previous page's last key, `$4` the page size. Its `state` and `client`
    /// terms are literals, as the partial index `cases_closed` states them: the planner uses a
    /// partial index only when the query's own terms imply its condition.
    static let closedCasesSQL = """
        SELECT id, updated_at FROM cases
        WHERE state = 'closed' AND client <> '[erased]' AND updated_at <= $1 AND (updated_at, id) > ($2, $3)
        ORDER BY updated_at, id LIMIT $4
        """

    public func closedCases(changedBefore cutoff: Date, after: ClosedCaseKey?, limit: Int) async throws
        -> [ClosedCaseKey]
    {
        var keys: [ClosedCaseKey] = []
        for row in try await rows(Self.closedCasesQuery("", cutoff, after, limit)) {
            let (id, changedAt) = try row.decode((Int64, Double).self)
            keys.append(ClosedCaseKey(changedAt: Date(timeIntervalSince1970: changedAt), id: CaseID(id)))
        }
        return keys
    }

    /// How PostgreSQL runs retention's query with `cutoff` (`EXPLAIN`, one line per step). With
    /// `indexOnly` set, sequential scans are priced out for this one statement
    /// (`enable_seqscan = off`, in a transaction of its own): a small table is scanned
    /// whatever the indexes, so that shows whether an index can serve the query at all.
    public func closedCasesPlan(cutoff: Date = Date(), indexOnly: Bool = false) async throws -> [String] {
        let query = Self.closedCasesQuery("EXPLAIN ", cutoff, nil, 500)
        let logger = self.logger
        return try await read { connection in
            try await connection.withTransaction(logger: logger) { connection in
                if indexOnly { try await connection.query("SET LOCAL enable_seqscan = off", logger: logger) }
                var lines: [String] = []
                for try await line in try await connection.query(query, logger: logger).decode(String.self) {
                    lines.append(line)
                }
                return lines
            }
        }
    }

    static func closedCasesQuery(_ prefix: String, _ cutoff: Date, _ after: ClosedCaseKey?, _ limit: Int)
        -> PostgresQuery
    {
        var bindings = PostgresBindings()
        bindings.append(cutoff.timeIntervalSince1970)
        bindings.append(after?.changedAt.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude)
        bindings.append(after?.id.number ?? 0)
        bindings.append(Int64(limit))
        return PostgresQuery(unsafeSQL: prefix + closedCasesSQL, binds: bindings)
    }
}
