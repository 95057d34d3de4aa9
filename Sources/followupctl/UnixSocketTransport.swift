import FollowupCore
import Foundation
import Glibc

/// Carries one HTTP request to the daemon over its Unix socket and reads the whole answer:
/// blocking `socket`/`connect`/`send`/`recv` (Linux), one connection per request.
///
/// Every failure comes out as a ``FollowupError`` naming the socket: `unreachable` when no
/// daemon listens (exit 69), `forbidden` when the socket's mode keeps us out (77), `busy` when
/// it does not answer within the timeout (75), `unexpected` for an answer that is not HTTP (70).
struct UnixSocketTransport: Sendable {
    /// The control socket's path.
    var path: String
    /// How long to wait for the connection, for each write and for each read.
    var timeout: Duration = .seconds(30)

    /// Sends `request` and returns the daemon's answer.
    func send(_ request: HTTPRequest) throws(FollowupError) -> HTTPResponse {
        let descriptor = try connect()
        defer { close(descriptor) }
        do throws(FollowupError) {
            try write(request.serialized, to: descriptor)
        } catch let failure {
            // The daemon may have answered (413, say) and closed before taking the whole body.
            guard failure.code == .unreachable, let answer = try? readResponse(from: descriptor) else { throw failure }
            return answer
        }
        return try readResponse(from: descriptor)
    }

    private func connect() throws(FollowupError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !pathBytes.isEmpty, pathBytes.count < capacity else {
            throw FollowupError(
                .usage,
                "the socket path \"\(path)\" is \(pathBytes.isEmpty ? "empty" : "longer than \(capacity - 1) bytes")")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw unreachable(errno) }
        setTimeout(SO_RCVTIMEO, on: descriptor)
        setTimeout(SO_SNDTIMEO, on: descriptor)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                retryingOnInterrupt {
                    Glibc.connect(descriptor, socketAddress, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            switch code {
            case EACCES, EPERM:
                throw FollowupError(
                    .forbidden,
                    "not allowed to connect to followupd at \(path): \(describe(code)) (the socket's group decides who may connect)"
                )
            case EAGAIN, EWOULDBLOCK, EINPROGRESS, ETIMEDOUT:
                throw FollowupError(
                    .busy, "followupd at \(path) did not accept the connection within \(seconds) s; try again")
            default:
                throw unreachable(code)
            }
        }
        return descriptor
    }

    private func write(_ bytes: [UInt8], to descriptor: Int32) throws(FollowupError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                retryingOnInterrupt {
                    Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                }
            }
            guard sent > 0 else {
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK {
                    throw FollowupError(
                        .busy, "followupd at \(path) did not take the request within \(seconds) s; try again")
                }
                throw FollowupError(
                    .unreachable,
                    "cannot reach followupd at \(path): the connection broke while sending: \(describe(code))")
            }
            offset += sent
        }
    }

    private func readResponse(from descriptor: Int32) throws(FollowupError) -> HTTPResponse {
        var parser = HTTPResponseParser()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        do {
            while true {
                let received = chunk.withUnsafeMutableBytes { raw in
                    retryingOnInterrupt { recv(descriptor, raw.baseAddress!, raw.count, 0) }
                }
                if received < 0 {
                    let code = errno
                    if code == EAGAIN || code == EWOULDBLOCK {
                        throw FollowupError(
                            .busy, "followupd at \(path) did not answer within \(seconds) s; it may be busy: try again")
                    }
                    throw FollowupError(
                        .unreachable, "cannot reach followupd at \(path): the connection broke: \(describe(code))")
                }
                if received == 0 {
                    guard let response = try parser.response(atEndOfStream: true) else {
                        throw HTTPResponseParser.Malformed(description: "the connection closed early")
                    }
                    return response
                }
                try parser.append(chunk[0..<received])
                if let response = try parser.response() { return response }
            }
        } catch let malformed as HTTPResponseParser.Malformed {
            throw FollowupError(.unexpected, "followupd at \(path) gave an answer that is not HTTP: \(malformed)")
        } catch let error as FollowupError {
            throw error
        } catch {
            throw FollowupError(.unexpected, "reading from followupd at \(path): \(error)")
        }
    }

    private func setTimeout(_ option: Int32, on descriptor: Int32) {
        let (wholeSeconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(wholeSeconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        _ = setsockopt(descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    private var seconds: Int64 { timeout.components.seconds }

    private func unreachable(_ code: Int32) -> FollowupError {
        FollowupError(.unreachable, "cannot reach followupd at \(path): \(describe(code))")
    }

    private func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    private func retryingOnInterrupt<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result < 0 && errno == EINTR { continue }
            return result
        }
    }
}
