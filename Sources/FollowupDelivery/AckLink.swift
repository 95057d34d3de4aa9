/// One person's one-click acknowledgement link on a notification (§6.9): the mail's
/// "Confirmar ciência: <url>" line, a "Confirmar ciência" button on a Teams card or in Slack.
///
/// The address holds a token signed for that person only: whoever opens it and presses the
/// page's button acknowledges as `person`.
public struct AckLink: Sendable, Hashable {
    /// The person it acknowledges as: a leader's or a technician's name from the configuration.
    public var person: String
    /// `public_url/a/<token>`.
    public var url: String

    public init(person: String, url: String) {
        self.person = person
        self.url = url
    }

    /// At most this many buttons go on one Teams card or Slack message: a channel shared by
    /// more people shows the first ones and says how many more may acknowledge otherwise
    /// (a Teams card shows at most six actions, one of them the ticket's).
    public static let buttonLimit = 5
}
