import FollowupAPI
import FollowupCore
import Foundation
import Testing

/// Mail that only claims to be the partner's (issue 13): replies, automatic replies and bounces
/// move a case only from the partner's addresses on the case, a domain configured for the
/// partner, or (bounces) the mail system. The rest waits in the inbox for a person.
@Suite(.serialized) struct ForgedInboundTests {
    /// Opens a case for SIEG reached at `email` and sends the request; the case's id.
    static func open(_ ctl: FollowupctlProcess, client: String, email: String) throws -> String {
        let run = try ctl(
            "open", "--client", client, "--partner", "SIEG", "--partner-email", email, "--subject",
            "Nota fiscal rejeitada", "--verification", "Confirmar o certificado", "--owner", "joana", "--send")
        guard run.status == 0 else { throw CtlFailure(run: run) }
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A delivery-status report of the request `messageID` to `recipient`, from `from`.
    static func report(from: String, messageID: String, recipient: String) -> String {
        let bare = messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
        return [
            "From: \(from)", "To: suporte@desk.example", "Subject: Undelivered Mail Returned to Sender",
            "Message-ID: <forged-\(UUID().uuidString)@evil.example>", "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"", "",
            "--B", "Content-Type: text/plain", "", "Your message could not be delivered.", "",
            "--B", "Content-Type: message/delivery-status", "", "Reporting-MTA: dns; mx.evil.example", "",
            "Final-Recipient: rfc822; \(recipient)", "Action: failed", "Status: 5.1.1", "",
            "--B", "Content-Type: text/rfc822-headers", "", "Message-ID: <\(bare)>", "", "--B--", "",
        ].joined(separator: "\r\n")
    }

    @Test func onlyThePartnersAddressesItsConfiguredDomainAndTheMailSystemMoveACase() async throws {
        try await HostileInboundTests.withDaemon(.sqlite) { workspace, ctl, _ in
            // The partner's technician writes from a free-mail address, listed on the case.
            let listed = "parceiro.sieg@gmail.com"
            let chased = try Self.open(ctl, client: "Padaria", email: listed)
            let thread = try #require(try ctl.show(chased).firstMessageID)
            let byDomain = try Self.open(ctl, client: "Mercado", email: "suporte@sieg.example")

            // Anyone else at gmail.com: a forged reply, a forged out-of-office, a forged bounce.
            try InboundMailTests.deliver(
                workspace, name: "1.forged", from: "Suporte SIEG <golpista@gmail.com>",
                subject: "Re: Nota fiscal rejeitada [\(chased)]", inReplyTo: thread, body: "Resolvido, podem encerrar.")
            try InboundMailTests.deliver(
                workspace, name: "2.forged-auto", from: "golpista@gmail.com",
                subject: "Resposta automática: [\(chased)]",
                body: "Ausente.", headers: ["Auto-Submitted": "auto-replied"])
            try InboundMailTests.deliver(
                workspace, name: "3.forged-bounce", from: "", subject: "", body: "",
                raw: Self.report(from: "Suporte SIEG <golpista@gmail.com>", messageID: thread, recipient: listed))
            // What does count: the listed address, and any address of the configured domain.
            try InboundMailTests.deliver(
                workspace, name: "4.listed", from: "Parceiro <\(listed)>", subject: "Re: [\(chased)] Nota fiscal",
                body: "O certificado foi reinstalado.")
            try InboundMailTests.deliver(
                workspace, name: "5.domain", from: "José <jose@sieg.example>", subject: "Re: [\(byDomain)] Nota fiscal",
                body: "Verificado.")
            #expect(
                try await eventually(timeout: 30) {
                    try ctl.show(chased).state == .awaitingUs && ctl.show(byDomain).state == .awaitingUs
                }, "the listed address and the configured domain moved their cases")
            let new = workspace.directory.appendingPathComponent("inbox/new").path
            #expect(
                try await eventually(timeout: 20) { try FileManager.default.contentsOfDirectory(atPath: new).isEmpty })

            let shown = try ctl.show(chased)
            let replies = shown.events?.filter { $0.kind == .partnerReplied } ?? []
            #expect(replies.count == 1, "only the listed address's reply: \(replies.map(\.note))")
            #expect(replies.first?.note?.contains(listed) == true)
            #expect(shown.attempts.allSatisfy { $0.failed != true }, "a forged bounce fails no attempt")

            let unmatched = try InboundMailTests.inbox(ctl, unmatched: true)
            #expect(Set(unmatched.map(\.file)) == ["1.forged", "2.forged-auto", "3.forged-bounce"])
            #expect(unmatched.allSatisfy { $0.case == chased }, "each names the case, for a person to judge")
            #expect(unmatched.allSatisfy { $0.reason.contains("partners[].domains") }, "\(unmatched.map(\.reason))")

            // A person who knows better still assigns one.
            let forged = try #require(unmatched.first { $0.file.hasPrefix("1.forged") })
            #expect(try ctl("inbox", "assign", forged.id, chased).status == 0)
            #expect(try ctl.show(chased).events?.filter { $0.kind == .partnerReplied }.count == 2)
        }
    }
}
