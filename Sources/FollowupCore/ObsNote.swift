import Foundation

/// The note that ends every message asking a client for sensitive data (§5 rule 2).
///
/// The desk's sentence ("OBS: Os dados de acesso serão utilizados apenas para visualizar
/// informações em seu ambiente, e o certificado digital será usado apenas para reinstalarmos nos
/// servidores do Domínio WEB afim de ajustar a situação") adapted to what is requested: one
/// clause per kind of data, in the order password, certificate, other. The note belongs on
/// messages to the client, never on mail to partners.
public enum ObsNote {
    /// The note for a request of `data`, or nil when nothing sensitive is requested.
    ///
    /// Repeated kinds count once and their order does not matter.
    public static func text(for data: some Sequence<SensitiveData>, language: DeskLanguage = .ptBR) -> String? {
        let kinds = Set(data).sorted()
        guard !kinds.isEmpty else { return nil }
        let clauses = kinds.map { clause($0, language: language, alone: kinds.count == 1) }
        let joined: String
        switch clauses.count {
        case 1: joined = clauses[0]
        default:
            // The desk's sentence puts a comma before its "e"; three clauses keep it too.
            let and = language == .ptBR ? "e" : "and"
            joined = clauses.dropLast().joined(separator: ", ") + ", \(and) " + clauses[clauses.count - 1]
        }
        let lead = language == .ptBR ? "OBS: " : "Note: "
        return lead + joined.prefix(1).uppercased() + joined.dropFirst() + "."
    }

    /// One kind's clause, starting in lower case; `alone` when it is the only kind requested.
    private static func clause(_ kind: SensitiveData, language: DeskLanguage, alone: Bool) -> String {
        switch (language, kind) {
        case (.ptBR, .password):
            "os dados de acesso serão utilizados apenas para visualizar informações em seu ambiente"
        case (.ptBR, .certificate):
            "o certificado digital será usado apenas para reinstalarmos nos servidores do Domínio WEB "
                + "afim de ajustar a situação"
        case (.ptBR, .other):
            (alone ? "os dados solicitados" : "os demais dados solicitados")
                + " serão utilizados apenas para resolver esta solicitação"
        case (.en, .password):
            "the access credentials will be used only to view information in your environment"
        case (.en, .certificate):
            "the digital certificate will be used only to reinstall it on the Domínio WEB servers "
                + "in order to fix the issue"
        case (.en, .other):
            (alone ? "the data requested" : "any other data requested")
                + " will be used only to resolve this request"
        }
    }
}
