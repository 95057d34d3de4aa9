import FollowupCore
import Foundation
import Testing

/// The notes a case keeps for its report: each tied to what it is about, internal ones marked
/// on the case and on the timeline, and none copied into a sensitive case's report.
@Suite struct CaseNoteTests {
    @Test func eachNoteIsKeptWithWhatItIsAbout() throws {
        var subject = try Fixture.opened()
        var env = CaseEnvironment(now: Fixture.t0.addingTimeInterval(3600), by: "joana")
        var entries: [TimelineEntry] = []
        let commands: [CaseCommand] = [
            .contactSent(ContactRecord(channel: .phone, note: "Liguei; pediram para aguardar")),
            .partnerReplied(kind: .ack, at: nil, note: "Estão verificando"),
            .addNote("Cliente irritado", internal: true),
            .addNote("Cliente avisado"),
            .contactSent(ContactRecord(channel: .portal)),
            .partnerRefused(at: nil, note: "Só tratam com o cliente"),
        ]
        for command in commands {
            env.now = env.now.addingTimeInterval(60)
            let transition = try CaseMachine.apply(command, to: subject, in: env)
            subject = transition.case
            entries += transition.entries
        }
        let notes = subject.recordedNotes
        #expect(notes.map(\.kind) == [.contact, .partnerReturn, .note, .note, .refusal])
        #expect(notes[0].attempt == 2 && notes[0].text == "Liguei; pediram para aguardar")
        #expect(notes[1].seq == subject.returns.first?.seq)
        #expect(notes.map(\.isInternal) == [false, false, true, false, false])
        #expect(notes.allSatisfy { $0.by == "joana" })
        // Every note is its timeline entry's note; only the internal one is marked there.
        for note in notes {
            let entry = try #require(entries.first { $0.seq == note.seq })
            #expect(entry.note == note.text)
            #expect(entry.isInternal == (note.isInternal ? true : nil))
        }
        let report = ReportDocument(id: "r", of: subject, reason: .partnerRefused, generatedAt: env.now)
        #expect(report.notes == notes)
        #expect(report.clientNotes.map(\.text) == notes.filter { !$0.isInternal }.map(\.text))
    }

    @Test func aSensitiveCasesReportCopiesNoNote() throws {
        var subject = try Fixture.opened()
        subject.sensitive = [.certificate]
        let env = CaseEnvironment(now: Fixture.t0.addingTimeInterval(3600), by: "joana")
        subject = try CaseMachine.apply(.addNote("a senha é 1234"), to: subject, in: env).case
        #expect(subject.recordedNotes.count == 1, "kept in the database")
        let report = ReportDocument(id: "r", of: subject, reason: .noReply, generatedAt: env.now)
        #expect(report.notes == [] && report.clientNotes == [])
    }
}
