import FollowupCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One report file under `reports.dir`, written so that a reader never sees half of it.
enum ReportFile {
    /// Writes `bytes` to `folder/.name.tmp`, syncs it, renames it to `folder/name` and syncs
    /// the folder. Blocks: run it off the concurrency pool.
    static func write(_ bytes: Data, named name: String, in folder: String) throws {
        let final = "\(folder)/\(name)"
        let temporary = "\(folder)/.\(name).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw failure("cannot create \(temporary)") }
        do {
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let count = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { throw failure("cannot write \(temporary)") }
                    offset += count
                }
            }
            guard fsync(descriptor) == 0 else { throw failure("cannot sync \(temporary)") }
            close(descriptor)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, final) == 0 else {
            unlink(temporary)
            throw failure("cannot move \(temporary) to \(final)")
        }
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    static func failure(_ what: String) -> FollowupError {
        FollowupError(.internalError, "\(what): \(String(cString: strerror(errno)))")
    }
}
