import FollowupAPI
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A full disk under the database: commands get 503 with a clear message, nothing is
/// half-written, the daemon keeps running and recovers once space is back.
@Suite(.serialized) struct StorageUnavailableTests {
    static let body = #"{"client":{"name":"C"},"partner":{"name":"P"},"subject":"s","verification":"v"}"#

    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root (CI runs as root)"))
    func aFullDiskAnswers503AndRecovers() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let disk = workspace.directory.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        try #require(Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", disk.path]) == 0)
        defer { _ = Self.run("/bin/umount", ["-l", disk.path]) }
        try workspace.writeConfiguration(resendAfter: "1h", reportAfter: "3h")
        let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
            .replacingOccurrences(of: "path: followupd.sqlite", with: "path: disk/followupd.sqlite")
        try text.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let daemon = try workspace.startDaemon()
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        let up = try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 }
        #expect(up, "\(daemon.stderr)")
        #expect(try RawClient.request(socket, "POST", "/v1/cases", body: Self.body).status == 201)

        // Fill the disk, then ask for more cases until the database cannot grow.
        let filler = disk.appendingPathComponent("filler").path
        _ = Self.run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=64k", "count=100"])
        var statuses: [Int] = []
        var last = ""
        for _ in 0..<200 {
            let answer = try RawClient.request(socket, "POST", "/v1/cases", body: Self.body)
            statuses.append(answer.status)
            if answer.status != 201 {
                last = answer.body
                break
            }
        }
        #expect(statuses.last == 503, "\(statuses.suffix(3)) \(last)")
        let error = try APICoding.decoder().decode(ErrorBody.self, from: Data(last.utf8))
        #expect(error.error.code == "storage_unavailable")
        #expect(try RawClient.request(socket, "GET", "/v1/status").status == 200, "the daemon keeps running")
        let accepted = statuses.filter { $0 == 201 }.count + 1

        // Space comes back: commands work again, and exactly the acknowledged cases exist.
        unlink(filler)
        let created = try RawClient.request(socket, "POST", "/v1/cases", body: Self.body)
        #expect(created.status == 201)
        let status = try APICoding.decoder().decode(
            StatusJSON.self, from: Data(try RawClient.request(socket, "GET", "/v1/status").body.utf8))
        #expect(status.openCases == accepted + 1, "nothing refused was half-written")
        #expect(daemon.terminate() == 0)
    }

    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
