import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Tells when files arrive in a Maildir's `new/` (inotify), so the inbox reads them at once.
///
/// A thread of its own waits (`poll`) on the inotify descriptor and on a stop pipe, and yields
/// one wake-up per batch of events; ``stop()`` writes to the pipe, which ends the thread. When
/// inotify is not available the stream ends at once and the reader relies on its periodic
/// rescan.
final class MaildirWatch: Sendable {
    let wakeUps: AsyncStream<Void>
    private let stopWriter: Int32

    init(folder: String) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wakeUps = stream
        var pipeEnds: [Int32] = [-1, -1]
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0, pipe(&pipeEnds) == 0,
            inotify_add_watch(fd, folder, UInt32(IN_MOVED_TO) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_CREATE)) >= 0
        else {
            if fd >= 0 { close(fd) }
            for end in pipeEnds where end >= 0 { close(end) }
            stopWriter = -1
            continuation.finish()
            return
        }
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        stopWriter = pipeEnds[1]
        let stopReader = pipeEnds[0]
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            var watched = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopReader, events: Int16(POLLIN), revents: 0),
            ]
            while true {
                let ready = poll(&watched, 2, -1)
                if ready < 0 && errno == EINTR { continue }
                guard ready > 0, watched[1].revents == 0 else { break }
                let count = read(fd, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                continuation.yield()
            }
            close(fd)
            close(stopReader)
            continuation.finish()
        }
        thread.name = "followupd-inbox-watch"
        thread.start()
    }

    /// Stops watching: the thread wakes on the pipe and ends.
    func stop() {
        guard stopWriter >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(stopWriter, &byte, 1)
        close(stopWriter)
    }
}
