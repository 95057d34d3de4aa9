import Foundation

/// The durations that drive a case's timers (§3, `policy` of §6.2).
///
/// Zero means "off" for reminders, warnings, `ack_within` and `max_resends`; `resend_after`
/// and `report_after` must be positive and `max_resends × resend_after < report_after`.
public struct CasePolicy: Sendable, Hashable, Codable {
    /// Time after the cycle's start for resend *k* is `k × resendAfter`.
    public var resendAfter: WorkDuration
    /// How many resends a cycle may have (0: none).
    public var maxResends: Int
    /// Time after the cycle's start when the attempts report is due.
    public var reportAfter: WorkDuration
    /// Interval of the owner's reminders while the case waits on us (0: off).
    public var ownerReminderAfter: WorkDuration
    /// Interval of the reminders while the case waits on the client (0: off).
    public var clientReminderAfter: WorkDuration
    /// How long before a client deadline or an implementation the owner and leaders are warned (0: off).
    public var deadlineWarning: WorkDuration
    /// How long a notification that needs acknowledgement may wait for one (0: off).
    public var ackWithin: WorkDuration
    /// How long the owner has to record the contact with a cancelling client (0: off).
    public var cancellationContactWithin: WorkDuration
    /// Whether reports go to the owner only, or are also mailed to the client.
    public var reportToClient: ReportAudience
    /// How many owner reminders one cycle may have, then they stop until our next contact
    /// starts a new cycle (0: no cap).
    public var maxOwnerReminders: Int
    /// How long a case may stay `returned_to_client` with nothing new before the daemon
    /// closes it (0: never).
    public var closeReturnedAfter: WorkDuration

    /// The report's recipients on the client side.
    public enum ReportAudience: String, Sendable, Hashable, Codable {
        /// The owner receives the report with the request ready to send to the client.
        case owner
        /// The daemon also mails the client when the client's address is known.
        case auto
    }

    public init(
        resendAfter: WorkDuration = .time(seconds: 24 * 3600),
        maxResends: Int = 1,
        reportAfter: WorkDuration = .time(seconds: 72 * 3600),
        ownerReminderAfter: WorkDuration = .time(seconds: 24 * 3600),
        clientReminderAfter: WorkDuration = .zero,
        deadlineWarning: WorkDuration = .time(seconds: 24 * 3600),
        ackWithin: WorkDuration = .time(seconds: 4 * 3600),
        cancellationContactWithin: WorkDuration = .time(seconds: 24 * 3600),
        reportToClient: ReportAudience = .owner,
        maxOwnerReminders: Int = 5,
        closeReturnedAfter: WorkDuration = .zero
    ) {
        self.resendAfter = resendAfter
        self.maxResends = maxResends
        self.reportAfter = reportAfter
        self.ownerReminderAfter = ownerReminderAfter
        self.clientReminderAfter = clientReminderAfter
        self.deadlineWarning = deadlineWarning
        self.ackWithin = ackWithin
        self.cancellationContactWithin = cancellationContactWithin
        self.reportToClient = reportToClient
        self.maxOwnerReminders = maxOwnerReminders
        self.closeReturnedAfter = closeReturnedAfter
    }

    /// The desk's rule as written: resend at 24 h, report at 72 h.
    public static let standard = CasePolicy()

    /// The problems that make this policy unusable, each as (key, what is wrong); empty when valid.
    ///
    /// `prefix` is prepended to the keys (`policy.` or `policy.priority.`).
    public func problems(prefix: String = "policy.") -> [(key: String, message: String)] {
        var found: [(key: String, message: String)] = []
        if resendAfter.isZero { found.append((prefix + "resend_after", "must be greater than 0")) }
        if reportAfter.isZero { found.append((prefix + "report_after", "must be greater than 0")) }
        if maxResends < 0 { found.append((prefix + "max_resends", "must be 0 or more")) }
        if maxOwnerReminders < 0 {
            found.append((prefix + "max_owner_reminders", "must be 0 (no cap) or more"))
        }
        if !resendAfter.isZero, !reportAfter.isZero, maxResends > 0,
            resendAfter.nominalSeconds * Int64(maxResends) >= reportAfter.nominalSeconds
        {
            found.append(
                (
                    prefix + "max_resends",
                    "max_resends × resend_after (\(maxResends) × \(resendAfter)) must be less than report_after (\(reportAfter))"
                ))
        }
        return found
    }
}

/// Durations that replace the policy's for cases a leader flagged as priority (`policy.priority`).
public struct PriorityOverrides: Sendable, Hashable, Codable {
    public var resendAfter: WorkDuration?
    public var maxResends: Int?
    public var reportAfter: WorkDuration?
    public var ownerReminderAfter: WorkDuration?
    public var clientReminderAfter: WorkDuration?
    public var deadlineWarning: WorkDuration?

    public init(
        resendAfter: WorkDuration? = nil, maxResends: Int? = nil, reportAfter: WorkDuration? = nil,
        ownerReminderAfter: WorkDuration? = nil, clientReminderAfter: WorkDuration? = nil,
        deadlineWarning: WorkDuration? = nil
    ) {
        self.resendAfter = resendAfter
        self.maxResends = maxResends
        self.reportAfter = reportAfter
        self.ownerReminderAfter = ownerReminderAfter
        self.clientReminderAfter = clientReminderAfter
        self.deadlineWarning = deadlineWarning
    }

    /// The base policy with these overrides applied.
    public func applied(to base: CasePolicy) -> CasePolicy {
        var policy = base
        if let resendAfter { policy.resendAfter = resendAfter }
        if let maxResends { policy.maxResends = maxResends }
        if let reportAfter { policy.reportAfter = reportAfter }
        if let ownerReminderAfter { policy.ownerReminderAfter = ownerReminderAfter }
        if let clientReminderAfter { policy.clientReminderAfter = clientReminderAfter }
        if let deadlineWarning { policy.deadlineWarning = deadlineWarning }
        return policy
    }
}
