import FollowupCore
import FollowupReports
import Foundation
import Testing

/// One fixture for one audience in one language and format, and the checked-in file it must match.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    var fixture: ReportFixture
    var audience: ReportAudience
    var language: DeskLanguage
    var format: ReportFormat

    /// `no_reply.client.pt-BR.html`; JSON does not depend on the language: `no_reply.client.json`.
    var fileName: String {
        let base = "\(fixture.name).\(audience.rawValue)"
        return format == .json ? "\(base).json" : "\(base).\(language.rawValue).\(format.fileExtension)"
    }

    var testDescription: String {
        "\(fixture.name) \(audience.rawValue) \(language.rawValue) \(format.rawValue)"
    }

    static let all: [GoldenCase] = ReportFixture.all.flatMap { fixture in
        ReportAudience.allCases.flatMap { audience in
            DeskLanguage.allCases.flatMap { language in
                ReportFormat.allCases.map {
                    GoldenCase(fixture: fixture, audience: audience, language: language, format: $0)
                }
            }
        }
    }
}

/// The reports clients and leaders read, compared byte for byte with reviewed files under `Golden/`.
///
/// `FOLLOWUP_RECORD_GOLDEN=1 swift test --filter GoldenReportTests` rewrites the files (and fails,
/// so a recording run is never taken for a passing one); review the diff before checking it in.
@Suite struct GoldenReportTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let recording = ProcessInfo.processInfo.environment["FOLLOWUP_RECORD_GOLDEN"] == "1"

    @Test(arguments: GoldenCase.all)
    func matchesTheReviewedFile(_ golden: GoldenCase) throws {
        let renderer = try ReportRenderer(language: golden.language, timeZone: ReportFixture.zone)
        let rendered = try renderer.render(golden.fixture.document, as: golden.format, for: golden.audience)
        let file = Self.folder.appendingPathComponent(golden.fileName)
        if Self.recording {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try rendered.write(to: file)
            Issue.record("recorded \(golden.fileName): review it, then run again without FOLLOWUP_RECORD_GOLDEN")
            return
        }
        let expected = try Data(contentsOf: file)
        #expect(
            String(decoding: rendered, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
            "\(golden.fileName) differs; FOLLOWUP_RECORD_GOLDEN=1 rewrites it")
    }

    /// Every file under `Golden/` is one a test compares with: none is left over from a rename.
    @Test(.disabled(if: recording, "files are being written")) func everyGoldenFileIsChecked() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
        #expect(Set(names) == Set(GoldenCase.all.map(\.fileName)))
    }
}
