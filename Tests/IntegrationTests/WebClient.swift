import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A browser-like HTTP client for the web listener: the real `curl` with its own cookie jar,
/// so cookies are kept exactly as a client that follows RFC 6265 keeps them.
struct WebClient {
    let base: String
    let jar: URL

    init(port: Int, directory: URL) {
        base = "http://127.0.0.1:\(port)"
        jar = directory.appendingPathComponent("cookies-\(UUID().uuidString.prefix(8)).txt")
    }

    /// One answer: status, headers (lower-case names; repeated ones joined by newlines) and body.
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String

        /// The hidden `csrf` field of the page's first form.
        var csrf: String? {
            guard let range = body.range(of: #"name="csrf" value=""#) else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    /// `method path`, with a form body (`name=value&…`, values percent-encoded here) or a raw
    /// JSON body, and extra headers; redirects are not followed.
    func send(
        _ method: String, _ path: String, form: [(String, String)]? = nil, json: String? = nil,
        headers: [String: String] = [:]
    ) throws -> Answer {
        var arguments = ["-s", "-i", "-X", method, "-c", jar.path, "-b", jar.path]
        if let form {
            let body = form.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
            arguments += ["-H", "Content-Type: application/x-www-form-urlencoded", "--data-raw", body]
        }
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-raw", json] }
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        arguments.append(base + path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Self.parse(String(decoding: data, as: UTF8.self))
    }

    func get(_ path: String) throws -> Answer { try send("GET", path) }

    /// Signs in through the sign-in form, as a browser does (the form's CSRF token and cookie).
    func signIn(_ login: String, _ password: String) throws -> Answer {
        let page = try get("/sign-in")
        return try send(
            "POST", "/sign-in", form: [("csrf", page.csrf ?? ""), ("login", login), ("password", password)])
    }

    /// The cookie `name` as the jar holds it (nil when absent or expired).
    func cookie(_ name: String) -> String? {
        guard let text = try? String(contentsOf: jar, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.count == 7, fields[5] == name { return String(fields[6]) }
        }
        return nil
    }

    static func parse(_ text: String) -> Answer {
        let separator = text.range(of: "\r\n\r\n") ?? text.range(of: "\n\n")
        let head = separator.map { String(text[..<$0.lowerBound]) } ?? text
        let body = separator.map { String(text[$0.upperBound...]) } ?? ""
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + "\n" + value } ?? value
        }
        return Answer(status: status, headers: headers, body: body)
    }

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
