import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A Unix socket path as the socket calls take it, for the tests' own clients and servers.
enum UnixAddress {
    /// Runs `call` (connect or bind) with the `sockaddr_un` of `path`; throws errno on failure.
    static func with(_ path: String, _ call: (UnsafePointer<sockaddr>, socklen_t) -> Int32) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}
