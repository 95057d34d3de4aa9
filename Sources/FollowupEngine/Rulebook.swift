import FollowupConfig
import FollowupCore
import Foundation
import Synchronization

/// What the engine needs from one configuration, prepared once per load or reload: the
/// calendars (global and per partner) and the mail host of Message-IDs.
public struct Rulebook: Sendable {
    /// The configuration this was made from.
    public let configuration: Configuration
    /// The host part of the Message-IDs the daemon makes.
    public let mailHost: String
    private let globalCalendar: WorkCalendar
    private let partnerCalendars: [String: WorkCalendar]

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        globalCalendar = WorkCalendar(configuration.calendar)
        var calendars: [String: WorkCalendar] = [:]
        for partner in configuration.partners {
            if let settings = partner.calendar { calendars[partner.name.lowercased()] = WorkCalendar(settings) }
        }
        partnerCalendars = calendars
        mailHost = Self.host(ofAddress: configuration.mail.from) ?? ProcessInfo.processInfo.hostName
    }

    /// The calendar on which a partner's durations count.
    public func calendar(forPartner name: String?) -> WorkCalendar {
        name.flatMap { partnerCalendars[$0.lowercased()] } ?? globalCalendar
    }

    /// The environment in which the machine handles a case of `partner`.
    public func environment(
        forPartner partner: String?, now: Date, by: String,
        makeID: @escaping @Sendable () -> String = Rulebook.newID
    ) -> CaseEnvironment {
        CaseEnvironment(
            now: now, by: by, policy: configuration.policy, priority: configuration.priority,
            calendar: calendar(forPartner: partner), mailHost: mailHost, makeID: makeID)
    }

    /// A new unique id for notifications and reports: 26 lowercase characters, time-ordered.
    @Sendable public static func newID() -> String {
        let millis = UInt64(Date().timeIntervalSince1970 * 1000)
        var generator = SystemRandomNumberGenerator()
        // 80 random bits from two draws (each draw is a system call).
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        let alphabet: [Character] = Array("0123456789abcdefghjkmnpqrstvwxyz")
        var text = ""
        text.reserveCapacity(26)
        for shift in stride(from: 45, through: 0, by: -5) {
            text.append(alphabet[Int((millis >> UInt64(shift)) & 31)])
        }
        for index in 0..<16 {
            let bits = index < 12 ? high >> UInt64(index * 5) : low >> UInt64((index - 12) * 5)
            text.append(alphabet[Int(bits & 31)])
        }
        return text
    }

    static func host(ofAddress text: String) -> String? {
        var address = text
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            address = String(text[text.index(after: open)..<close])
        }
        guard let at = address.lastIndex(of: "@") else { return nil }
        let host = address[address.index(after: at)...].trimmingCharacters(in: .whitespaces)
        return host.isEmpty ? nil : host
    }
}

/// The rulebook in force, replaced as a whole on reload.
public final class RulebookHolder: Sendable {
    private let value: Mutex<Rulebook>

    public init(_ rulebook: Rulebook) { value = Mutex(rulebook) }

    /// The rulebook in force now.
    public var current: Rulebook { value.withLock { $0 } }

    /// Puts a new rulebook in force (armed deadlines keep their instants).
    public func replace(with rulebook: Rulebook) { value.withLock { $0 = rulebook } }
}
