import Foundation

/// Builds the MIME tree of a message within ``ParseLimits``.
///
/// Multipart bodies are cut at their boundary lines (`--boundary` and `--boundary--`, trailing
/// blanks allowed). Tolerated: a missing closing boundary (the last part runs to the end), a
/// missing or wrong `boundary` parameter (the first `--…` line is taken as the boundary), parts
/// without headers. A multipart in which no boundary is found is read as plain text.
struct MIMETree {
    /// The whole message.
    let bytes: [UInt8]
    /// The bounds of the work.
    let limits: ParseLimits
    /// Entities made so far.
    private(set) var partCount = 0
    /// Whether a part's header section was cut at the limit.
    private(set) var isTruncated = false

    /// A tree reader over `bytes`.
    init(bytes: [UInt8], limits: ParseLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    /// The entity with `header` whose body is `body`, at nesting `depth` (the message is 1).
    ///
    /// - Throws: ``InboundError/Code/tooManyParts`` and ``InboundError/Code/nestingTooDeep``.
    mutating func entity(
        header: [InboundMessage.HeaderField], body: Range<Int>, depth: Int, inDigest: Bool = false
    ) throws(InboundError) -> MessagePart {
        partCount += 1
        guard partCount <= limits.maxParts else {
            throw InboundError(
                .tooManyParts, "the message has more than \(limits.maxParts) MIME parts, the limit; it is not read")
        }
        guard depth <= limits.maxDepth else {
            throw InboundError(
                .nestingTooDeep,
                "MIME parts are nested more than \(limits.maxDepth) levels deep, the limit; the message is not read")
        }
        let fallback = inDigest ? ContentType(type: "message", subtype: "rfc822") : ContentType.textPlain
        var contentType = header.first("Content-Type").flatMap { ContentType(field: $0.rawValue) } ?? fallback
        let disposition = header.first("Content-Disposition").map { HeaderParameters($0.rawValue) }
        let name = disposition?.parameters["filename"] ?? contentType.parameter("name")
        let cleanName = name.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        var children: [MessagePart] = []
        if contentType.isMultipart {
            if let ranges = partRanges(in: body, boundary: contentType.parameter("boundary")) {
                for range in ranges {
                    let section = HeaderSection.part(bytes, range, maxBytes: limits.maxHeaderBytes)
                    if section.isTruncated { isTruncated = true }
                    let child = try entity(
                        header: section.fields, body: section.bodyStart..<range.upperBound, depth: depth + 1,
                        inDigest: contentType.subtype == "digest")
                    children.append(child)
                }
            } else {
                contentType = ContentType(type: "text", subtype: "plain", parameters: contentType.parameters)
            }
        }
        return MessagePart(
            header: header, contentType: contentType,
            transferEncoding: TransferEncoding(header.first("Content-Transfer-Encoding")?.value),
            disposition: disposition.map(\.value).flatMap { $0.isEmpty ? nil : $0 }, fileName: cleanName,
            body: body, children: children)
    }

    /// The bodies of the parts of a multipart body, or nil when no boundary line is found.
    private func partRanges(in body: Range<Int>, boundary: String?) -> [Range<Int>]? {
        if let boundary, let ranges = split(body, Array(boundary.utf8)) { return ranges }
        guard let guess = guessedBoundary(in: body) else { return nil }
        return split(body, guess)
    }

    /// The boundary of the first line starting with `--` in the first 64 KiB of `body`.
    private func guessedBoundary(in body: Range<Int>) -> [UInt8]? {
        var position = body.lowerBound
        let end = min(body.upperBound, body.lowerBound + 64 * 1024)
        while position < end {
            let (content, next) = ByteLines.line(in: bytes, from: position, to: body.upperBound)
            if content.count > 2, ByteLines.hasPrefix(bytes, content, [0x2D, 0x2D]) {
                var candidate = Array(bytes[(content.lowerBound + 2)..<content.upperBound])
                while let last = candidate.last, last == 0x20 || last == 0x09 { candidate.removeLast() }
                if candidate.count > 2 && candidate.suffix(2) == [0x2D, 0x2D] { candidate.removeLast(2) }
                return candidate.isEmpty || candidate.count > 200 ? nil : candidate
            }
            position = next
        }
        return nil
    }

    /// Part bodies between the delimiter lines of `boundary`, or nil when there is none.
    private func split(_ body: Range<Int>, _ boundary: [UInt8]) -> [Range<Int>]? {
        var boundary = boundary
        while let last = boundary.last, last == 0x20 || last == 0x09 { boundary.removeLast() }
        guard !boundary.isEmpty else { return nil }
        let delimiter: [UInt8] = [0x2D, 0x2D] + boundary
        var ranges: [Range<Int>] = []
        var found = false
        var partStart: Int?
        var position = body.lowerBound
        while position < body.upperBound {
            let (content, next) = ByteLines.line(in: bytes, from: position, to: body.upperBound)
            if content.count >= delimiter.count, bytes[content.lowerBound] == 0x2D,
                ByteLines.hasPrefix(bytes, content, delimiter)
            {
                var rest = content.lowerBound + delimiter.count
                let closing =
                    rest + 1 < content.upperBound && bytes[rest] == 0x2D && bytes[rest + 1] == 0x2D
                if closing { rest += 2 }
                if ByteLines.isBlank(bytes, rest..<content.upperBound) {
                    found = true
                    if let start = partStart {
                        ranges.append(ByteLines.droppingLineBreak(bytes, start..<max(start, position)))
                    }
                    partStart = closing ? nil : next
                    if closing { break }
                }
            }
            position = next
        }
        if let start = partStart { ranges.append(start..<body.upperBound) }
        return found ? ranges : nil
    }
}
