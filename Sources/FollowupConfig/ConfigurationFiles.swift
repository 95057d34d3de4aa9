import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the files a configuration names are, and how they are read: the only place, with the
/// loader, that touches the file system for the configuration.
struct ConfigurationFiles {
    /// The configuration file's directory, absolute; relative paths are resolved against it.
    let baseDirectory: String
    /// `$CREDENTIALS_DIRECTORY` (systemd `LoadCredential=`), when set and not empty.
    let credentialsDirectory: String?

    /// Files read from the configuration (the file itself, secrets) larger than this are refused.
    static let sizeLimit = 1 << 20

    init(baseDirectory: String, environment: [String: String]) {
        self.baseDirectory = Self.absolute(baseDirectory)
        let credentials = environment["CREDENTIALS_DIRECTORY"] ?? ""
        self.credentialsDirectory = credentials.isEmpty ? nil : Self.absolute(credentials)
    }

    /// `path` made absolute against ``baseDirectory``, with `.` and `..` removed.
    func resolve(_ path: String) -> String {
        Self.normalize(path.hasPrefix("/") ? path : baseDirectory + "/" + path)
    }

    /// A secret file's absolute path: a bare name (no `/`) is looked up in
    /// `$CREDENTIALS_DIRECTORY` when that is set, anything else is resolved like ``resolve(_:)``.
    func resolveSecret(_ path: String) -> String {
        if let credentialsDirectory, !path.contains("/") {
            return Self.normalize(credentialsDirectory + "/" + path)
        }
        return resolve(path)
    }

    /// `path` made absolute against the current directory, with `.` and `..` removed.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        return normalize(FileManager.default.currentDirectoryPath + "/" + path)
    }

    /// Removes empty, `.` and `..` components of an absolute path, lexically (symbolic links are
    /// not followed, so `a/link/..` becomes `a`).
    static func normalize(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// The directory part of an absolute path (`/` for a file at the root).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// A file's whole content as UTF-8 text.
    ///
    /// - Throws: ``ReadFailure`` with the reason in words (the system's, such as "No such file
    ///   or directory" or "Permission denied"; "Is a directory"; too large; not UTF-8).
    static func readText(atPath path: String) throws(ReadFailure) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadFailure(reason: Self.reason(errno)) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadFailure(reason: Self.reason(errno))
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[..<count])
            if bytes.count > sizeLimit { throw ReadFailure(reason: "larger than \(sizeLimit / 1024) KiB") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ReadFailure(reason: "not UTF-8 text")
        }
        return text
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// Why a file could not be read.
    struct ReadFailure: Error {
        /// The reason, in words.
        var reason: String
    }
}
