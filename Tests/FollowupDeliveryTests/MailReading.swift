import FollowupTestSupport
import Foundation
import Testing

/// A message as Python's `email` package (policy `default`) reads it.
struct ReadMail: Decodable {
    struct Address: Decodable, Hashable {
        var name: String
        var address: String
    }

    struct Part: Decodable {
        var contentType: String
        var filename: String?
        var disposition: String?
        var text: String?
        var payload: String?

        var bytes: Data? { payload.flatMap { Data(base64Encoded: $0) } }
    }

    /// Every top-level header as `[name, decoded value]`, in order.
    var headers: [[String]]
    /// `from`, `to`, `cc`, `reply-to` as parsed addresses.
    var addresses: [String: [Address]]
    /// The leaf parts in walk order.
    var parts: [Part]
    var defects: [String]

    /// The only value of header `name`, or nil when absent or repeated.
    func value(_ name: String) -> String? {
        let all = headers.filter { $0[0].lowercased() == name.lowercased() }.map { $0[1] }
        return all.count == 1 ? all[0] : nil
    }

    func has(_ name: String) -> Bool { headers.contains { $0[0].lowercased() == name.lowercased() } }

    /// The decoded text of the first leaf part of `type`, with LF line ends.
    func text(_ type: String) -> String? {
        parts.first { $0.contentType == type && $0.disposition == nil }?.text?
            .replacingOccurrences(of: "\r\n", with: "\n")
    }

    static let program = """
        import base64, email, email.policy, json, sys
        msg = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
        headers, addresses, parts, defects = [], {}, [], [type(d).__name__ for d in msg.defects]
        for name, value in msg.items():
            headers.append([name, str(value)])
            if name.lower() in ('from', 'to', 'cc', 'reply-to'):
                addresses[name.lower()] = [
                    {'name': a.display_name, 'address': a.addr_spec} for a in value.addresses]
        for part in msg.walk():
            defects.extend(type(d).__name__ for d in part.defects)
            if part.is_multipart():
                continue
            entry = {'contentType': part.get_content_type(), 'filename': part.get_filename(),
                     'disposition': part.get_content_disposition(),
                     'payload': base64.b64encode(part.get_payload(decode=True)).decode()}
            if part.get_content_maintype() == 'text':
                entry['text'] = part.get_content()
            parts.append(entry)
        json.dump({'headers': headers, 'addresses': addresses, 'parts': parts, 'defects': defects}, sys.stdout)
        """

    /// Python's reading of `message`.
    static func parse(_ message: Data) async throws -> ReadMail {
        try await withScratchFolder { folder in
            let file = folder.appendingPathComponent("message.eml")
            try message.write(to: file)
            return try JSONDecoder().decode(ReadMail.self, from: try await Python.run(program, [file.path]))
        }
    }
}
