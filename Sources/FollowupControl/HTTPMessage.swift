import Foundation
import NIOCore
import NIOHTTP1

/// One request as the API sees it: method, path, query, headers and the whole body.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The path without the query, percent-decoded per segment by the router.
    public var path: String
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var body: ByteBuffer

    public init(head: HTTPRequestHead, body: ByteBuffer) {
        method = head.method
        headers = head.headers
        self.body = body
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(parts.first ?? "/")
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = Self.decode(kv[0])
                query[key] = kv.count == 2 ? Self.decode(kv[1]) : ""
            }
        }
        self.query = query
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

/// One answer.
public struct HTTPResponse: Sendable {
    public var status: HTTPResponseStatus
    public var contentType: String
    public var headers: HTTPHeaders
    public var body: ByteBuffer

    public init(
        status: HTTPResponseStatus, contentType: String = "application/json", headers: HTTPHeaders = [:],
        body: ByteBuffer
    ) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    /// The server is at its connection limit (§6.3): try again shortly.
    static let tooManyConnections = HTTPResponse(
        status: .serviceUnavailable, headers: ["retry-after": "1"],
        body: ByteBuffer(
            string: #"{"error":{"code":"busy","message":"followupd has too many open connections; try again"}}"#))

    /// The request's head or body did not arrive in time.
    static let requestTimeout = HTTPResponse(
        status: .requestTimeout,
        body: ByteBuffer(
            string:
                #"{"error":{"code":"request_timeout","message":"the request did not arrive whole in time; send it again"}}"#
        ))

    static let tooLarge = HTTPResponse(
        status: .payloadTooLarge,
        body: ByteBuffer(string: #"{"error":{"code":"too_large","message":"the request body is over 1 MiB"}}"#))
}

/// Answers requests; the control API and the metrics listener are responders.
public protocol HTTPResponder: Sendable {
    /// The answer to `request` from `peer` (nil on the TCP metrics listener). Never throws:
    /// every failure is an error answer.
    func respond(to request: HTTPRequest, from peer: Peer?) async -> HTTPResponse

    /// Decides from the head alone, before the body is read, whether a request may go on: nil
    /// to read its body and answer it, or the refusal to send at once (and close).
    func admit(_ head: HTTPRequestHead, from peer: Peer?) -> HTTPResponse?
}

extension HTTPResponder {
    /// Every request goes on to ``respond(to:from:)``.
    public func admit(_ head: HTTPRequestHead, from peer: Peer?) -> HTTPResponse? { nil }
}
