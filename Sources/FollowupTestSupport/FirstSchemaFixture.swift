import Foundation

/// The database made by the first release's code (`Tests/Fixtures/first-schema`: schema
/// `v1`, eight cases in every state with their events, outbox rows and reports), and an
/// independent reader of SQLite files (Python's `sqlite3` module, `Tests/Support/sqlite_dump.py`)
/// to compare what today's code reads back with what the file held.
public enum FirstSchemaFixture {
    /// The repository's top folder.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The committed fixture (never opened in place: tests work on a copy).
    public static let path = repository.appendingPathComponent("Tests/Fixtures/first-schema/first-schema.sqlite").path

    /// The first PostgreSQL schema (version 1 of commit d41bf29), as SQL.
    public static let postgresSchemaPath =
        repository.appendingPathComponent("Tests/Fixtures/first-schema/postgres-v1.sql").path

    /// The identifier of the first schema's only step, as `grdb_migrations` records it.
    public static let firstStep = "v1: cases, timeline, stages, outbox, reports, counters"

    /// Copies the fixture to `destination` (a new file).
    public static func copy(to destination: String) throws {
        try FileManager.default.copyItem(atPath: path, toPath: destination)
    }

    /// A whole SQLite file as read by Python's `sqlite3`: its schema and every row.
    public struct Dump: Sendable {
        /// `[type, name, sql]` of every table and index, sorted.
        public var schema: [[String]]
        /// Every table's rows; a BLOB is `Data`, an INTEGER `Int64`, a REAL `Double`, TEXT a
        /// `String`, NULL `nil`.
        public var tables: [String: [[String: Value]]]

        /// One column's value.
        public enum Value: Sendable, Hashable {
            case null, integer(Int64), real(Double), text(String), blob(Data)

            /// The value as a number of seconds (INTEGER or REAL).
            public var seconds: Double? {
                switch self {
                case .integer(let value): Double(value)
                case .real(let value): value
                default: nil
                }
            }

            /// The value as an integer.
            public var integer: Int64? {
                if case .integer(let value) = self { return value }
                return nil
            }

            /// The value as text.
            public var text: String? {
                if case .text(let value) = self { return value }
                return nil
            }

            /// The value as bytes.
            public var blob: Data? {
                if case .blob(let value) = self { return value }
                return nil
            }
        }

        /// The rows of `table` (none when the table does not exist).
        public func rows(_ table: String) -> [[String: Value]] { tables[table] ?? [] }

        /// The names of the tables.
        public var tableNames: Set<String> { Set(schema.filter { $0.first == "table" }.map { $0[1] }) }
    }

    /// Reads the SQLite file at `file` with Python's `sqlite3` (immutable: nothing is written).
    public static func dump(_ file: String) async throws -> Dump {
        let script = repository.appendingPathComponent("Tests/Support/sqlite_dump.py")
        let outcome = try await PythonProgram.run(try String(contentsOf: script, encoding: .utf8), [file])
        guard outcome.status == 0,
            let top = try JSONSerialization.jsonObject(with: outcome.stdout) as? [String: Any],
            let schema = top["schema"] as? [[Any]], let tables = top["tables"] as? [String: [[String: Any]]]
        else {
            throw DumpError(message: "sqlite_dump.py \(file) failed (\(outcome.status)): \(outcome.stderr)")
        }
        return Dump(
            schema: schema.map { $0.map { ($0 as? String) ?? "" } },
            tables: tables.mapValues { rows in rows.map { $0.mapValues(Self.value) } })
    }

    /// Why a dump could not be read.
    public struct DumpError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    static func value(_ any: Any) -> Dump.Value {
        switch any {
        case is NSNull: return .null
        case let blob as [String: Any]:
            return .blob(Data(hex: blob["blob"] as? String ?? ""))
        case let text as String: return .text(text)
        case let number as NSNumber:
            // JSONSerialization gives an integer for "3" and a double for "3.0" or "3.5".
            let text = number.stringValue
            if let integer = Int64(text) { return .integer(integer) }
            return .real(number.doubleValue)
        default: return .null
        }
    }
}

extension Data {
    /// The bytes that pairs of hex digits spell (lowercase, as sqlite_dump.py writes them).
    init(hex: String) {
        let digits = Array(hex.utf8).compactMap { character -> UInt8? in
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        self.init(stride(from: 0, to: digits.count - 1, by: 2).map { digits[$0] << 4 | digits[$0 + 1] })
    }
}
