import FollowupCore
import Foundation
import PostgresNIO

extension PostgresCaseStore {
    /// Claims with `FOR UPDATE SKIP LOCKED` (a row another node is claiming is left to it) and
    /// the embedded engine's head-of-line rule: per case and recipient channel only the oldest
    /// pending row is claimed. A leased row stays pending, so the rows behind it wait on every
    /// node until it is delivered, failed or released. The lease records this node in
    /// `claimed_by`.
    public func claimNotifications(now: Date, limit: Int, leaseUntil: Date) async throws -> [OutboxMessage] {
        try await transaction { writer in
            let rows = try await writer.rows(
                """
                SELECT * FROM outbox o
                WHERE o.state = 'pending' AND o.next_attempt_at <= \(now.timeIntervalSince1970)
                  AND (o.case_id IS NULL OR NOT EXISTS (
                    SELECT 1 FROM outbox p
                    WHERE p.state = 'pending' AND p.case_id = o.case_id AND p.channel = o.channel
                      AND p.recipient = o.recipient
                      AND (p.created_at < o.created_at OR (p.created_at = o.created_at AND p.id < o.id))))
                ORDER BY o.next_attempt_at
                LIMIT \(limit)
                FOR UPDATE OF o SKIP LOCKED
                """)
            let messages = try rows.map(Self.outboxMessage)
            guard !messages.isEmpty else { return messages }
            let lease = leaseUntil.timeIntervalSince1970
            try await writer.run(
                """
                UPDATE outbox SET next_attempt_at = \(lease), lease_until = \(lease), claimed_by = \(self.nodeID)
                WHERE id = ANY(\(messages.map(\.id)))
                """)
            return messages
        }
    }

    /// Records attempts; the row's state changes only when this node holds its lease or nobody
    /// does (a node whose lease ran out, and whose row another node has claimed since, leaves it
    /// alone: its attempt is kept in the history, the holder decides what follows).
    public func recordDeliveries(_ records: [DeliveryRecord]) async throws {
        guard !records.isEmpty else { return }
        try await transaction { writer in
            for record in records {
                let attempt = record.attempt
                let at = attempt.at.timeIntervalSince1970
                try await writer.run(
                    """
                    INSERT INTO deliveries (notification_id, attempt, at, result, http_status, exit_status, error)
                    SELECT \(record.id), COALESCE(MAX(attempt), 0) + 1, \(at), \(attempt.result), \(attempt.httpStatus),
                        \(attempt.exitStatus), \(attempt.error)
                    FROM deliveries WHERE notification_id = \(record.id)
                    """)
                switch record.next {
                case .delivered:
                    let changed = try await writer.rows(
                        """
                        UPDATE outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = \(at),
                            last_error = NULL, lease_until = NULL, claimed_by = NULL
                        WHERE id = \(record.id) AND state = 'pending'
                            AND (claimed_by IS NULL OR claimed_by = \(self.nodeID)) RETURNING 1
                        """)
                    if changed.count == 1 {
                        writer.count(outbox: .pending, -1)
                        writer.count(outbox: .delivered, 1)
                    }
                case .retry(let next):
                    try await writer.run(
                        """
                        UPDATE outbox SET attempts = attempts + 1, next_attempt_at = \(next.timeIntervalSince1970),
                            last_error = \(attempt.error), lease_until = NULL, claimed_by = NULL
                        WHERE id = \(record.id) AND state = 'pending'
                            AND (claimed_by IS NULL OR claimed_by = \(self.nodeID))
                        """)
                    writer.wakeOthers()
                case .failed:
                    let changed = try await writer.rows(
                        """
                        UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = \(attempt.error),
                            lease_until = NULL, claimed_by = NULL
                        WHERE id = \(record.id) AND state = 'pending'
                            AND (claimed_by IS NULL OR claimed_by = \(self.nodeID)) RETURNING 1
                        """)
                    if changed.count == 1 {
                        writer.count(outbox: .pending, -1)
                        writer.count(outbox: .failed, 1)
                    }
                    // The rows queued behind it in its line are free to go now.
                    writer.wakeOthers()
                }
                try await writer.queue(record.also)
            }
        }
    }

    /// Gives back the leases held by this node only (`claimed_by` is its ``nodeID``): another
    /// node's claims are its own business until their leases end.
    public func releaseClaims(now: Date) async throws -> Int {
        try await transaction { writer in
            let released = try await writer.rows(
                """
                UPDATE outbox SET next_attempt_at = \(now.timeIntervalSince1970), lease_until = NULL, claimed_by = NULL
                WHERE lease_until IS NOT NULL AND claimed_by = \(self.nodeID)
                RETURNING 1
                """
            ).count
            if released > 0 { writer.wakeOthers() }
            return released
        }
    }

    @discardableResult
    public func fold(_ ids: [String], into digest: OutboxMessage) async throws -> [String] {
        try await transaction { writer in
            let rows = try await writer.rows(
                """
                UPDATE outbox SET state = 'digested', digest_id = \(digest.id)
                WHERE id = ANY(\(ids)) AND state = 'pending' RETURNING id
                """)
            let changed = Set(try rows.map { try $0.decode(String.self) })
            var seen = Set<String>()
            let folded = ids.filter { changed.contains($0) && seen.insert($0).inserted }
            guard !folded.isEmpty else { return folded }
            writer.count(outbox: .pending, -folded.count)
            writer.count(outbox: .digested, folded.count)
            try await writer.queue([digest])
            // The digest is this node's to deliver, under the lease of the rows it folds.
            try await writer.run(
                "UPDATE outbox SET lease_until = next_attempt_at, claimed_by = \(self.nodeID) WHERE id = \(digest.id)")
            return folded
        }
    }

    public func nextNotificationDue() async throws -> Date? {
        let rows = try await rows(
            """
            SELECT LEAST(
                (SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'),
                (SELECT MIN(ack_due_at) FROM outbox WHERE ack_due_at IS NOT NULL))
            """)
        return try decoded(rows) { try $0.decode(Double?.self) }.first?.map(Date.init(timeIntervalSince1970:))
    }

    public func notification(_ id: String) async throws -> OutboxMessage? {
        try decoded(try await rows("SELECT * FROM outbox WHERE id = \(id)"), Self.outboxMessage).first
    }

    public func deliveryAttempts(of id: String) async throws -> [DeliveryAttempt] {
        let rows = try await rows(
            """
            SELECT attempt, at, result, http_status, exit_status, error FROM deliveries
            WHERE notification_id = \(id) ORDER BY attempt
            """)
        return try decoded(rows) { row in
            let (number, at, result, http, exit, error) = try row.decode(
                (Int, Double, String, Int?, Int?, String?).self)
            return DeliveryAttempt(
                number: number, at: Date(timeIntervalSince1970: at), result: result, httpStatus: http,
                exitStatus: exit, error: error)
        }
    }

    public func requeueNotification(_ id: String, at now: Date) async throws -> OutboxMessage {
        try await transaction { writer in
            guard let row = try await writer.rows("SELECT * FROM outbox WHERE id = \(id) FOR UPDATE").first else {
                throw FollowupError(.notFound, "there is no notification \(id) (see followupctl outbox)")
            }
            var message = try Self.outboxMessage(row)
            guard message.state == .failed else {
                throw FollowupError(
                    .conflict, "notification \(id) is \(message.state.rawValue): only a failed one is queued again")
            }
            try await writer.run(
                """
                UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = \(now.timeIntervalSince1970)
                WHERE id = \(id)
                """)
            writer.count(outbox: .failed, -1)
            writer.count(outbox: .pending, 1)
            writer.wakeOthers()
            message.state = .pending
            message.attempts = 0
            message.nextAttemptAt = now
            return message
        }
    }

    public func acknowledge(
        _ id: String, by: String, at now: Date,
        onCase: @escaping @Sendable (Case, OutboxMessage) throws -> StoredChange?
    ) async throws -> OutboxMessage {
        try await transaction { writer in
            guard let row = try await writer.rows("SELECT * FROM outbox WHERE id = \(id)").first else {
                throw FollowupError(.notFound, "there is no notification \(id) (see followupctl outbox)")
            }
            let message = try Self.outboxMessage(row)
            guard message.needsAck, let group = message.ackGroup else {
                throw FollowupError(
                    .conflict, "notification \(id) (\(message.event.rawValue)) does not need an acknowledgement")
            }
            // Lock the whole group, in id order, so that two nodes acknowledging at once take turns.
            let members = try await writer.rows(
                "SELECT * FROM outbox WHERE ack_group = \(group) ORDER BY id FOR UPDATE")
            if let first = try members.map(Self.outboxMessage).first(where: { $0.acknowledgedAt != nil }) {
                return first
            }
            try await writer.run(
                """
                UPDATE outbox SET acked_by = \(by), acked_at = \(now.timeIntervalSince1970), ack_due_at = NULL
                WHERE ack_group = \(group)
                """)
            if let caseID = message.caseID {
                let rows = try await writer.rows(
                    "SELECT doc, next_due_at FROM cases WHERE id = \(caseID.number) FOR UPDATE")
                if let row = rows.first {
                    let (document, due) = try row.decode((Data, Double?).self)
                    let current = try DocumentCoding.decoder().decode(Case.self, from: document)
                    if let change = try onCase(current, message) {
                        try await writer.save([
                            .init(
                                change: change, previousState: current.state,
                                previousDue: due.map(Date.init(timeIntervalSince1970:)))
                        ])
                    }
                }
            }
            var acknowledged = message
            acknowledged.acknowledgedBy = by
            acknowledged.acknowledgedAt = now
            acknowledged.ackDueAt = nil
            return acknowledged
        }
    }

    public func overdueAcknowledgements(now: Date, limit: Int) async throws -> [OutboxMessage] {
        let rows = try await rows(
            """
            SELECT * FROM outbox WHERE ack_due_at <= \(now.timeIntervalSince1970) AND acked_at IS NULL
            ORDER BY ack_due_at LIMIT \(limit)
            """)
        return try decoded(rows, Self.outboxMessage)
    }

    @discardableResult
    public func remind(group: String, with reminders: [OutboxMessage], nextDueAt: Date?) async throws -> Bool {
        try await transaction { writer in
            let rows = try await writer.rows("SELECT acked_at IS NULL FROM outbox WHERE id = \(group) FOR UPDATE")
            guard let open = try rows.first?.decode(Bool.self), open else { return false }
            try await writer.queue(reminders)
            try await writer.run(
                """
                UPDATE outbox SET reminders = reminders + 1, ack_due_at = \(nextDueAt?.timeIntervalSince1970)
                WHERE id = \(group)
                """)
            if nextDueAt != nil { writer.wakeOthers() }
            return true
        }
    }
}
