import FollowupCore
import Testing

/// §5 rule 2: the note ending messages that ask a client for sensitive data, per what is asked.
@Suite struct ObsNoteTests {
    @Test(arguments: [
        (
            [SensitiveData.password],
            "OBS: Os dados de acesso serão utilizados apenas para visualizar informações em seu ambiente."
        ),
        (
            [.certificate],
            "OBS: O certificado digital será usado apenas para reinstalarmos nos servidores do Domínio WEB afim de "
                + "ajustar a situação."
        ),
        // The desk's own sentence, word for word.
        (
            [.password, .certificate],
            "OBS: Os dados de acesso serão utilizados apenas para visualizar informações em seu ambiente, e o "
                + "certificado digital será usado apenas para reinstalarmos nos servidores do Domínio WEB afim de "
                + "ajustar a situação."
        ),
        ([.other], "OBS: Os dados solicitados serão utilizados apenas para resolver esta solicitação."),
        (
            [.password, .other],
            "OBS: Os dados de acesso serão utilizados apenas para visualizar informações em seu ambiente, e os "
                + "demais dados solicitados serão utilizados apenas para resolver esta solicitação."
        ),
        (
            [.certificate, .other],
            "OBS: O certificado digital será usado apenas para reinstalarmos nos servidores do Domínio WEB afim de "
                + "ajustar a situação, e os demais dados solicitados serão utilizados apenas para resolver esta "
                + "solicitação."
        ),
        (
            [.password, .certificate, .other],
            "OBS: Os dados de acesso serão utilizados apenas para visualizar informações em seu ambiente, o "
                + "certificado digital será usado apenas para reinstalarmos nos servidores do Domínio WEB afim de "
                + "ajustar a situação, e os demais dados solicitados serão utilizados apenas para resolver esta "
                + "solicitação."
        ),
    ])
    func adaptsThePortugueseNote(data: [SensitiveData], expected: String) {
        #expect(ObsNote.text(for: Set(data)) == expected)
        #expect(ObsNote.text(for: Set(data), language: .ptBR) == expected)
    }

    @Test(arguments: [
        (
            [SensitiveData.password],
            "Note: The access credentials will be used only to view information in your environment."
        ),
        (
            [.certificate],
            "Note: The digital certificate will be used only to reinstall it on the Domínio WEB servers in order to "
                + "fix the issue."
        ),
        (
            [.password, .certificate],
            "Note: The access credentials will be used only to view information in your environment, and the digital "
                + "certificate will be used only to reinstall it on the Domínio WEB servers in order to fix the issue."
        ),
        ([.other], "Note: The data requested will be used only to resolve this request."),
        (
            [.password, .other],
            "Note: The access credentials will be used only to view information in your environment, and any other "
                + "data requested will be used only to resolve this request."
        ),
        (
            [.certificate, .other],
            "Note: The digital certificate will be used only to reinstall it on the Domínio WEB servers in order to "
                + "fix the issue, and any other data requested will be used only to resolve this request."
        ),
        (
            [.password, .certificate, .other],
            "Note: The access credentials will be used only to view information in your environment, the digital "
                + "certificate will be used only to reinstall it on the Domínio WEB servers in order to fix the "
                + "issue, and any other data requested will be used only to resolve this request."
        ),
    ])
    func adaptsTheEnglishNote(data: [SensitiveData], expected: String) {
        #expect(ObsNote.text(for: Set(data), language: .en) == expected)
    }

    @Test(arguments: DeskLanguage.allCases)
    func saysNothingWhenNothingSensitiveIsAsked(language: DeskLanguage) {
        #expect(ObsNote.text(for: Set<SensitiveData>(), language: language) == nil)
        #expect(ObsNote.text(for: [SensitiveData](), language: language) == nil)
    }

    /// A case's flags are an array: order and repeats do not change the note.
    @Test(arguments: DeskLanguage.allCases)
    func readsFlagsInAnyOrder(language: DeskLanguage) {
        let expected = ObsNote.text(for: Set([SensitiveData.password, .certificate]), language: language)
        #expect(ObsNote.text(for: [.certificate, .password, .certificate], language: language) == expected)
        #expect(expected != nil)
    }

    /// Every combination gives a different note, each a single sentence.
    @Test(arguments: DeskLanguage.allCases)
    func tellsEveryCombinationApart(language: DeskLanguage) {
        let kinds = SensitiveData.allCases
        let combinations = (1..<(1 << kinds.count)).map { mask in
            Set(kinds.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element))
        }
        let notes = combinations.compactMap { ObsNote.text(for: $0, language: language) }
        #expect(notes.count == 7)
        #expect(Set(notes).count == 7)
        #expect(notes.allSatisfy { $0.hasSuffix(".") && $0.filter { $0 == "." }.count == 1 })
    }
}
