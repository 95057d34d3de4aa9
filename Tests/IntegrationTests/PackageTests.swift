import FollowupCore
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The Debian package `scripts/package` builds (SPEC §6.11), read back with dpkg-deb and
/// judged by lintian. The static release build behind it is a second whole build (over half an
/// hour on this 2-core machine from a fresh clone): `scripts/test --package` runs this suite,
/// in its second, unshared run, and sets `FOLLOWUPD_PACKAGE_TESTS=1`; the package is built once
/// per test run.
@Suite(
    .serialized,
    .enabled(
        if: getuid() == 0 && ProcessInfo.processInfo.environment["FOLLOWUPD_PACKAGE_TESTS"] == "1",
        "builds a release package and checks it with dpkg-deb and lintian: root only, with scripts/test --package"))
struct PackageTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The package of this test run: scripts/package's last output line, or why it failed.
    static let built: Result<String, PackageFailure> = {
        let script = repository.appendingPathComponent("scripts/package").path
        guard let result = try? SystemdUnitTests.run("/usr/bin/env", ["bash", script]) else {
            return .failure(PackageFailure(message: "could not start scripts/package"))
        }
        let path = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard result.status == 0, path.hasSuffix(".deb") else {
            return .failure(PackageFailure(message: "scripts/package failed (\(result.status)): \(result.stderr)"))
        }
        return .success(path.hasPrefix("/") ? path : repository.appendingPathComponent(path).path)
    }()

    /// Why the package could not be built.
    struct PackageFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func package() throws -> String { try built.get() }

    /// Runs a program from the PATH to completion.
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try SystemdUnitTests.run("/usr/bin/env", arguments)
    }

    static let expectedFiles = [
        "/usr/bin/followupd", "/usr/bin/followupctl",
        "/usr/lib/systemd/system/followupd.service", "/usr/lib/systemd/system/followupd.socket",
        "/usr/lib/systemd/system/followupd-mailer.service", "/usr/lib/systemd/system/followupd-mailer.timer",
        "/usr/lib/systemd/system/followupd-backup.service", "/usr/lib/systemd/system/followupd-backup.timer",
        "/usr/lib/sysusers.d/followupd.conf", "/usr/lib/tmpfiles.d/followupd.conf",
        "/usr/lib/systemd/catalog/followupd.catalog",
        "/etc/followupd/followupd.yaml",
        "/usr/share/bash-completion/completions/followupctl", "/usr/share/zsh/vendor-completions/_followupctl",
        "/usr/share/fish/vendor_completions.d/followupctl.fish",
        "/usr/share/man/man8/followupd.8.gz", "/usr/share/man/man1/followupctl.1.gz",
        "/usr/share/doc/followupd/copyright", "/usr/share/doc/followupd/changelog.Debian.gz",
        "/usr/share/doc/followupd/README.md", "/usr/share/doc/followupd/install.md",
        "/usr/share/doc/followupd/backup.md", "/usr/share/doc/followupd/openapi.yaml",
    ]

    @Test func namedByTheVersionFollowupdPrints() throws {
        let path = try Self.package()
        let arch = try Self.run(["dpkg", "--print-architecture"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(URL(fileURLWithPath: path).lastPathComponent == "followupd_\(FollowupVersion.current)-1_\(arch).deb")
        let fields = try Self.run(["dpkg-deb", "--field", path, "Package", "Version", "Architecture", "Depends"])
        #expect(fields.status == 0, "\(fields.stderr)")
        #expect(fields.stdout.contains("Package: followupd\n"))
        #expect(fields.stdout.contains("Version: \(FollowupVersion.current)-1\n"))
        #expect(fields.stdout.contains("Architecture: \(arch)\n"))
        #expect(fields.stdout.contains("libc6"), "Depends from dpkg-shlibdeps: \(fields.stdout)")
        #expect(fields.stdout.contains("systemd"))
    }

    @Test func containsEveryFileWithItsOwnerAndMode() throws {
        let listing = try Self.run(["dpkg-deb", "--contents", try Self.package()])
        #expect(listing.status == 0, "\(listing.stderr)")
        // "-rwxr-xr-x root/root 12345 2026-12-03 17:00 ./usr/bin/followupd"
        var entries: [String: (mode: String, owner: String)] = [:]
        for line in listing.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, let name = fields.last, name.hasPrefix("./") else { continue }
            entries[String(name.dropFirst()).trimmingSuffix("/")] = (String(fields[0]), String(fields[1]))
        }
        for file in Self.expectedFiles {
            let entry = try #require(entries[file], "\(file) is not in the package")
            #expect(entry.owner == "root/root", "\(file): \(entry.owner)")
            let executable = file.hasPrefix("/usr/bin/")
            #expect(entry.mode == (executable ? "-rwxr-xr-x" : "-rw-r--r--"), "\(file): \(entry.mode)")
        }
    }

    @Test func conffileAndMaintainerScripts() throws {
        let path = try Self.package()
        let info = try Self.run(["dpkg-deb", "--info", path])
        #expect(info.status == 0, "\(info.stderr)")
        for member in ["control", "conffiles", "md5sums", "postinst", "prerm", "postrm"] {
            #expect(info.stdout.contains(" \(member)"), "\(member) missing from dpkg-deb --info")
        }
        let control = try SystemdUnitTests.temporaryFolder("package-control")
        defer { try? FileManager.default.removeItem(at: control) }
        let extract = try Self.run(["dpkg-deb", "--control", path, control.path])
        #expect(extract.status == 0, "\(extract.stderr)")
        func script(_ name: String) throws -> String {
            try String(contentsOf: control.appendingPathComponent(name), encoding: .utf8)
        }
        #expect(try script("conffiles") == "/etc/followupd/followupd.yaml\n")
        let postinst = try script("postinst"), prerm = try script("prerm"), postrm = try script("postrm")
        for needed in [
            "systemd-sysusers followupd.conf", "systemd-tmpfiles --create followupd.conf",
            "journalctl --update-catalog", "deb-systemd-helper enable", "deb-systemd-invoke start followupd.socket",
            "deb-systemd-invoke restart followupd.service",
        ] {
            #expect(postinst.contains(needed), "postinst lacks \(needed)")
        }
        #expect(prerm.contains("deb-systemd-invoke stop"))
        #expect(postrm.contains("rm -rf /var/lib/followupd /var/spool/followupd"))
        // Everything that needs a running systemd is guarded, so installing into a chroot works.
        for text in [postinst, prerm, postrm] {
            for line in text.split(separator: "\n") where line.contains("deb-systemd-invoke") {
                #expect(line.contains("|| true"), "unguarded: \(line)")
            }
            #expect(!text.contains("systemctl") || text.contains("if [ -d /run/systemd/system ]"))
        }
        // State goes on purge only: the removal branch comes first and does not touch it.
        let purge = try #require(postrm.range(of: "if [ \"$1\" = \"purge\" ]"))
        #expect(!postrm[..<purge.lowerBound].contains("rm -rf"))
        for name in ["postinst", "prerm", "postrm"] {
            let syntax = try Self.run(["sh", "-n", control.appendingPathComponent(name).path])
            #expect(syntax.status == 0, "\(name): \(syntax.stderr)")
        }
    }

    @Test func binariesNeedNothingOfTheToolchain() throws {
        let root = try SystemdUnitTests.temporaryFolder("package-root")
        defer { try? FileManager.default.removeItem(at: root) }
        let extract = try Self.run(["dpkg-deb", "--extract", try Self.package(), root.path])
        #expect(extract.status == 0, "\(extract.stderr)")
        for program in ["followupd", "followupctl"] {
            let binary = root.appendingPathComponent("usr/bin/\(program)").path
            let ldd = try Self.run(["ldd", binary])
            #expect(ldd.status == 0, "\(ldd.stderr)")
            #expect(!ldd.stdout.contains("swift"), "\(program) loads the toolchain: \(ldd.stdout)")
            #expect(!ldd.stdout.contains("not found"), "\(program): \(ldd.stdout)")
            let dynamic = try Self.run(["readelf", "-d", binary])
            #expect(!dynamic.stdout.contains("RUNPATH") && !dynamic.stdout.contains("RPATH"), "\(dynamic.stdout)")
            // It runs with no toolchain on the library path.
            let version = try SystemdUnitTests.run(binary, ["--version"], environment: ["LD_LIBRARY_PATH": ""])
            #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == FollowupVersion.current)
        }
        // The conffile as shipped is a valid configuration (the service starts after install).
        let check = try SystemdUnitTests.run(
            root.appendingPathComponent("usr/bin/followupd").path,
            ["--check-config", "--config", root.appendingPathComponent("etc/followupd/followupd.yaml").path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test func lintianReportsNoError() throws {
        let lintian = try Self.run(["lintian", "--tag-display-limit", "0", try Self.package()])
        let errors = lintian.stdout.split(separator: "\n").filter { $0.hasPrefix("E: ") }
        #expect(errors.isEmpty, "lintian errors:\n\(errors.joined(separator: "\n"))")
        #expect(!lintian.stderr.contains("fatal"), "\(lintian.stderr)")
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) && count > suffix.count ? String(dropLast(suffix.count)) : self
    }
}
