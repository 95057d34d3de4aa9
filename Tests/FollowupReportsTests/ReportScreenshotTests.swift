import FollowupCore
import FollowupReports
import Foundation
import Testing

/// The HTML reports as a browser draws them: headless chromium takes a screenshot at A4 width
/// (794 × 1123 CSS pixels, 96 dpi) and at a phone's (390 × 844), and prints the client's report
/// to PDF through its print stylesheet. The pictures are kept under
/// `.build/test-output/report-screenshots/` (or `$FOLLOWUP_TEST_OUTPUT/report-screenshots/`) for
/// a person to look at; the tests check what a machine can: the files are whole pictures of the
/// asked size and the PDF's pages are A4.
///
/// Skipped, saying so, when no chromium is installed (`apt-get install -y chromium`).
@Suite(.enabled(if: Chromium.path != nil, "chromium is not installed: apt-get install -y chromium"))
struct ReportScreenshotTests {
    static let output: URL = {
        let base =
            ProcessInfo.processInfo.environment["FOLLOWUP_TEST_OUTPUT"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../.build/test-output"
            )
            .standardized
        return base.appendingPathComponent("report-screenshots")
    }()

    struct Shot: Sendable, CustomTestStringConvertible {
        var fixture: ReportFixture
        var audience: ReportAudience
        var language: DeskLanguage
        var width: Int
        var height: Int
        var device: String

        var name: String { "\(fixture.name).\(audience.rawValue).\(language.rawValue).\(device)" }
        var testDescription: String { name }
    }

    static let shots: [Shot] =
        [ReportFixture.partnerRefused, .noInformation].flatMap { fixture in
            [(794, 1123, "a4"), (390, 844, "phone")].map { width, height, device in
                Shot(
                    fixture: fixture, audience: .client, language: .ptBR, width: width, height: height,
                    device: device)
            }
        } + [
            Shot(fixture: .noInformation, audience: .client, language: .en, width: 794, height: 1123, device: "a4"),
            Shot(fixture: .noInformation, audience: .desk, language: .ptBR, width: 794, height: 1123, device: "a4"),
        ]

    /// Writes the report's HTML beside its pictures and returns its file.
    static func page(_ shot: Shot) throws -> URL {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let renderer = try ReportRenderer(language: shot.language, timeZone: ReportFixture.zone)
        let file = output.appendingPathComponent(
            "\(shot.fixture.name).\(shot.audience.rawValue).\(shot.language.rawValue).html")
        try renderer.render(shot.fixture.document, as: .html, for: shot.audience).write(to: file)
        return file
    }

    @Test(arguments: shots)
    func drawsTheReport(_ shot: Shot) throws {
        let page = try Self.page(shot)
        let picture = Self.output.appendingPathComponent("\(shot.name).png")
        try? FileManager.default.removeItem(at: picture)
        try Chromium.run([
            "--screenshot=\(picture.path)", "--window-size=\(shot.width),\(shot.height)", "--hide-scrollbars",
            page.absoluteString,
        ])
        let png = try Data(contentsOf: picture)
        // PNG signature, then the IHDR chunk: width and height, big-endian.
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let size = png.dropFirst(16).prefix(8).map { Int($0) }
        #expect(size.count == 8)
        let width = size[0] << 24 | size[1] << 16 | size[2] << 8 | size[3]
        let height = size[4] << 24 | size[5] << 16 | size[6] << 8 | size[7]
        #expect(width == shot.width && height == shot.height, "\(width) × \(height)")
        // A drawn page, not a blank one: a blank PNG of this size compresses to a few KB.
        #expect(png.count > 20_000, "\(png.count) bytes")
    }

    /// The print stylesheet asks for A4: the PDF chromium prints has A4 pages (595 × 842 points).
    @Test func printsOnA4() throws {
        let shot = Self.shots[0]
        let page = try Self.page(shot)
        let pdf = Self.output.appendingPathComponent("\(shot.fixture.name).\(shot.audience.rawValue).pdf")
        try? FileManager.default.removeItem(at: pdf)
        try Chromium.run(["--print-to-pdf=\(pdf.path)", "--no-pdf-header-footer", page.absoluteString])
        let text = String(decoding: try Data(contentsOf: pdf), as: UTF8.self)
        let boxes = text.matches(of: /\/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]/).map {
            (Double($0.output.1) ?? 0, Double($0.output.2) ?? 0)
        }
        #expect(!boxes.isEmpty)
        for (width, height) in boxes {
            #expect(abs(width - 595.3) < 2 && abs(height - 841.9) < 2, "page \(width) × \(height) is not A4")
        }
    }
}

/// The system's chromium, run headless.
enum Chromium {
    /// The first of `chromium`, `chromium-browser`, `google-chrome` found on `PATH`.
    static let path: String? = {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in folders {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs chromium headless with `arguments`; throws when it fails or takes over a minute.
    static func run(_ arguments: [String]) throws {
        guard let path else { throw Failure(description: "chromium is not installed") }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("followup-chromium-\(UUID())")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--user-data-dir=\(profile.path)", "--force-device-scale-factor=1",
            ] + arguments
        // A file, not a pipe: chromium may write more than a pipe holds before it exits.
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        let log = profile.appendingPathComponent("stderr.log")
        try Data().write(to: log)
        let errors = try FileHandle(forWritingTo: log)
        defer { try? errors.close() }
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            throw Failure(description: "chromium took over a minute")
        }
        let message = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw Failure(description: "chromium exited \(process.terminationStatus): \(message)")
        }
    }
}
