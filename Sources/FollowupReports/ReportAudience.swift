/// Who a rendering of the attempts report is for (§4.4); the raw values are what `?audience=`
/// and `followupctl report --audience` take.
///
/// Both come from the same ``FollowupCore/ReportDocument``.
public enum ReportAudience: String, Sendable, Hashable, Codable, CaseIterable {
    /// The client: the desk's identity, each attempt and return as a sentence with what was said,
    /// the next step. No Message-IDs, failure flags, ids, login names or internal notes. What
    /// mail to the client and the owner's ready-to-send request carry.
    case client
    /// The desk: every detail (Message-IDs, who sent what, failures) and every note, internal
    /// ones marked. What leaders' mail, the ticket and `reports.dir` carry.
    case desk
}
