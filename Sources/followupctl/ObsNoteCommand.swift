import ArgumentParser
import FollowupAPI
import FollowupCore
import Foundation

/// `followupctl obs-note --data password,certificate`: the OBS note for a ticket (§5 rule 2).
struct ObsNoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "obs-note",
        abstract: "Print the OBS note that ends every message asking the client for sensitive data.",
        discussion: """
            Adapted to what is requested: access data (password), the digital certificate, both, \
            or other data. Paste it at the end of the ticket's message to the client. Works without \
            the daemon; mail that followupd sends the client on a case flagged sensitive ends with \
            the same note on its own.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp(
            "What is requested from the client: password, certificate, other (comma-separated).",
            valueName: "data"))
    var data: String

    @Option(help: ArgumentHelp("pt-BR (default) or en.", valueName: "language"))
    var language: String = DeskLanguage.ptBR.rawValue

    func parsed() throws -> [SensitiveData] {
        try data.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map {
            guard let item = SensitiveData(rawValue: $0) else {
                throw ValidationError("\($0) is not one of password, certificate, other.")
            }
            return item
        }
    }

    func validate() throws {
        guard !(try parsed()).isEmpty else {
            throw ValidationError("Say what is requested: --data password,certificate")
        }
        guard DeskLanguage(rawValue: language) != nil else { throw ValidationError("--language is pt-BR or en.") }
    }

    func run() throws {
        let items = try parsed()
        let text = ObsNote.text(for: items, language: DeskLanguage(rawValue: language) ?? .ptBR) ?? ""
        if global.json {
            let body = try JSONEncoder().encode(ObsNoteJSON(data: items.map(\.rawValue), text: text))
            print(String(decoding: body, as: UTF8.self))
        } else {
            print(text)
        }
    }
}
