import Foundation

extension CaseMachine {
    /// What stands where personal data was erased.
    public static let erasedText = "[erased]"

    /// Removes the client's personal data from a case (LGPD, §6.10): the client's name and
    /// address, the notes and returns' texts, a cancellation's summary and reason text; the
    /// case keeps its id, ticket, partner, dates and attempts, and a tombstone entry says who
    /// erased what and when. Storage scrubs the rest (timeline texts, reports, notifications,
    /// inbound mail) in the same transaction.
    public static func erase(_ subject: Case, in env: CaseEnvironment) -> Transition {
        var builder = TransitionBuilder(subject, env)
        builder.current.client.name = erasedText
        builder.current.client.email = nil
        builder.current.notes = []
        if var cancellation = builder.current.cancellation {
            cancellation.contactSummary = cancellation.contactSummary.map { _ in erasedText }
            cancellation.reasonText = cancellation.reasonText.map { _ in erasedText }
            builder.current.cancellation = cancellation
        }
        builder.record(
            .erased,
            note: "personal data erased: the client's name and e-mail, notes and returns, reports, "
                + "notifications and inbound mail")
        return builder.transition
    }
}
