import Foundation

/// One line of a case's append-only timeline: a transition or one of §3's other entries.
public struct TimelineEntry: Sendable, Hashable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case opened
        case contactSent = "contact_sent"
        case resent
        case partnerReplied = "partner_replied"
        case partnerRefused = "partner_refused"
        case reportGenerated = "report_generated"
        case noteAdded = "note_added"
        case closed
        case reopened
        case skipped
        case resendFailed = "resend_failed"
        case manualResendRequested = "manual_resend_requested"
        case ownerReminded = "owner_reminded"
        case clientReminded = "client_reminded"
        case deadlineWarned = "deadline_warned"
        case notified
        case acknowledged
        case flagSet = "flag_set"
        case flagCleared = "flag_cleared"
        case updated
        case clientContactRecorded = "client_contact_recorded"
        /// The client's personal data was erased (LGPD, `followupctl erase`): the tombstone.
        case erased
    }

    /// Position in the case's timeline, from 1.
    public var seq: Int
    public var kind: Kind
    public var at: Date
    /// A technician's login name, or `followupd` for the daemon's own entries.
    public var by: String
    /// Free text (a note, a resolution, a reason, a skip's why).
    public var note: String?
    /// The attempt this entry sent or concerns.
    public var attempt: Int?
    /// The kind of a partner return.
    public var returnKind: ReturnKind?
    /// A report's reason.
    public var reason: ReportReason?
    /// The stage a daemon entry carried out or skipped (`resend`, `report`, …) and its ordinal.
    public var stage: String?
    public var ordinal: Int?
    /// The cycle the entry belongs to.
    public var cycle: Int?
    /// A flag set or cleared.
    public var flag: CaseFlag?
    /// For `updated`: the field, its old and its new value.
    public var field: String?
    public var oldValue: String?
    public var newValue: String?
    /// A report's id.
    public var report: String?
    /// A note kept for the desk: never in the client's report (`nil`: not internal).
    public var isInternal: Bool?

    public init(seq: Int, kind: Kind, at: Date, by: String, note: String? = nil) {
        self.seq = seq
        self.kind = kind
        self.at = at
        self.by = by
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case seq, kind, at, by, note, attempt, reason, stage, ordinal, cycle, flag, field, report
        case returnKind = "return_kind"
        case isInternal = "internal"
        case oldValue = "old_value"
        case newValue = "new_value"
    }
}
