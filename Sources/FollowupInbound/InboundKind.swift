/// What an inbound message is to the desk (SPEC §4.5).
public enum InboundKind: Sendable, Hashable {
    /// An automatic reply (out of office, vacation, helpdesk acknowledgement, list mail); recorded
    /// as a return of kind `auto`. `reason` says which sign gave it away, for the journal.
    case automatic(reason: String)
    /// A delivery failure report: the attempt to those recipients failed.
    case bounce(DeliveryFailure)
    /// Anything else: a person's reply.
    case reply
}
