import Foundation

/// One request to the control API, as the bytes of an HTTP/1.1 message.
///
/// Every request closes its connection (`Connection: close`): one request per connection keeps
/// the client simple, and the daemon's socket is local.
struct HTTPRequest: Sendable, Hashable {
    var method: String
    /// The path with its query, already percent-encoded (`/v1/cases?state=closed`).
    var target: String
    /// Extra header fields (`Idempotency-Key`, …), sent after the fixed ones.
    var headers: [HTTPField] = []
    /// The JSON body, for POST and PATCH.
    var body: Data?

    init(method: String, target: String, headers: [HTTPField] = [], body: Data? = nil) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// The message on the wire: request line, headers, blank line, body.
    ///
    /// POST and PATCH always carry a `Content-Length` (0 without a body), as HTTP/1.1 asks.
    var serialized: [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\n"
        head += "Host: localhost\r\n"
        head += "User-Agent: followupctl\r\n"
        head += "Accept: application/json\r\n"
        head += "Connection: close\r\n"
        for field in headers { head += "\(field.name): \(field.value)\r\n" }
        if let body {
            head += "Content-Type: application/json\r\n"
            head += "Content-Length: \(body.count)\r\n"
        } else if method != "GET" && method != "HEAD" {
            head += "Content-Length: 0\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + (body.map { Array($0) } ?? [])
    }

}

/// One header field, its name as sent.
struct HTTPField: Sendable, Hashable {
    var name: String
    var value: String

    init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An answer from the control API: status, header fields and the whole body.
struct HTTPResponse: Sendable, Hashable {
    var status: Int
    var reason: String
    /// Header fields in arrival order.
    var headers: [HTTPField]
    var body: Data

    /// The first value of a header field, its name compared without case.
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Whether the status is 2xx.
    var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as UTF-8 text (invalid sequences repaired).
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Query strings for the API's filters, encoded so that any value survives the trip.
enum QueryString {
    /// `?a=1&b=x%20y` from the pairs whose value is present; empty when none is.
    static func make(_ pairs: [(String, String?)]) -> String {
        let present = pairs.compactMap { name, value in value.map { (name, $0) } }
        guard !present.isEmpty else { return "" }
        return "?" + present.map { "\($0.0)=\(encode($0.1))" }.joined(separator: "&")
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }
}
