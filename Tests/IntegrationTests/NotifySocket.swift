import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A datagram socket standing in for systemd's notify socket: the daemon's `sd_notify`
/// messages arrive here, each with the time it was read.
final class NotifySocket {
    let path: String
    let fd: Int32

    init(directory: URL) throws {
        path = directory.appendingPathComponent("notify.sock").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        let fd = self.fd
        try UnixAddress.with(path) { bind(fd, $0, $1) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Messages that arrive within `seconds`.
    func collect(for seconds: TimeInterval) -> [(at: Date, text: String)] {
        var messages: [(at: Date, text: String)] = []
        let end = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < end {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 { messages.append((Date(), String(decoding: buffer[0..<count], as: UTF8.self))) }
        }
        return messages
    }

    /// Waits (bounded) for a message containing `text`; returns everything read meanwhile.
    func wait(for text: String, timeout: TimeInterval = 30) -> [String] {
        var seen: [String] = []
        let end = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < end {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            seen.append(message)
            if message.contains(text) { return seen }
        }
        return seen
    }
}
