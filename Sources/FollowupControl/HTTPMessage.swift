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

    static let tooLarge = HTTPResponse(
        status: .payloadTooLarge,
        body: ByteBuffer(string: #"{"error":{"code":"too_large","message":"the request body is over 1 MiB"}}"#))
}

/// Answers requests; the control API and the metrics listener are responders.
public protocol HTTPResponder: Sendable {
    /// The answer to `request` from `peer` (nil on the TCP metrics listener). Never throws:
    /// every failure is an error answer.
    func respond(to request: HTTPRequest, from peer: Peer?) async -> HTTPResponse
}
