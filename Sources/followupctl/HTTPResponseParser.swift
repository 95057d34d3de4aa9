import Foundation

/// Reads an HTTP/1.1 answer from the bytes received so far: status line, header fields, and a
/// body framed by `Content-Length`, by chunked transfer-encoding, or by the end of the stream.
///
/// Feed it what the socket gives with ``append(_:)``; ``response(atEndOfStream:)`` says whether
/// a whole answer is there. Interim `1xx` answers are skipped. No I/O here.
struct HTTPResponseParser {
    /// Refuses answers larger than this (the API's own bodies are capped at a few MiB).
    var limit = 256 << 20

    private var buffer: [UInt8] = []

    /// Why bytes are not an HTTP answer.
    struct Malformed: Error, Sendable, Hashable, CustomStringConvertible {
        var description: String
    }

    init(limit: Int = 256 << 20) {
        self.limit = limit
    }

    /// Adds received bytes.
    mutating func append(_ bytes: some Sequence<UInt8>) throws(Malformed) {
        buffer.append(contentsOf: bytes)
        guard buffer.count <= limit else { throw Malformed(description: "the answer is larger than \(limit) bytes") }
    }

    /// The whole answer when it is there; nil when more bytes are needed.
    ///
    /// - Parameter atEndOfStream: the peer closed the connection: a body without framing ends
    ///   here, and a truncated one is an error.
    /// - Throws: ``Malformed`` for bytes that cannot be an HTTP answer, or that stop short.
    func response(atEndOfStream: Bool = false) throws(Malformed) -> HTTPResponse? {
        var start = 0
        while true {
            guard let headEnd = Self.find([13, 10, 13, 10], in: buffer, from: start) else {
                if atEndOfStream {
                    throw Malformed(
                        description: buffer.count == start
                            ? "the connection closed without an answer"
                            : "the connection closed in the middle of the header")
                }
                return nil
            }
            var head = try Self.parseHead(Array(buffer[start..<headEnd]))
            let bodyStart = headEnd + 4
            if (100..<200).contains(head.status) {
                start = bodyStart
                continue
            }
            guard let (body, _) = try Self.body(of: head, in: buffer, from: bodyStart, atEndOfStream: atEndOfStream)
            else {
                return nil
            }
            head.body = Data(body)
            return head
        }
    }

    /// Status line and header fields (the body left empty).
    static func parseHead(_ bytes: [UInt8]) throws(Malformed) -> HTTPResponse {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]) else {
            throw Malformed(description: "not an HTTP/1.1 status line: \"\(statusLine.prefix(80))\"")
        }
        var headers: [HTTPField] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw Malformed(description: "not a header field: \"\(line.prefix(80))\"")
            }
            headers.append(
                HTTPField(
                    String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return HTTPResponse(
            status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: headers, body: Data())
    }

    /// The body that starts at `start`, and where it ends; nil when more bytes are needed.
    static func body(
        of head: HTTPResponse, in buffer: [UInt8], from start: Int, atEndOfStream: Bool
    ) throws(Malformed) -> ([UInt8], Int)? {
        if head.status == 204 || head.status == 304 { return ([], start) }
        if let coding = head.header("Transfer-Encoding"), coding.lowercased().contains("chunked") {
            guard let decoded = try dechunk(buffer, from: start) else {
                if atEndOfStream {
                    throw Malformed(description: "the connection closed in the middle of a chunked body")
                }
                return nil
            }
            return decoded
        }
        if let lengthText = head.header("Content-Length") {
            guard let length = Int(lengthText), length >= 0 else {
                throw Malformed(description: "Content-Length is not a number: \"\(lengthText)\"")
            }
            guard buffer.count - start >= length else {
                if atEndOfStream {
                    throw Malformed(
                        description:
                            "the connection closed after \(buffer.count - start) of \(length) bytes of the body")
                }
                return nil
            }
            return (Array(buffer[start..<start + length]), start + length)
        }
        // Neither: the body runs until the connection closes.
        return atEndOfStream ? (Array(buffer[start...]), buffer.count) : nil
    }

    /// Decodes a chunked body; nil until its last chunk (and trailer) is there.
    ///
    /// Walks the chunk-size lines first and copies the data only once the body is complete, so
    /// calling it after every read stays cheap.
    static func dechunk(_ buffer: [UInt8], from start: Int) throws(Malformed) -> ([UInt8], Int)? {
        var chunks: [Range<Int>] = []
        var cursor = start
        while true {
            guard let lineEnd = find([13, 10], in: buffer, from: cursor) else { return nil }
            let line = String(decoding: buffer[cursor..<lineEnd], as: UTF8.self)
            let sizeText =
                line.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else {
                throw Malformed(description: "not a chunk size: \"\(line.prefix(40))\"")
            }
            let dataStart = lineEnd + 2
            if size == 0 {
                // Trailer fields, if any, then an empty line.
                var trailer = dataStart
                while true {
                    guard let end = find([13, 10], in: buffer, from: trailer) else { return nil }
                    if end == trailer {
                        let body = chunks.reduce(into: [UInt8]()) { $0.append(contentsOf: buffer[$1]) }
                        return (body, end + 2)
                    }
                    trailer = end + 2
                }
            }
            guard buffer.count >= dataStart + size + 2 else { return nil }
            guard buffer[dataStart + size] == 13, buffer[dataStart + size + 1] == 10 else {
                throw Malformed(description: "a chunk does not end where its size says")
            }
            chunks.append(dataStart..<dataStart + size)
            cursor = dataStart + size + 2
        }
    }

    /// The index where `needle` starts in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count > 0, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0] {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
