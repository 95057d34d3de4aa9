/// The kinds of event the daemon logs, each with one fixed journal `MESSAGE_ID` documented
/// in `systemd/followupd.catalog` (`journalctl -x` shows the explanation).
///
/// Log calls name the kind in their `followup.event` metadata; the journal handler turns it
/// into `MESSAGE_ID` and `FOLLOWUP_EVENT`.
public enum JournalEvent: String, CaseIterable, Sendable {
    case started, ready, stopping, stopped, reloaded
    case reloadRefused = "reload_refused"
    case opened, changed, stages, resent
    case reportGenerated = "report_generated"
    case notificationDelivered = "notification_delivered"
    case notificationFailed = "notification_failed"
    case escalation
    case controlRequest = "control_request"
    case storageUnavailable = "storage_unavailable"
    /// The database's schema at start: copied before migrating, migrated, or not migrated (the
    /// daemon exits 78, the database left as it was).
    case migrationBackup = "migration_backup"
    case migrated
    case migrationFailed = "migration_failed"
    /// Stages of the daemon's own, each told on its case outside bulk passes (§6.8).
    case skipped
    case manualResendRequested = "manual_resend_requested"
    case reminded
    case deadlineWarned = "deadline_warned"
    case closedReturned = "closed_returned"
    /// The inbound Maildir: one partner mail recorded on its case, one kept for a person, one
    /// that could not be read, and the summary of a pass.
    case inboundRecorded = "inbound_recorded"
    case inboundUnmatched = "inbound_unmatched"
    case inboxFailed = "inbox_failed"
    case inbox
    /// A case's personal data erased (LGPD, `followupctl erase`).
    case erased
    /// A stage that could not be prepared on its case (it stays due).
    case stageFailed = "stage_failed"
    /// A notification acknowledged, and unacknowledged ones sent again to all leaders.
    case acknowledged
    case notificationUnacknowledged = "notification_unacknowledged"
    /// A partner mail given up on that could not be marked failed on its case.
    case unsentNotMarked = "unsent_not_marked"
    /// A test notification (`followupctl notify test`).
    case notificationTest = "notification_test"
    /// A notice posted to the technicians.
    case noticePosted = "notice_posted"
    /// An inbound mail read before, and one read that could not be moved to `cur/`.
    case inboundDuplicate = "inbound_duplicate"
    case inboxNotMoved = "inbox_not_moved"
    /// A retention pass that removed something (a summary).
    case retention
    /// The daemon's own housekeeping and the control socket's refusals.
    case backupWritten = "backup_written"
    case answersForgotten = "answers_forgotten"
    case controlBusy = "control_busy"
    case controlAnswerLost = "control_answer_lost"
    /// The web application (§6.9): listening, sign-ins and the local accounts' changes.
    case webListening = "web_listening"
    case signedIn = "signed_in"
    case accountAdded = "account_added"
    case passwordChanged = "password_changed"
    case accountDisabled = "account_disabled"
    case accountLocked = "account_locked"
    case oidcRefused = "oidc_refused"

    /// The 128-bit id, lowercase hex, as the journal and the catalog write it.
    public var messageID: String {
        switch self {
        case .started: "862f28628a1949cb9dc4b5b2cccadecf"
        case .ready: "d9fdcb0294f4451d9a80eaf98a74c0a9"
        case .stopping: "464d792368a24a9197bb15531dca1061"
        case .stopped: "c29d326ea9ff41ceaf63e4fcdf8d0ba2"
        case .reloaded: "0fc126443d9e4ac78fd8cc646df16597"
        case .reloadRefused: "1d37d4542bbf4c328ec4aa9e49793c23"
        case .opened: "9f6deea373ec4022b5d1495dc0f12508"
        case .changed: "ea160f469cdb47e0a23d67a01a54f29b"
        case .stages: "4564eb31dd03402086d387393d669f0b"
        case .resent: "72be6d2d67e84d4baff75e3649cb76af"
        case .reportGenerated: "5613e30a46cd409cbb26972b9b001363"
        case .notificationDelivered: "a12f7a83178b4dd1b5af3e31dc107de8"
        case .notificationFailed: "6217cf428fff40669cf65392307a1a7e"
        case .escalation: "31a74368479d4b948255d822837f5965"
        case .controlRequest: "87158050dd764468ba7c1fcc4af98190"
        case .storageUnavailable: "4456a2a5a13444d4af56b4bf95fade10"
        case .migrationBackup: "7bf55958dbb24f8f82c9f4776f5fbe69"
        case .migrated: "8cd93bab9e7a478a803b7316f265dc48"
        case .migrationFailed: "ed37c3455eaf4819b9eaadb3871cf324"
        case .skipped: "c7c8d7ed54c846e89955b657cc115bd4"
        case .manualResendRequested: "5a8ea35579d24c3384892512cbdc76ae"
        case .reminded: "d87ae52ded70410d857071c904bbb0b8"
        case .deadlineWarned: "f0f66056eb5547628e276acfb09e99c4"
        case .closedReturned: "7eebb4fc9a614aaa856ce84946a5cee0"
        case .inboundRecorded: "a0e39ea8e3e0404ba8f82fb782d40942"
        case .inboundUnmatched: "4ab07eff3e2d43b3a86cb0df553330f7"
        case .inboxFailed: "cfd583df4a7a421cb425b600b418bd4d"
        case .inbox: "42be07ed7a6a4ec6bff78debd32b2cd3"
        case .erased: "2cedf3c9717a45f1856dcece58a563ee"
        case .stageFailed: "5e6d9726618f485e9e5d53346b624459"
        case .acknowledged: "b5d4f898e2914f219fd9dca5521d7bc2"
        case .notificationUnacknowledged: "33cb31e61e964b29af41d16a5259a3ab"
        case .unsentNotMarked: "745563693c414df3ad929dc718a7a633"
        case .notificationTest: "f08ff3014112421ea906b290f142c625"
        case .noticePosted: "2a14f63b054040619a0f4c99c431fd69"
        case .inboundDuplicate: "9068cf5cbe2b40279153878f1a12ad84"
        case .inboxNotMoved: "1c204a50b7274f69be58aa1ed2ace1ff"
        case .retention: "9b29e852ae564cceb06f80c1f4092ccf"
        case .backupWritten: "13e5e0440a4848f7a0980566bba832f1"
        case .answersForgotten: "7200a6e193f547b09a89c3a76f642289"
        case .controlBusy: "14311b1315284382aa7f0c663d1d73d6"
        case .controlAnswerLost: "9a830425276240628b448911f4aa936b"
        case .oidcRefused: "4fc873e003574e43860ddf38392196ca"
        case .webListening: "ed960b84667d496fa13095933f35b2c9"
        case .signedIn: "0a00823c58314a94aa0202e1f7b71ac7"
        case .accountAdded: "12e06c6e84af4070b78f2ff52954d45a"
        case .passwordChanged: "0665df8334e245af821ee0dd29c6812e"
        case .accountDisabled: "bcccde96db9649fcad1047c2d0e0aa17"
        case .accountLocked: "d47d9a5cba064363b33f93c823dff85d"
        }
    }
}
