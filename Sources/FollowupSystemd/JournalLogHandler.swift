import CSystemd
import Foundation
import Logging

/// A swift-log handler that writes structured entries to the systemd journal with
/// `sd_journal_sendv` (one `iovec` per `FIELD=value`).
///
/// Fields: `MESSAGE`, `PRIORITY`, `SYSLOG_IDENTIFIER=followupd`, `CODE_FILE`/`CODE_LINE`/
/// `CODE_FUNC`, `MESSAGE_ID` from the `followup.event` metadata (``JournalEvent``), and the
/// metadata as fields: `followup.case` → `FOLLOWUP_CASE`, `followup.peer_uid` → `PEER_UID`,
/// any other `followup.x` → `FOLLOWUP_X`. Names are made of uppercase letters, digits and `_`.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String] = []
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        fields.append("MESSAGE=\(event.message)")
        fields.append("PRIORITY=\(Self.priority(event.level))")
        fields.append("SYSLOG_IDENTIFIER=followupd")
        fields.append("CODE_FILE=\(event.file)")
        fields.append("CODE_LINE=\(event.line)")
        fields.append("CODE_FUNC=\(event.function)")
        if case .string(let name) = merged["followup.event"], let kind = JournalEvent(rawValue: name) {
            fields.append("MESSAGE_ID=\(kind.messageID)")
        }
        for (key, value) in merged {
            guard let name = Self.fieldName(for: key) else { continue }
            fields.append("\(name)=\(value)")
        }
        Self.send(fields)
    }

    /// The journal field for a metadata key, or nil when it makes no valid name.
    static func fieldName(for key: String) -> String? {
        let special = ["followup.peer_uid": "PEER_UID", "followup.peer_pid": "PEER_PID"]
        if let name = special[key] { return name }
        let upper = key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        let name = String(upper)
        guard let first = name.first, first.isLetter, name.count <= 64,
            name.allSatisfy({ ($0.isASCII && ($0.isUppercase || $0.isNumber)) || $0 == "_" })
        else { return nil }
        return name
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Sends one entry; values may hold any bytes, newlines included.
    static func send(_ fields: [String]) {
        let buffers = fields.map { Array($0.utf8) }
        var pointers: [UnsafeMutableRawPointer] = []
        var vectors: [iovec] = []
        for bytes in buffers {
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            bytes.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            pointers.append(pointer)
            vectors.append(iovec(iov_base: pointer, iov_len: bytes.count))
        }
        _ = vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        for pointer in pointers { pointer.deallocate() }
    }

    /// Whether standard error is the journal's stream (`JOURNAL_STREAM` is its device:inode).
    public static func stderrIsJournal(environment: [String: String]) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return stream == "\(info.st_dev):\(info.st_ino)"
    }
}
