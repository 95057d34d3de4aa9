import Foundation

/// Cancellations counted by the database (§5 rule 1): those closed with a reason, by reason and
/// by the partner system the client moved to, and those still open.
public struct CancellationCounts: Sendable, Hashable {
    /// Closed with a reason (since the day asked, when one was).
    public var total = 0
    /// Still open, whatever the day.
    public var open = 0
    public var byReason: [String: Int] = [:]
    public var byPartnerSystem: [String: Int] = [:]

    public init() {}

    /// Adds one group of closed cancellations.
    mutating func add(reason: String, partnerSystem: String?, count: Int) {
        total += count
        byReason[reason, default: 0] += count
        if let partnerSystem { byPartnerSystem[partnerSystem, default: 0] += count }
    }
}
