import Foundation
import Testing

/// `followupctl erase` end to end (LGPD, SPEC §6.10): after erasing a client, its name, e-mail
/// and a note's text are found nowhere the daemon keeps data — the database file's raw bytes
/// (WAL included), the reports folder, the mail spool, the inbound Maildir — the case keeps a
/// tombstone, and another client's data is intact.
@Suite(.serialized) struct ErasureTests {
    static let secrets = ["Padaria Segredo Unico", "segredo-unico.example", "zebra-42-confidencial"]

    /// Every file under `folder` whose bytes hold one of `needles`.
    static func holding(_ needles: [String], under folder: URL) -> [String] {
        var found: [String] = []
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let file = walker?.nextObject() as? URL {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                let data = try? Data(contentsOf: file)
            else { continue }
            for needle in needles where data.range(of: Data(needle.utf8)) != nil {
                found.append("\(file.lastPathComponent): \(needle)")
            }
        }
        return found
    }

    /// Where the daemon keeps data: the database (its WAL too), reports, spool, inbound mail.
    static func daemonData(_ workspace: Workspace) -> [URL] {
        let names =
            ((try? FileManager.default.contentsOfDirectory(atPath: workspace.directory.path)) ?? [])
            .filter { $0.hasPrefix("followupd.sqlite") } + ["reports", "outbox", "inbox"]
        return names.map { workspace.directory.appendingPathComponent($0) }
    }

    /// Every file of the daemon's data holding one of `needles`.
    static func inDaemonData(_ needles: [String], _ workspace: Workspace) -> [String] {
        daemonData(workspace).flatMap { place -> [String] in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: place.path, isDirectory: &isFolder) else { return [] }
            if isFolder.boolValue { return holding(needles, under: place) }
            guard let data = try? Data(contentsOf: place) else { return [] }
            return needles.filter { data.range(of: Data($0.utf8)) != nil }.map { "\(place.lastPathComponent): \($0)" }
        }
    }

    /// `POST /v1/erase` for the client of FU-1, forced; its answer.
    static func erase(_ socket: String, dryRun: Bool) throws -> [String: Any] {
        let answer = try RawClient.request(
            socket, "POST", "/v1/erase",
            body: #"{"client":"padaria segredo unico","force":true,"dry_run":\#(dryRun)}"#)
        #expect(answer.status == 200, "\(answer.body)")
        return try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any] ?? [:]
    }

    static func show(_ socket: String, _ id: String) throws -> [String: Any] {
        let answer = try RawClient.request(socket, "GET", "/v1/cases/\(id)")
        return try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any] ?? [:]
    }

    @Test func anErasedClientIsFoundNowhereAndOthersAreIntact() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let yaml = """
            storage:
              path: followupd.sqlite
            control:
              socket: control.sock
            policy:
              resend_after: 1s
              max_resends: 1
              report_after: 2s
              owner_reminder_after: 0
            mail:
              from: "Suporte <suporte@desk.example>"
              maildir: outbox
            leaders:
              - { name: Ana, email: ana@desk.example }
            owners:
              - { name: joana, email: joana@desk.example, leader: Ana }
            partners:
              - { name: SIEG, domains: [sieg.example] }
            inbound:
              maildir: inbox
              rescan: 2s
            reports:
              dir: reports
            log:
              target: stderr
              level: info
            """
        try yaml.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let ctl = FollowupctlProcess(workspace)
        try #require(try await ctl.waitForDaemon(), "followupd did not answer: \(daemon.stderr)")
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        for (name, email) in [
            ("Padaria Segredo Unico", "dono@segredo-unico.example"), ("Mercado Intacto", "c@intacto.example"),
        ] {
            let opened = try RawClient.request(
                socket, "POST", "/v1/cases",
                body: """
                    {"client":{"name":"\(name)","email":"\(email)","ticket":"SSC-1"},\
                    "partner":{"name":"SIEG","emails":["suporte@sieg.example"]},"subject":"Notas",\
                    "verification":"Verificar a integração","owner":"joana","send":true}
                    """)
            try #require(opened.status == 201, "\(opened.body)")
        }
        #expect(try ctl("note", "FU-1", "zebra-42-confidencial").status == 0)
        #expect(try ctl("note", "FU-2", "nota do mercado").status == 0)
        let reports = workspace.directory.appendingPathComponent("reports")
        #expect(
            try await eventually {
                ["FU-1", "FU-2"].allSatisfy {
                    ((try? FileManager.default.contentsOfDirectory(
                        atPath: reports.appendingPathComponent($0).path)) ?? []).count >= 8
                }
            }, "both reports written: \(daemon.stderr)")
        // The partner answers FU-1, naming the client: the inbound copy holds it too.
        try InboundMailTests.deliver(
            workspace, name: "1.reply", from: "SIEG <suporte@sieg.example>", subject: "Re: Notas [FU-1]",
            body: "Sobre a Padaria Segredo Unico: verificado.")
        #expect(
            try await eventually {
                try Self.show(socket, "FU-1")["state"] as? String == "awaiting_us"
            }, "the reply recorded: \(daemon.stderr)")
        #expect(Self.inDaemonData(Self.secrets, workspace).count >= 6, "the data is there to begin with")

        // Nothing left to deliver: what the dry run lists is what the erasure will find.
        #expect(
            try await eventually {
                let status = try RawClient.request(socket, "GET", "/v1/status")
                let json = try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any]
                return (json?["outbox"] as? [String: Any])?["pending"] as? Int ?? 0 == 0
            }, "the outbox drained: \(daemon.stderr)")

        // Open: refused without --force. A dry run lists and changes nothing.
        let refused = try ctl("erase", "--case", "FU-1")
        #expect(refused.status == 1, "\(refused.stdout) \(refused.stderr)")
        #expect(refused.stderr.contains("--force"))
        let dry = try ctl("erase", "--client", "padaria segredo unico", "--dry-run")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would erase FU-1"))
        #expect(!dry.stdout.contains("FU-2"))
        #expect(
            try Self.show(socket, "FU-1")["client"].flatMap { ($0 as? [String: Any])?["name"] as? String }
                == "Padaria Segredo Unico")
        // It lists every kind of thing that goes: report files and folder, notification
        // payloads and their spool files, the inbound mail copy.
        let listed = try Self.erase(socket, dryRun: true)
        let directory = workspace.directory.path
        let listedFiles = try #require(listed["files"] as? [String])
        let listedNotifications = try #require(listed["notifications"] as? [String])
        for place in ["reports/FU-1/", "outbox/new/", "inbox/cur/1.reply"] {
            #expect(listedFiles.contains { $0.hasPrefix("\(directory)/\(place)") }, "\(place) listed: \(listedFiles)")
        }
        #expect(listedFiles.contains("\(directory)/reports/FU-1"))
        #expect(!listedFiles.contains { $0.contains("FU-2") })
        #expect(listedNotifications.count >= 3)
        #expect(dry.stdout.split(separator: "\n").filter { $0.hasPrefix("would remove ") }.count == listedFiles.count)
        #expect(listedFiles.allSatisfy { FileManager.default.fileExists(atPath: $0) }, "the dry run removed nothing")
        // Every file of FU-1's in the spool and inbound folders is listed (by what it holds).
        let holdingOutside =
            Self.holding(Self.secrets, under: workspace.directory.appendingPathComponent("outbox"))
            + Self.holding(Self.secrets, under: workspace.directory.appendingPathComponent("inbox"))
        #expect(!holdingOutside.isEmpty)
        for found in holdingOutside {
            let name = String(found.prefix { $0 != ":" })
            #expect(listedFiles.contains { ($0 as NSString).lastPathComponent.hasPrefix(name) }, "\(found) listed")
        }

        // The erasure removes exactly what the dry run listed.
        let erased = try Self.erase(socket, dryRun: false)
        #expect(erased["dry_run"] as? Bool == false)
        #expect(Set(erased["files"] as? [String] ?? []) == Set(listedFiles))
        #expect(Set(erased["notifications"] as? [String] ?? []) == Set(listedNotifications))
        #expect(listedFiles.allSatisfy { !FileManager.default.fileExists(atPath: $0) })

        // Found nowhere: the database's raw bytes (checkpointed), reports, spool, inbound mail.
        #expect(Self.inDaemonData(Self.secrets, workspace) == [])
        let events = try Self.show(socket, "FU-1")["events"] as? [[String: Any]] ?? []
        let tombstone = try #require(events.last)
        #expect(tombstone["kind"] as? String == "erased")
        #expect(tombstone["by"] as? String != nil)
        // The other client is intact.
        let other = try Self.show(socket, "FU-2")
        #expect((other["client"] as? [String: Any])?["name"] as? String == "Mercado Intacto")
        #expect(
            !Self.holding(["Mercado Intacto"], under: workspace.directory.appendingPathComponent("reports")).isEmpty)
        #expect(!Self.inDaemonData(["nota do mercado"], workspace).isEmpty, "the other client's note is kept")
    }

    /// The background erasure shows in status and the metrics once `retention` is set.
    @Test func retentionIsShownInStatusAndMetrics() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(extra: "retention: { closed_cases: 730d, reports: 90d }")
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        #expect(try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 })
        #expect(
            try await eventually {
                let status = try RawClient.request(socket, "GET", "/v1/status")
                let json = try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any]
                let retention = json?["retention"] as? [String: Any]
                return retention?["closed_cases_erased"] as? Int == 0 && retention?["last_pass_at"] != nil
            }, "\(daemon.stderr)")
        let metrics = try RawClient.request(socket, "GET", "/metrics")
        #expect(metrics.body.contains("followupd_retention_removed_total{what=\"closed_cases\"} 0"))
    }
}
