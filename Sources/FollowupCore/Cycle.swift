import Foundation

/// The window that starts when our contact is sent (§2); resend and report deadlines count
/// from its start.
public struct Cycle: Sendable, Hashable, Codable {
    /// 1 for the cycle started at opening, then one more per restart.
    public var number: Int
    /// When the contact that started it was sent.
    public var startedAt: Date
    /// Resends the daemon carried out in this cycle.
    public var resends: Int
    /// Whether an acknowledgement (`ack`) came back in this cycle: resends stop, and a report
    /// then has the reason `no_information`.
    public var acknowledged: Bool
    /// Owner reminders sent in this cycle (a third-party case's; capped by
    /// `policy.max_owner_reminders`).
    public var ownerReminders: Int
    /// The resend and report durations of the policy in force when the cycle started: a
    /// reload applies from the next cycle (§3), also when the priority flag changes during
    /// this one. Nil in cycles stored before this was kept (the policy in force then counts).
    public var durations: CycleDurations?
    /// The same for a priority case (the policy with `policy.priority` applied).
    public var priorityDurations: CycleDurations?

    public init(
        number: Int, startedAt: Date, resends: Int = 0, acknowledged: Bool = false, ownerReminders: Int = 0
    ) {
        self.number = number
        self.startedAt = startedAt
        self.resends = resends
        self.acknowledged = acknowledged
        self.ownerReminders = ownerReminders
    }

    enum CodingKeys: String, CodingKey {
        case number, resends, acknowledged, durations
        case startedAt = "started_at"
        case ownerReminders = "owner_reminders"
        case priorityDurations = "priority_durations"
    }
}

extension Cycle {
    /// Reads a stored cycle; documents written before `owner_reminders` existed count none
    /// (their reminders then stop once the cap's number more were sent), and those written
    /// before the durations were kept have none (the policy in force counts).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        number = try container.decode(Int.self, forKey: .number)
        startedAt = try container.decode(Date.self, forKey: .startedAt)
        resends = try container.decode(Int.self, forKey: .resends)
        acknowledged = try container.decode(Bool.self, forKey: .acknowledged)
        ownerReminders = try container.decodeIfPresent(Int.self, forKey: .ownerReminders) ?? 0
        durations = try container.decodeIfPresent(CycleDurations.self, forKey: .durations)
        priorityDurations = try container.decodeIfPresent(CycleDurations.self, forKey: .priorityDurations)
    }
}

/// The durations that place a cycle's resends and report, kept with the cycle.
public struct CycleDurations: Sendable, Hashable, Codable {
    /// Resend *k* is due `k × resendAfter` after the cycle's start.
    public var resendAfter: WorkDuration
    /// How many resends the cycle may have.
    public var maxResends: Int
    /// The report is due `reportAfter` after the cycle's start.
    public var reportAfter: WorkDuration

    public init(_ policy: CasePolicy) {
        resendAfter = policy.resendAfter
        maxResends = policy.maxResends
        reportAfter = policy.reportAfter
    }

    enum CodingKeys: String, CodingKey {
        case resendAfter = "resend_after"
        case maxResends = "max_resends"
        case reportAfter = "report_after"
    }
}

/// A repeating reminder: reminder k is due at `base + (k − resumedAfter) × every` on the
/// case's calendar.
///
/// A series never makes up for elapsed periods one by one: when a reminder fires after the
/// next one was already due (the daemon was down, or the series counts from long ago), that
/// one reminder stands for all of them and the series resumes from then.
public struct ReminderSeries: Sendable, Hashable, Codable {
    /// Distinguishes this series from earlier ones of the same case (part of the stage key).
    public var series: Int
    /// What the reminders count from: where the series was armed, or where it last resumed.
    public var base: Date
    /// The interval, read from the policy when the series was armed.
    public var every: WorkDuration
    /// Reminders already carried out.
    public var sent: Int
    /// When reminder `sent + 1` is due.
    public var nextAt: Date
    /// Reminders carried out when the series last resumed from `base` (0 while it never fell behind).
    public var resumedAfter: Int = 0
    /// How many owner reminders the cycle may have, read from the policy when the series was
    /// armed (nil: no cap recorded, as in series stored before the cap existed, which follow
    /// the current policy).
    public var limit: Int?

    /// Counts the reminder due at `now` as sent and arms the next one; returns its ordinal k.
    ///
    /// The next one is due `every` after the previous due time, or `every` after `now` when
    /// that moment already passed: at most one catch-up reminder, never one per elapsed period.
    mutating func advance(on calendar: WorkCalendar, now: Date) -> Int {
        sent += 1
        let next = calendar.adding(every.times(sent + 1 - resumedAfter), to: base)
        if next > now {
            nextAt = next
        } else {
            base = now
            resumedAfter = sent
            nextAt = calendar.adding(every, to: now)
        }
        return sent
    }

    enum CodingKeys: String, CodingKey {
        case series, base, every, sent, nextAt, limit
        case resumedAfter = "resumed_after"
    }
}

extension ReminderSeries {
    /// Reads a stored series; documents written before `resumed_after` existed never resumed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        series = try container.decode(Int.self, forKey: .series)
        base = try container.decode(Date.self, forKey: .base)
        every = try container.decode(WorkDuration.self, forKey: .every)
        sent = try container.decode(Int.self, forKey: .sent)
        nextAt = try container.decode(Date.self, forKey: .nextAt)
        resumedAfter = try container.decodeIfPresent(Int.self, forKey: .resumedAfter) ?? 0
        limit = try container.decodeIfPresent(Int.self, forKey: .limit)
    }
}

/// Every armed deadline of a case, stored as instants (§3 "Durable").
///
/// Reloading the configuration never moves these; a new policy applies from the next cycle.
public struct Timers: Sendable, Hashable, Codable {
    /// Due instants of the cycle's resends not yet carried out or skipped, earliest first;
    /// the first one is resend number `firstPendingResend`.
    public var resends: [Date]
    /// The ordinal of `resends.first`.
    public var firstPendingResend: Int
    /// When the attempts report is due (awaiting the partner only).
    public var report: Date?
    /// The owner's reminders while the case waits on us.
    public var ownerReminder: ReminderSeries?
    /// The reminders while the case waits on the client.
    public var clientReminder: ReminderSeries?
    /// When to warn about the client's deadline (the deadline itself is in the case).
    public var deadlineWarning: Date?
    /// When to warn about the scheduled implementation.
    public var implementationWarning: Date?
    /// When a case left `returned_to_client` with nothing new is closed (`policy.close_returned_after`);
    /// moved on by anything new recorded on the case, cleared when it leaves that state.
    public var closeReturned: Date?

    public init() {
        resends = []
        firstPendingResend = 1
    }

    /// Disarms the partner-facing timers (resends and report).
    public mutating func disarmPartnerTimers() {
        resends = []
        report = nil
    }
}
