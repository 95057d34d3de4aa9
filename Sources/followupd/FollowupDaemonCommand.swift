import ArgumentParser
import FollowupConfig
import FollowupCore
import FollowupEngine
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

    func run() async throws {
        let configuration: Configuration
        do {
            configuration = try Configuration.load(contentsOf: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("followupd: \(config): \(error)\n".utf8))
            throw ExitCode(78)
        }
        if checkConfig {
            print("followupd: \(config): configuration is valid")
            return
        }
        let level = Logger.Level(rawValue: configuration.log.level.rawValue) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "followupd")
        do {
            try await Daemon(configuration: configuration, logger: logger).run()
        } catch let error as FollowupError where error.code == .invalidConfiguration {
            FileHandle.standardError.write(Data("followupd: \(config): \(error.message)\n".utf8))
            throw ExitCode(78)
        } catch let error as FollowupError {
            logger.critical("followupd cannot run", metadata: ["followup.error": "\(error.message)"])
            throw ExitCode(69)
        }
    }
}
