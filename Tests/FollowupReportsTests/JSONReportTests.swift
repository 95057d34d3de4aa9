import FollowupCore
import FollowupReports
import FollowupTestSupport
import Foundation
import Testing

/// The JSON report: the document itself, stable, and valid against `docs/report.schema.json` as
/// Python's `jsonschema` (a validator written by others) reads it.
@Suite struct JSONReportTests {
    static let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/report.schema.json").standardized

    /// Checks the schema itself, then prints, per file, the errors found in it (none: `[]`).
    static let validator = """
        import json, sys
        from jsonschema import Draft202012Validator
        schema = json.load(open(sys.argv[1], encoding='utf-8'))
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema)
        out = {}
        for path in sys.argv[2:]:
            instance = json.load(open(path, encoding='utf-8'))
            out[path.rsplit('/', 1)[-1]] = sorted(e.message for e in validator.iter_errors(instance))
        json.dump(out, sys.stdout)
        """

    /// The schema errors of each named JSON text.
    static func validate(_ documents: [String: Data]) throws -> [String: [String]] {
        try withScratchFolder { folder in
            var paths: [String] = []
            for (name, data) in documents {
                let file = folder.appendingPathComponent(name)
                try data.write(to: file)
                paths.append(file.path)
            }
            let output = try Python.run(validator, [schema.path] + paths)
            return try JSONDecoder().decode([String: [String]].self, from: output)
        }
    }

    static let renderer = try! ReportRenderer(timeZone: ReportFixture.zone)

    @Test func everyFixtureIsValid() throws {
        var documents: [String: Data] = [:]
        for fixture in ReportFixture.all {
            for audience in ReportAudience.allCases {
                documents["\(fixture.name).\(audience.rawValue).json"] = try Self.renderer.render(
                    fixture.document, as: .json, for: audience)
            }
        }
        let errors = try Self.validate(documents)
        #expect(errors.count == ReportFixture.all.count * 2)
        #expect(errors.filter { !$0.value.isEmpty } == [:])
    }

    /// What a report must never be; the schema refuses each, so the test above can fail.
    enum Breach: String, CaseIterable {
        case notesAsText, unknownReason, refusalAskingForAnotherRoute, timeWithAnOffset, noAttempts, returnWithText
        case notesOnASensitiveCase, clientReportWithMessageID, clientReportWithLogin, clientReportWithFailure

        /// Whether the breach is made on the client's report (else on the desk's).
        var onClientReport: Bool {
            switch self {
            case .clientReportWithMessageID, .clientReportWithLogin, .clientReportWithFailure: true
            default: false
            }
        }

        func apply(to json: inout [String: Any]) {
            switch self {
            case .notesAsText: json["notes"] = "senha: 1234"
            case .notesOnASensitiveCase:
                json["sensitive"] = true
                json["notes"] = [
                    [
                        "seq": 3, "kind": "note", "at": "2026-11-25T14:20:00Z", "by": "ana", "text": "senha: 1234",
                        "internal": false,
                    ]
                ]
            case .clientReportWithMessageID:
                var attempts = json["attempts"] as? [[String: Any]] ?? []
                attempts[0]["message_id"] = "<fu-12.1@suporte.dominio.example>"
                json["attempts"] = attempts
            case .clientReportWithLogin: json["owner"] = "ana.souza"
            case .clientReportWithFailure:
                var attempts = json["attempts"] as? [[String: Any]] ?? []
                attempts[0]["failed"] = true
                json["attempts"] = attempts
            case .unknownReason: json["reason"] = "gave_up"
            case .refusalAskingForAnotherRoute: json["reason"] = "partner_refused"
            case .timeWithAnOffset: json["generated_at"] = "2026-11-26T09:00:00-03:00"
            case .noAttempts: json["attempts"] = nil
            case .returnWithText:
                json["returns"] = [["seq": 4, "at": "2026-11-25T14:20:00Z", "kind": "info", "text": "ok"]]
            }
        }
    }

    @Test(arguments: Breach.allCases)
    func schemaRefuses(_ breach: Breach) throws {
        let rendered = try Self.renderer.render(
            ReportFixture.noReply.document, as: .json, for: breach.onClientReport ? .client : .desk)
        var json = try #require(try JSONSerialization.jsonObject(with: rendered) as? [String: Any])
        breach.apply(to: &json)
        let changed = try JSONSerialization.data(withJSONObject: json)
        let errors = try Self.validate(["changed.json": changed])
        #expect(errors["changed.json"]?.isEmpty == false, "the schema accepted \(breach)")
    }

    /// Decoding the JSON gives back the document, field for field.
    @Test(arguments: ReportFixture.all)
    func isTheDocumentItself(_ fixture: ReportFixture) throws {
        let rendered = try Self.renderer.render(fixture.document, as: .json, for: .desk)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            return try #require(Timestamp.parse(text))
        }
        #expect(try decoder.decode(ReportDocument.self, from: rendered) == fixture.document)
    }

    /// Sorted keys, UTC times, the same bytes in every language and on every call.
    @Test func isStable() throws {
        let document = ReportFixture.noInformation.document
        let english = try ReportRenderer(language: .en, timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        let first = try Self.renderer.render(document, as: .json, for: .desk)
        #expect(try english.render(document, as: .json, for: .desk) == first)
        #expect(try Self.renderer.render(document, as: .json, for: .desk) == first)
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.contains(#""generated_at":"2026-11-25T17:30:00Z""#))
        #expect(text.contains(#""first_request_at":"2026-11-20T17:30:00Z""#))
        // Top-level keys in sorted order (none of them is also a nested key but `attempts`, first).
        let json = try #require(try JSONSerialization.jsonObject(with: first) as? [String: Any])
        let keys = json.keys.sorted()
        let positions = try keys.map { key in try #require(text.range(of: "\"\(key)\":")).lowerBound }
        #expect(positions == positions.sorted())
        #expect(keys.count == 16)
        #expect(!text.contains("\n  "))
        #expect(text.hasSuffix("}\n"))
    }
}
