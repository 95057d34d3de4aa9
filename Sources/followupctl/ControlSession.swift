import FollowupAPI
import FollowupCore
import Foundation

/// One run of `followupctl` talking to the daemon: sends requests, turns answers that are not
/// 2xx into ``FollowupError``s, and prints either the API's JSON (`--json`) or text for people.
///
/// The desk's time zone is read from `GET /v1/status` the first time a wall-clock time has to
/// be read or written, and kept for the rest of the run.
final class ControlSession {
    let transport: UnixSocketTransport
    /// Whether to print the API's JSON instead of text.
    let json: Bool
    private var cachedStatus: StatusJSON?

    init(transport: UnixSocketTransport, json: Bool) {
        self.transport = transport
        self.json = json
    }

    /// Sends a request without a body (GET, or a POST that takes none).
    func send(_ method: String, _ target: String, idempotencyKey: String? = nil) throws(FollowupError) -> HTTPResponse {
        try exchange(HTTPRequest(method: method, target: target, headers: Self.headers(idempotencyKey)))
    }

    /// Sends a request with a JSON body.
    func send(
        _ method: String, _ target: String, body: some Encodable, idempotencyKey: String? = nil
    ) throws(FollowupError) -> HTTPResponse {
        let data: Data
        do {
            data = try APICoding.encoder().encode(body)
        } catch {
            throw FollowupError(.unexpected, "cannot encode the request: \(error)")
        }
        return try exchange(
            HTTPRequest(method: method, target: target, headers: Self.headers(idempotencyKey), body: data))
    }

    /// Reads an answer's body as `type`.
    func decode<T: Decodable>(_ type: T.Type, from answer: HTTPResponse) throws(FollowupError) -> T {
        do {
            return try APICoding.decoder().decode(type, from: answer.body)
        } catch {
            throw FollowupError(
                .unexpected, "followupd at \(transport.path) answered with JSON that is not a \(type): \(error)")
        }
    }

    /// The daemon's status (asked once per run).
    func status() throws(FollowupError) -> StatusJSON {
        if let cachedStatus { return cachedStatus }
        let status = try decode(StatusJSON.self, from: send("GET", "/v1/status"))
        cachedStatus = status
        return status
    }

    /// The desk's time zone, as the daemon is configured.
    func zone() throws(FollowupError) -> TimeZone {
        let identifier = try status().timezone
        guard let zone = TimeZone(identifier: identifier) else {
            throw FollowupError(.unexpected, "followupd's time zone \"\(identifier)\" is unknown on this machine")
        }
        return zone
    }

    /// How to write times for people, in the desk's zone.
    func timeText() throws(FollowupError) -> TimeText {
        TimeText(zone: try zone())
    }

    /// The instant a command-line time names (asks the daemon for its zone when needed).
    func instant(_ time: TimeArgument?) throws(FollowupError) -> Date? {
        guard let time else { return nil }
        return try time.date(in: time.needsZone ? zone() : TimeZone(secondsFromGMT: 0)!)
    }

    /// Prints the answer: its JSON re-indented with `--json`, else what `human` makes of it.
    func emit(_ answer: HTTPResponse, human: () throws(FollowupError) -> String) throws(FollowupError) {
        if json {
            printJSON(answer.body)
        } else {
            let text = try human()
            if !text.isEmpty { print(text, terminator: text.hasSuffix("\n") ? "" : "\n") }
        }
    }

    /// Prints a JSON body re-indented, every value as the daemon wrote it.
    func printJSON(_ body: Data) {
        if let document = try? JSONText(parsing: body) {
            print(document.pretty())
        } else {
            print(String(decoding: body, as: UTF8.self))
        }
    }

    /// The one-line confirmation of a command that changed a case: its new state and what the
    /// daemon does next.
    func confirm(_ answer: HTTPResponse, _ what: String) throws(FollowupError) {
        try emit(answer) { () throws(FollowupError) in
            let subject = try decode(CaseJSON.self, from: answer)
            // The change is made: if the zone cannot be had now, say so in UTC rather than fail.
            let times = (try? timeText()) ?? TimeText(zone: TimeZone(secondsFromGMT: 0)!)
            return CaseText(subject, times: times).confirmation(what)
        }
    }

    /// `/v1/cases/FU-12` and what follows it.
    static func casePath(_ id: CaseID, _ suffix: String = "") -> String {
        "/v1/cases/\(id)\(suffix)"
    }

    private func exchange(_ request: HTTPRequest) throws(FollowupError) -> HTTPResponse {
        let answer = try transport.send(request)
        guard answer.isSuccess else { throw FollowupError(answer: answer) }
        return answer
    }

    private static func headers(_ idempotencyKey: String?) -> [HTTPField] {
        idempotencyKey.map { [HTTPField("Idempotency-Key", $0)] } ?? []
    }
}
