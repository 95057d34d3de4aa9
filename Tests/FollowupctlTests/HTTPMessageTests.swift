import FollowupCore
import Foundation
import Testing

@testable import followupctl

/// The HTTP/1.1 requests followupctl writes and the answers it reads, byte by byte.
struct HTTPMessageTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Feeds `wire` to a parser in pieces of `step` bytes; the answer once complete.
    func parse(_ wire: [UInt8], step: Int, closeAtEnd: Bool = false) throws -> HTTPResponse? {
        var parser = HTTPResponseParser()
        var offset = 0
        while offset < wire.count {
            let end = min(wire.count, offset + step)
            try parser.append(wire[offset..<end])
            offset = end
            if let response = try parser.response() {
                #expect(offset == wire.count, "complete only once every byte is there")
                return response
            }
        }
        return closeAtEnd ? try parser.response(atEndOfStream: true) : nil
    }

    @Test func aPostCarriesItsBodyAndHeaders() {
        let request = HTTPRequest(
            method: "POST", target: "/v1/cases/FU-12/notes", headers: [HTTPField("Idempotency-Key", "k-1")],
            body: Data(#"{"note":"olá"}"#.utf8))
        let text = String(decoding: request.serialized, as: UTF8.self)
        #expect(text.hasPrefix("POST /v1/cases/FU-12/notes HTTP/1.1\r\nHost: localhost\r\n"))
        #expect(text.contains("\r\nConnection: close\r\n"))
        #expect(text.contains("\r\nIdempotency-Key: k-1\r\n"))
        #expect(text.contains("\r\nContent-Type: application/json\r\n"))
        #expect(text.contains("\r\nContent-Length: 15\r\n"), "bytes, not characters")
        #expect(text.hasSuffix("\r\n\r\n{\"note\":\"olá\"}"))
    }

    @Test func aGetHasNoBodyAndAnEmptyPostSaysSo() {
        let get = String(decoding: HTTPRequest(method: "GET", target: "/v1/status").serialized, as: UTF8.self)
        #expect(!get.contains("Content-Length"))
        #expect(get.hasSuffix("\r\n\r\n"))
        let reload = String(decoding: HTTPRequest(method: "POST", target: "/v1/reload").serialized, as: UTF8.self)
        #expect(reload.contains("\r\nContent-Length: 0\r\n"))
    }

    @Test func queryStringsEncodeEveryValue() {
        #expect(QueryString.make([("state", nil), ("client", nil)]) == "")
        #expect(
            QueryString.make([("client", "São João & Cia"), ("overdue", "true"), ("owner", nil)])
                == "?client=S%C3%A3o%20Jo%C3%A3o%20%26%20Cia&overdue=true")
        #expect(QueryString.encode("a+b=c/d?") == "a%2Bb%3Dc%2Fd%3F")
    }

    @Test(arguments: [1, 2, 7, 1000])
    func contentLength(step: Int) throws {
        let wire = bytes("HTTP/1.1 201 Created\r\nLocation: /v1/cases/FU-3\r\ncontent-length: 11\r\n\r\n{\"id\":\"é\"}")
        let response = try #require(try parse(wire, step: step))
        #expect(response.status == 201)
        #expect(response.reason == "Created")
        #expect(response.header("LOCATION") == "/v1/cases/FU-3")
        #expect(response.text == "{\"id\":\"é\"}")
    }

    @Test(arguments: [1, 3, 5, 64])
    func chunkedWithExtensionsAndTrailers(step: Int) throws {
        let wire = bytes(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
                + "4;name=value\r\n{\"a\"\r\nA\r\n:\"0123456\"\r\n1\r\n}\r\n0\r\nX-Checksum: 1\r\n\r\n")
        let response = try #require(try parse(wire, step: step))
        #expect(response.text == "{\"a\":\"0123456\"}")
    }

    @Test func aBodyWithoutFramingEndsWhenTheConnectionCloses() throws {
        let wire = bytes("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nthe whole rest")
        #expect(try parse(wire, step: 4) == nil, "not complete before the close")
        let response = try #require(try parse(wire, step: 4, closeAtEnd: true))
        #expect(response.text == "the whole rest")
    }

    @Test func interimAnswersAreSkipped() throws {
        let wire = bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 409 Conflict\r\nContent-Length: 2\r\n\r\n{}")
        let response = try #require(try parse(wire, step: 3))
        #expect(response.status == 409)
        #expect(response.text == "{}")
    }

    @Test func noContentHasNoBody() throws {
        let response = try #require(try parse(bytes("HTTP/1.1 204 No Content\r\n\r\n"), step: 100))
        #expect(response.status == 204)
        #expect(response.body.isEmpty)
    }

    @Test(arguments: [
        "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
    ])
    func malformedAnswers(wire: String) {
        #expect(throws: HTTPResponseParser.Malformed.self) { _ = try parse(bytes(wire), step: 1000, closeAtEnd: true) }
    }

    @Test(arguments: [
        "", "HTTP/1.1 200 OK\r\nContent-Le", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
    ])
    func answersCutShortAreErrors(wire: String) {
        #expect(throws: HTTPResponseParser.Malformed.self) { _ = try parse(bytes(wire), step: 1000, closeAtEnd: true) }
    }

    @Test func oversizedAnswersAreRefused() throws {
        var parser = HTTPResponseParser(limit: 10)
        try parser.append(bytes("HTTP/1.1 "))
        #expect(throws: HTTPResponseParser.Malformed.self) { try parser.append(bytes("200 OK\r\n")) }
    }
}
