import ArgumentParser
import FollowupConfig
import FollowupCore
import FollowupDaemon
import FollowupSystemd
import Foundation
import Logging

/// `followupd`: chases third parties on behalf of the support desk.
@main
struct FollowupDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followupd",
        abstract: "Chases third parties on behalf of the support desk (resends at 24 h, reports at 72 h).",
        version: FollowupVersion.current)

    @Option(name: .long, help: "The configuration file (YAML).")
    var config = "/etc/followupd/followupd.yaml"

    @Flag(name: .long, help: "Validate the configuration and exit: 0 when valid, 78 with the problem otherwise.")
    var checkConfig = false

    @Flag(name: .long, help: .hidden)
    var testStallScheduler = false

    func run() async throws {
        let configuration: Configuration
        do {
            configuration = try Configuration.load(contentsOf: config, environment: ProcessInfo.processInfo.environment)
            try Daemon.checkTemplates(configuration)
        } catch {
            FileHandle.standardError.write(Data("followupd: \(config): \(error)\n".utf8))
            throw ExitCode(78)
        }
        if checkConfig {
            print("followupd: \(config): configuration is valid")
            return
        }
        let level = Logger.Level(rawValue: configuration.log.level.rawValue) ?? .info
        let environment = ProcessInfo.processInfo.environment
        let toJournal =
            switch configuration.log.target {
            case .journal: true
            case .stderr: false
            case .auto: JournalLogHandler.stderrIsJournal(environment: environment)
            }
        LoggingSystem.bootstrap { label in
            if toJournal { return JournalLogHandler(label: label, level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "followupd")
        do {
            try await Daemon(
                configuration: configuration, configurationPath: config,
                adoptedControlSocket: Self.passedControlSocket(),
                environment: environment, logger: logger, stallSchedulerForTesting: testStallScheduler
            ).run()
        } catch let error as FollowupError where error.code == .invalidConfiguration {
            FileHandle.standardError.write(Data("followupd: \(config): \(error.message)\n".utf8))
            throw ExitCode(78)
        } catch let error as FollowupError where error.code == .migrationFailed {
            // The database is as it was; starting again would fail the same way (78: systemd's
            // RestartPreventExitStatus). Told in the journal with its catalog entry, and on
            // stderr as one plain line for whoever started it by hand (unless stderr is the journal).
            logger.critical(
                "followupd cannot migrate its database",
                metadata: ["followup.event": "migration_failed", "followup.error": "\(error.message)"])
            if !JournalLogHandler.stderrIsJournal(environment: environment) {
                FileHandle.standardError.write(Data("followupd: \(error.message)\n".utf8))
            }
            throw ExitCode(78)
        } catch let error as FollowupError {
            logger.critical("followupd cannot run", metadata: ["followup.error": "\(error.message)"])
            throw ExitCode(69)
        } catch {
            logger.critical("followupd cannot run", metadata: ["followup.error": "\(error)"])
            throw ExitCode(69)
        }
    }

    /// The control socket systemd passed (`LISTEN_FDS`, named `control` or the only one), if any.
    static func passedControlSocket() -> CInt? {
        let environment = ProcessInfo.processInfo.environment
        guard let pid = environment["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
            let count = environment["LISTEN_FDS"].flatMap(Int32.init), count > 0
        else { return nil }
        let names =
            environment["LISTEN_FDNAMES"]?.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            ?? []
        let index = names.firstIndex(of: "control") ?? 0
        guard index < count else { return nil }
        return 3 + CInt(index)
    }
}
