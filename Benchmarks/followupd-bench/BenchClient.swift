import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking keep-alive HTTP/1.1 client over the control socket, one per load thread.
final class BenchClient {
    let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var pending: [UInt8] = []

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { throw BenchError(message: "cannot connect to \(path)") }
    }

    deinit { close(fd) }

    /// Sends one request and reads its response; returns the status code.
    func request(_ method: String, _ target: String, body: String? = nil) throws -> Int {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        if let body {
            text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        } else {
            text += "\r\n"
        }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw BenchError(message: "send failed") }
            offset += written
        }
        // Headers, then Content-Length bytes of body.
        var headerEnd: Int?
        while true {
            if headerEnd == nil, let range = findHeaderEnd() { headerEnd = range }
            if let end = headerEnd {
                let head = String(decoding: pending[..<end], as: UTF8.self)
                let length =
                    head.lowercased().components(separatedBy: "\r\n")
                    .first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if pending.count >= end + 4 + length {
                    pending.removeFirst(end + 4 + length)
                    return Int(head.split(separator: " ")[1]) ?? 0
                }
            }
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { throw BenchError(message: "connection closed") }
            pending.append(contentsOf: buffer[0..<count])
        }
    }

    private func findHeaderEnd() -> Int? {
        guard pending.count >= 4 else { return nil }
        for index in 0...(pending.count - 4)
        where pending[index] == 13 && pending[index + 1] == 10 && pending[index + 2] == 13 && pending[index + 3] == 10 {
            return index
        }
        return nil
    }
}

/// Runs `threads` load threads and waits for them all.
func runThreads(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<threads {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
}

/// Latencies gathered from many threads.
final class Latencies: Sendable {
    private let values = Mutex<[Double]>([])

    func add(_ batch: [Double]) { values.withLock { $0 += batch } }

    var sorted: [Double] { values.withLock { $0.sorted() } }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}
