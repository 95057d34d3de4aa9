import Logging
import Synchronization

/// Keeps every entry logged through its ``logger()``, with its level, message and metadata
/// (the logger's own and the entry's, as text): what a component tells the journal, read back
/// by a test.
public final class CapturedLog: Sendable {
    public struct Entry: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    /// Every entry so far, oldest first.
    public var all: [Entry] { entries.withLock { $0 } }

    /// A logger whose entries are kept here.
    public func logger(label: String = "test") -> Logger {
        Logger(label: label) { _ in Handler(sink: self) }
    }

    struct Handler: LogHandler {
        let sink: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { $1 } }
            let entry = Entry(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" })
            sink.entries.withLock { $0.append(entry) }
        }
    }
}
