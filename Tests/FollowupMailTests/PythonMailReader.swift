import FollowupTestSupport
import Foundation
import Testing

/// What Python's `email` package (an independent parser) reads in a rendered message.
struct ParsedMail: Decodable {
    /// An address as Python's header registry splits it.
    struct Address: Decodable, Hashable {
        var name: String
        var address: String
    }

    /// One MIME part in walk order (multiparts included).
    struct Part: Decodable {
        var contentType: String
        var multipart: Bool
        var disposition: String?
        var filename: String?
        var charset: String?
        var transferEncoding: String?
        /// The decoded text of inline text parts, line endings as Python returns them.
        var text: String?
        /// The decoded payload's length and its bytes in base64, for leaf parts.
        var length: Int?
        var payload: String?

        /// The decoded payload.
        var bytes: Data? { payload.flatMap { Data(base64Encoded: $0) } }
    }

    /// Every header of the top-level message as `[name, decoded value]`, in order.
    var headers: [[String]]
    /// `from`, `to`, `cc`, `reply-to` as parsed addresses.
    var addresses: [String: [Address]]
    var parts: [Part]
    /// Every defect Python noted, in the message, its parts or its headers.
    var defects: [String]
    /// Every header as `[name, value]` decoded by the older `email.header.decode_header`, which
    /// follows RFC 2047 §6.2 on the space between adjacent encoded words in phrases (the
    /// header registry behind `values(_:)` keeps that space in display names).
    var rfc2047: [[String]]

    /// The decoded values of the headers called `name` (any case).
    func values(_ name: String) -> [String] {
        headers.filter { $0[0].lowercased() == name.lowercased() }.map { $0[1] }
    }

    /// The only value of header `name`, or nil when absent or repeated.
    func value(_ name: String) -> String? {
        let all = values(name)
        return all.count == 1 ? all[0] : nil
    }

    /// The header names, in order.
    var headerNames: [String] { headers.map { $0[0] } }

    /// The leaf parts.
    var leaves: [Part] { parts.filter { !$0.multipart } }
}

/// Runs Python 3 on messages and Maildirs; output goes through files (no pipe to fill up).
enum Python {
    static let readMessage = """
        import base64, email, email.policy, json, sys
        msg = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
        defects, headers, addresses, parts = [], [], {}, []
        def note(where, items):
            defects.extend('%s: %s' % (where, type(d).__name__) for d in items)
        for name, value in msg.items():
            headers.append([name, str(value)])
            note(name, getattr(value, 'defects', []))
            if name.lower() in ('from', 'to', 'cc', 'reply-to'):
                addresses[name.lower()] = [
                    {'name': a.display_name, 'address': a.addr_spec} for a in value.addresses]
        for part in msg.walk():
            note(part.get_content_type(), part.defects)
            if part is not msg:
                for name, value in part.items():
                    note(name, getattr(value, 'defects', []))
            entry = {'contentType': part.get_content_type(), 'multipart': part.is_multipart(),
                     'disposition': part.get_content_disposition(), 'filename': part.get_filename(),
                     'charset': part.get_content_charset(),
                     'transferEncoding': part.get('Content-Transfer-Encoding')}
            if not part.is_multipart():
                payload = part.get_payload(decode=True)
                entry['length'] = len(payload)
                entry['payload'] = base64.b64encode(payload).decode()
                if part.get_content_maintype() == 'text' and entry['disposition'] != 'attachment':
                    entry['text'] = part.get_content()
            parts.append(entry)
        from email.header import decode_header, make_header
        legacy = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.compat32)
        rfc2047 = [[name, str(make_header(decode_header(value)))] for name, value in legacy.items()]
        json.dump({'headers': headers, 'addresses': addresses, 'parts': parts, 'defects': defects,
                   'rfc2047': rfc2047}, sys.stdout)
        """

    static let readMaildir = """
        import email.policy, json, mailbox, sys
        box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
        out = []
        for key in sorted(box.keys()):
            raw = box.get_bytes(key)
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            out.append({'key': key, 'subject': str(msg['subject']), 'messageID': str(msg['message-id']),
                        'subdir': box.get_message(key).get_subdir(), 'size': len(raw)})
        json.dump(out, sys.stdout)
        """

    /// Python's reading of `message`.
    static func parse(_ message: Data) throws -> ParsedMail {
        try withScratchFolder { folder in
            let file = folder.appendingPathComponent("message.eml")
            try message.write(to: file)
            let output = try run(readMessage, [file.path])
            return try JSONDecoder().decode(ParsedMail.self, from: output)
        }
    }

    /// The messages Python's `mailbox.Maildir` finds in `folder`.
    static func maildirMessages(_ folder: URL) throws -> [[String: String]] {
        let output = try run(readMaildir, [folder.path])
        let list = try JSONSerialization.jsonObject(with: output) as? [[String: Any]] ?? []
        return list.map { $0.mapValues { "\($0)" } }
    }

    /// Runs `python3 -c program arguments…` and returns its standard output.
    static func run(_ program: String, _ arguments: [String]) throws -> Data {
        let outcome = try PythonProgram.runBlocking(program, arguments)
        try #require(outcome.status == 0, "python3 failed: \(outcome.stderr)")
        return outcome.stdout
    }
}
