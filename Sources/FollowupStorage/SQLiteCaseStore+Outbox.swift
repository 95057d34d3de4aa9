import FollowupCore
import Foundation
import GRDB

extension SQLiteCaseStore {
    public func claimNotifications(now: Date, limit: Int, leaseUntil: Date) async throws -> [OutboxMessage] {
        try await write { db in
            // The oldest pending row of each case and recipient channel (head of line), due now.
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM outbox o
                        WHERE o.state = 'pending' AND o.next_attempt_at <= ?
                          AND (o.case_id IS NULL OR NOT EXISTS (
                            SELECT 1 FROM outbox p
                            WHERE p.state = 'pending' AND p.case_id = o.case_id AND p.channel = o.channel
                              AND p.recipient = o.recipient
                              AND (p.created_at < o.created_at OR (p.created_at = o.created_at AND p.id < o.id))))
                        ORDER BY o.next_attempt_at
                        LIMIT ?
                        """),
                arguments: [now.timeIntervalSince1970, limit])
            let lease = try db.cachedStatement(
                sql: "UPDATE outbox SET next_attempt_at = ?1, lease_until = ?1 WHERE id = ?2")
            return try rows.map { row in
                let message = Self.outboxMessage(row)
                try lease.execute(arguments: [leaseUntil.timeIntervalSince1970, message.id])
                return message
            }
        }
    }

    public func recordDeliveries(_ records: [DeliveryRecord]) async throws {
        guard !records.isEmpty else { return }
        try await write { db in
            var writer = ChangeWriter(db: db)
            for record in records {
                let number =
                    try Int.fetchOne(
                        db.cachedStatement(
                            sql: "SELECT COALESCE(MAX(attempt), 0) + 1 FROM deliveries WHERE notification_id = ?"),
                        arguments: [record.id]) ?? 1
                let attempt = record.attempt
                let at = attempt.at.timeIntervalSince1970
                try writer.run(
                    sql: """
                        INSERT INTO deliveries (notification_id, attempt, at, result, http_status, exit_status, error)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        record.id, number, at, attempt.result, attempt.httpStatus, attempt.exitStatus, attempt.error,
                    ])
                switch record.next {
                case .delivered:
                    try writer.run(
                        sql: """
                            UPDATE outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = ?,
                                last_error = NULL, lease_until = NULL
                            WHERE id = ? AND state = 'pending'
                            """,
                        arguments: [at, record.id])
                    if db.changesCount == 1 {
                        writer.count(outbox: .pending, -1)
                        writer.count(outbox: .delivered, 1)
                    }
                case .retry(let next):
                    try writer.run(
                        sql: """
                            UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?,
                                lease_until = NULL
                            WHERE id = ? AND state = 'pending'
                            """,
                        arguments: [next.timeIntervalSince1970, attempt.error, record.id])
                case .failed:
                    try writer.run(
                        sql: """
                            UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?,
                                lease_until = NULL
                            WHERE id = ? AND state = 'pending'
                            """,
                        arguments: [attempt.error, record.id])
                    if db.changesCount == 1 {
                        writer.count(outbox: .pending, -1)
                        writer.count(outbox: .failed, 1)
                    }
                }
                for message in record.also { try writer.queue(message) }
            }
            try writer.flushCounters()
        }
    }

    public func releaseClaims(now: Date) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: "UPDATE outbox SET next_attempt_at = ?, lease_until = NULL WHERE lease_until IS NOT NULL",
                arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    @discardableResult
    public func fold(_ ids: [String], into digest: OutboxMessage) async throws -> [String] {
        try await write { db in
            var writer = ChangeWriter(db: db)
            var folded: [String] = []
            for id in ids {
                try writer.run(
                    sql: "UPDATE outbox SET state = 'digested', digest_id = ? WHERE id = ? AND state = 'pending'",
                    arguments: [digest.id, id])
                if db.changesCount == 1 { folded.append(id) }
            }
            guard !folded.isEmpty else { return folded }
            writer.count(outbox: .pending, -folded.count)
            writer.count(outbox: .digested, folded.count)
            try writer.queue(digest)
            try writer.flushCounters()
            return folded
        }
    }

    public func nextNotificationDue() async throws -> Date? {
        try await read { db in
            let pending = try Double.fetchOne(
                db, sql: "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'")
            let reminder = try Double.fetchOne(
                db, sql: "SELECT MIN(ack_due_at) FROM outbox WHERE ack_due_at IS NOT NULL")
            return [pending, reminder].compactMap { $0 }.min().map(Date.init(timeIntervalSince1970:))
        }
    }

    public func notification(_ id: String) async throws -> OutboxMessage? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE id = ?", arguments: [id]).map(Self.outboxMessage)
        }
    }

    public func deliveryAttempts(of id: String) async throws -> [DeliveryAttempt] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM deliveries WHERE notification_id = ? ORDER BY attempt", arguments: [id]
            ).map { row in
                DeliveryAttempt(
                    number: row["attempt"], at: Date(timeIntervalSince1970: row["at"]), result: row["result"],
                    httpStatus: row["http_status"], exitStatus: row["exit_status"], error: row["error"])
            }
        }
    }

    public func requeueNotification(_ id: String, at now: Date) async throws -> OutboxMessage {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE id = ?", arguments: [id]) else {
                throw FollowupError(.notFound, "there is no notification \(id) (see followupctl outbox)")
            }
            var message = Self.outboxMessage(row)
            guard message.state == .failed else {
                throw FollowupError(
                    .conflict, "notification \(id) is \(message.state.rawValue): only a failed one is queued again")
            }
            var writer = ChangeWriter(db: db)
            try writer.run(
                sql: "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ?",
                arguments: [now.timeIntervalSince1970, id])
            writer.count(outbox: .failed, -1)
            writer.count(outbox: .pending, 1)
            try writer.flushCounters()
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
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE id = ?", arguments: [id]) else {
                throw FollowupError(.notFound, "there is no notification \(id) (see followupctl outbox)")
            }
            let message = Self.outboxMessage(row)
            guard message.needsAck, let group = message.ackGroup else {
                throw FollowupError(
                    .conflict, "notification \(id) (\(message.event.rawValue)) does not need an acknowledgement")
            }
            let first = try Row.fetchOne(
                db, sql: "SELECT * FROM outbox WHERE ack_group = ? AND acked_at IS NOT NULL LIMIT 1",
                arguments: [group])
            if let first { return Self.outboxMessage(first) }
            var writer = ChangeWriter(db: db)
            try writer.run(
                sql: "UPDATE outbox SET acked_by = ?, acked_at = ?, ack_due_at = NULL WHERE ack_group = ?",
                arguments: [by, now.timeIntervalSince1970, group])
            if let caseID = message.caseID, let current = try Self.loadCase(caseID, db),
                let change = try onCase(current, message)
            {
                try writer.save(change, previousState: current.state)
            }
            try writer.flushCounters()
            var acknowledged = message
            acknowledged.acknowledgedBy = by
            acknowledged.acknowledgedAt = now
            acknowledged.ackDueAt = nil
            return acknowledged
        }
    }

    public func overdueAcknowledgements(now: Date, limit: Int) async throws -> [OutboxMessage] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox WHERE ack_due_at <= ? AND acked_at IS NULL ORDER BY ack_due_at LIMIT ?
                    """,
                arguments: [now.timeIntervalSince1970, limit]
            ).map(Self.outboxMessage)
        }
    }

    @discardableResult
    public func remind(group: String, with reminders: [OutboxMessage], nextDueAt: Date?) async throws -> Bool {
        try await write { db in
            let open = try Bool.fetchOne(
                db, sql: "SELECT acked_at IS NULL FROM outbox WHERE id = ?", arguments: [group])
            guard open == true else { return false }
            var writer = ChangeWriter(db: db)
            for message in reminders { try writer.queue(message) }
            try writer.run(
                sql: "UPDATE outbox SET reminders = reminders + 1, ack_due_at = ? WHERE id = ?",
                arguments: [nextDueAt?.timeIntervalSince1970, group])
            try writer.flushCounters()
            return true
        }
    }

    public func queueNotifications(_ messages: [OutboxMessage]) async throws {
        guard !messages.isEmpty else { return }
        try await write { db in
            var writer = ChangeWriter(db: db)
            for message in messages { try writer.queue(message) }
            try writer.flushCounters()
        }
    }

    public func postNotice(_ notice: Notice, notifications: [OutboxMessage]) async throws {
        let document = try DocumentCoding.encoder().encode(notice)
        try await write { db in
            var writer = ChangeWriter(db: db)
            try writer.run(
                sql: "INSERT INTO notices (id, posted_at, doc) VALUES (?, ?, ?)",
                arguments: [notice.id, notice.postedAt.timeIntervalSince1970, document])
            for message in notifications { try writer.queue(message) }
            try writer.flushCounters()
        }
    }

    public func notice(_ id: String) async throws -> Notice? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT doc FROM notices WHERE id = ?", arguments: [id]).map {
                try DocumentCoding.decoder().decode(Notice.self, from: $0)
            }
        }
    }

    public func notices(limit: Int) async throws -> [Notice] {
        try await read { db in
            try Data.fetchAll(db, sql: "SELECT doc FROM notices ORDER BY posted_at DESC LIMIT ?", arguments: [limit])
                .map { try DocumentCoding.decoder().decode(Notice.self, from: $0) }
        }
    }

    public func acknowledgeNotice(_ id: String, owner: String, by: String, at now: Date) async throws -> Notice {
        try await write { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT doc FROM notices WHERE id = ?", arguments: [id]) else {
                throw FollowupError(.notFound, "there is no notice \(id) (see followupctl notice show)")
            }
            var notice = try DocumentCoding.decoder().decode(Notice.self, from: data)
            guard let index = notice.recipients.firstIndex(where: { $0.owner.lowercased() == owner.lowercased() })
            else {
                throw FollowupError.invalid(
                    "owner", "\(owner) is not one of the technicians of notice \(id) (the owners of the configuration)")
            }
            guard notice.recipients[index].acknowledgedAt == nil else { return notice }
            notice.recipients[index].acknowledgedAt = now
            notice.recipients[index].acknowledgedBy = by
            try db.execute(
                sql: "UPDATE notices SET doc = ? WHERE id = ?",
                arguments: [try DocumentCoding.encoder().encode(notice), id])
            if let group = notice.recipients[index].acknowledge {
                try db.execute(
                    sql: """
                        UPDATE outbox SET acked_by = ?, acked_at = ?, ack_due_at = NULL
                        WHERE ack_group = ? AND acked_at IS NULL
                        """,
                    arguments: [by, now.timeIntervalSince1970, group])
            }
            return notice
        }
    }
}
