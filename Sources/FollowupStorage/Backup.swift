import FollowupCore
import Foundation

/// What an online backup wrote (§6.10): where, how large, and what it was checked to hold.
public struct BackupOutcome: Sendable, Hashable, Codable {
    /// The copy's absolute path.
    public var path: String
    /// The copy's size in bytes.
    public var bytes: Int
    /// Cases in the copy (every case committed before the backup began, and perhaps a few more).
    public var cases: Int
    /// `PRAGMA integrity_check` of the copy: always `ok` for a copy that was kept.
    public var integrity: String

    public init(path: String, bytes: Int, cases: Int, integrity: String) {
        self.path = path
        self.bytes = bytes
        self.cases = cases
        self.integrity = integrity
    }
}
