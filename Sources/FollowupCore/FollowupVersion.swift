/// The version of followupd and followupctl.
public enum FollowupVersion {
    /// The version string printed by `--version` and shown in status.
    public static let current = "0.1.0"
}
