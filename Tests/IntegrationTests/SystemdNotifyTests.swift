import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's sd_notify conversation with a real datagram socket standing in for systemd:
/// ready, status, watchdog, reload (good and refused), stop, and a stuck scheduler.
@Suite(.serialized) struct SystemdNotifyTests {
    @Test func readyStatusWatchdogReloadAndStop() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1h", reportAfter: "3h")
        let notify = try NotifySocket(directory: workspace.directory)
        let daemon = try DaemonProcess(
            arguments: ["--config", workspace.configPath], directory: workspace.directory,
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000"])
        let startup = notify.wait(for: "READY=1")
        let ready = try #require(startup.last, "no READY=1: \(daemon.stderr)")
        #expect(ready.contains("STATUS=0 awaiting partner"))
        // The socket answers by the time READY=1 is sent.
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        #expect(try RawClient.request(socket, "GET", "/v1/status").status == 200)

        let running = notify.collect(for: 2.5)
        let pings = running.filter { $0.text == "WATCHDOG=1" }
        #expect(pings.count >= 3, "pings at half of WATCHDOG_USEC: \(running.map(\.text))")

        // A good reload: RELOADING=1 with MONOTONIC_USEC, then READY=1.
        kill(daemon.process.processIdentifier, SIGHUP)
        let reload = notify.wait(for: "READY=1").filter { $0 != "WATCHDOG=1" && !$0.hasPrefix("STATUS=") }
        #expect(reload.first?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true, "\(reload)")
        #expect(reload.last?.hasPrefix("READY=1") == true)
        #expect(daemon.stderr.contains("configuration reloaded"))

        // A refused reload keeps the old configuration and still ends with READY=1.
        try "policy:\n  resend_after: banana\n".write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        let refused = notify.wait(for: "READY=1").filter { $0 != "WATCHDOG=1" && !$0.hasPrefix("STATUS=") }
        #expect(refused.first?.hasPrefix("RELOADING=1") == true)
        #expect(daemon.stderr.contains("policy.resend_after"))
        #expect(try RawClient.request(socket, "GET", "/v1/status").status == 200, "the old configuration keeps running")

        daemon.process.terminate()
        let stopping = notify.wait(for: "STOPPING=1")
        #expect(stopping.last?.contains("STOPPING=1") == true)
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 0)
    }

    @Test func aStuckSchedulerStopsTheWatchdogPings() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1h", reportAfter: "3h")
        let notify = try NotifySocket(directory: workspace.directory)
        let daemon = try DaemonProcess(
            arguments: ["--config", workspace.configPath, "--test-stall-scheduler"], directory: workspace.directory,
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000"])
        _ = notify.wait(for: "READY=1")
        // Within the watchdog interval the pings stop for good.
        _ = notify.collect(for: 1.5)
        let later = notify.collect(for: 2.5)
        #expect(later.filter { $0.text == "WATCHDOG=1" }.isEmpty, "\(later.map(\.text))")
        #expect(daemon.stderr.contains("stuck"))
        _ = daemon.terminate()
    }
}
