import FollowupStorage
import Foundation
import Hummingbird
import Logging
import NIOCore

/// What a web request carries through the router: the connection's remote address and, once
/// the session is read, who signed in.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's peer address (the reverse proxy's, behind one).
    let remoteAddress: String
    /// The signed-in session, when the request carried a valid session cookie.
    var session: WebSession?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        session = nil
    }

    /// Forms and API bodies are small; the control API's limit (1 MiB) applies.
    public var maxUploadSize: Int { 1 << 20 }
}

/// A form body (`application/x-www-form-urlencoded`) or a query, as names and values.
struct FormFields: Sendable {
    let values: [String: String]

    init(_ text: String) {
        var values: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            values[name] = parts.count == 2 ? Self.decode(parts[1]) : ""
        }
        self.values = values
    }

    subscript(_ name: String) -> String? { values[name] }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The form of `request`, read whole (up to the context's limit).
    static func read(_ request: Request, context: WebContext) async throws -> FormFields {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return FormFields(String(buffer: buffer))
    }
}
