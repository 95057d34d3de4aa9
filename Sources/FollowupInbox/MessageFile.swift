import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads one message file of the Maildir without ever blocking or reading without bound.
///
/// Whatever lands in `new/` is opened with `O_NOFOLLOW | O_NONBLOCK`: a symbolic link is
/// refused (it could point at `/dev/zero` or a file the daemon may read and the sender may
/// not), opening a FIFO does not wait for a writer, and `fstat` on the open descriptor tells
/// a regular file from a FIFO, socket, device or folder before a byte is read. A regular file
/// larger than the limit is refused from its size; one that grows while read is cut at the
/// limit plus one byte and refused too.
enum MessageFile {
    /// Why a file in `new/` was not read.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// The bytes of the regular file at `path`, at most `maxBytes`.
    ///
    /// - Throws: ``Refusal`` for a symbolic link, anything not a regular file, a file over
    ///   `maxBytes`, or a file that cannot be opened or read (with the system's reason).
    static func read(_ path: String, maxBytes: Int) throws(Refusal) -> Data {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { throw Refusal(description: "a symbolic link, not a message file: it is not followed") }
            throw Refusal(description: "cannot open it: \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw Refusal(description: "cannot read its status: \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw Refusal(description: "\(kind(status.st_mode)), not a regular file: it is not read")
        }
        guard status.st_size <= maxBytes else {
            throw Refusal(description: "\(status.st_size) bytes is more than the inbox reads (\(maxBytes))")
        }
        // The size can change between fstat and read (a writer still at work): read at most one
        // byte past the limit, which tells a file that grew too large.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(status.st_size))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let wanted = min(chunk.count, maxBytes + 1 - bytes.count)
            let count = Glibc.read(fd, &chunk, wanted)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw Refusal(description: "cannot read it: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > maxBytes {
                throw Refusal(description: "it grew past \(maxBytes) bytes while read: it is not read")
            }
        }
        return Data(bytes)
    }

    /// What a file of mode `mode` is, in words.
    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFDIR: "a folder"
        case S_IFLNK: "a symbolic link"
        default: "a special file"
        }
    }
}
