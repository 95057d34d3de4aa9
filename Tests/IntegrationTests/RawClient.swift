import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A bare Unix-socket client for the control socket: sends exactly the bytes a test gives
/// (well-formed or not) and reads what comes back.
final class RawClient {
    let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        do {
            try UnixAddress.with(path) { connect(fd, $0, $1) }
        } catch {
            close(fd)
            throw error
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ data: Data) {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if written <= 0 { return }
                offset += written
            }
        }
    }

    func send(_ text: String) { send(Data(text.utf8)) }

    /// Reads until the peer closes (or the 10 s receive timeout).
    func readAll() -> String {
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            result.append(buffer, count: count)
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// One request with `Connection: close`; returns the status code and the body.
    static func request(
        _ path: String, _ method: String, _ target: String, body: String? = nil, headers: [String: String] = [:]
    ) throws -> (status: Int, headers: String, body: String) {
        let client = try RawClient(path: path)
        var text = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body {
            text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        } else {
            text += "\r\n"
        }
        client.send(text)
        return parse(client.readAll())
    }

    static func parse(_ response: String) -> (status: Int, headers: String, body: String) {
        let parts = response.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, head, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}
