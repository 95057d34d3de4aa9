import FollowupInbound
import Foundation
import Testing

@Suite("Automatic replies, bounces and replies (SPEC §4.5)")
struct ClassifierTests {
    static let classifier = InboundClassifier()

    static func kind(_ name: String) throws -> InboundKind {
        classifier.kind(of: try InboundMessage.parse(try InboundCorpus.message(name)))
    }

    static func reason(_ kind: InboundKind) -> String? {
        if case .automatic(let reason) = kind { return reason }
        return nil
    }

    @Test(
        "automatic replies are told by the sign the spec lists",
        arguments: [
            ("outlook-ooo", "X-Auto-Response-Suppress"),
            ("gmail-vacation", "Auto-Submitted: auto-replied"),
            ("zimbra-ooo", "Auto-Submitted: auto-replied (zimbra; vacation)"),
            ("helpdesk-ack", "Auto-Submitted: auto-generated"),
            ("subject-ausente", "ausente"),
            ("subject-ooo-en", "out of office"),
            ("subject-automatic-reply", "automatic reply"),
            ("subject-auto-colon", "auto:"),
            ("null-return-path", "Return-Path: <>"),
            ("delay-notice", "Auto-Submitted"),
        ])
    func automatic(name: String, sign: String) throws {
        let reason = try #require(Self.reason(try Self.kind(name)), "\(name) is not automatic")
        #expect(reason.contains(sign), "\(name): \(reason)")
    }

    @Test(
        "Auto-Submitted: no and ordinary replies are replies",
        arguments: [
            "auto-submitted-no", "reply-pt-utf8",
            "html-only", "alternative", "qp-latin1", "tag-only", "quote-outlook-pt",
        ])
    func replies(name: String) throws {
        #expect(try Self.kind(name) == .reply)
    }

    @Test(
        "a delivery-status bounce gives the failed recipients, status, diagnostic and original Message-ID",
        arguments: ["bounce-headers", "bounce-rfc822"])
    func bounce(name: String) throws {
        let message = try InboundMessage.parse(try InboundCorpus.message(name))
        #expect(message.isMultipartReport)
        #expect(message.reportType == "delivery-status")
        let expected = DeliveryFailure(
            recipients: ["ninguem@sieg.example", "outro@sieg.example"], status: "5.1.1",
            diagnostic: "550 5.1.1 <ninguem@sieg.example>: Recipient address rejected",
            originalMessageID: "FU-12.resend.0193c2d5-0000@desk.example")
        #expect(Self.classifier.kind(of: message) == .bounce(expected))
        let report = try #require(message.deliveryReport)
        #expect(report.reportingMTA == "mx.desk.example")
        #expect(report.recipients.first?.finalRecipient == "ninguem@sieg.example")
        #expect(report.recipients.map(\.action) == ["failed", "failed"])
    }

    @Test(
        "a delivery-status report is a bounce only from the mail system: MAILER-DAEMON, postmaster or Return-Path <>",
        arguments: [
            ("From: Mail Delivery System <MAILER-DAEMON@mx.desk.example>", true),
            ("From: postmaster@mx.sieg.example", true),
            ("From: Mail Delivery System <mailer-daemon>", true),
            ("Return-Path: <>", true),
            ("From: Suporte SIEG <suporte@sieg.example>", false),
            ("From: mailer-daemon.fake@gmail.com", false),
        ])
    func bounceNeedsTheMailSystem(sender: String, isBounce: Bool) throws {
        var raw = String(decoding: try InboundCorpus.message("bounce-headers"), as: UTF8.self)
        let fromLine = try #require(raw.components(separatedBy: "\r\n").first { $0.hasPrefix("From:") })
        // The one sign of the mail system under test: the report's own From replaced, no Return-Path.
        raw = raw.replacingOccurrences(of: fromLine + "\r\n", with: "")
        raw = (sender.hasPrefix("From:") ? sender : "From: someone@sieg.example\r\n" + sender) + "\r\n" + raw
        let message = try InboundMessage.parse(Data(raw.utf8))
        #expect(message.deliveryReport != nil)
        #expect(message.header("Return-Path") == (sender.hasPrefix("Return-Path") ? "<>" : nil))
        let kind = Self.classifier.kind(of: message)
        if isBounce {
            guard case .bounce = kind else {
                Issue.record("\(sender): \(kind)")
                return
            }
        } else {
            #expect(Self.reason(kind) != nil, "\(sender): a forged report is automatic mail, not \(kind)")
        }
    }

    @Test("a delay notice (Action: delayed) is not a bounce, and without Auto-Submitted is still automatic")
    func delayIsNotBounce() throws {
        var raw = String(decoding: try InboundCorpus.message("delay-notice"), as: UTF8.self)
        raw = raw.replacingOccurrences(of: "Auto-Submitted: auto-replied\r\n", with: "")
        let message = try InboundMessage.parse(Data(raw.utf8))
        #expect(message.header("Auto-Submitted") == nil)
        let reason = try #require(Self.reason(Self.classifier.kind(of: message)))
        #expect(reason.contains("no failed recipient"))
    }

    @Test("each header sign alone makes a message automatic; Precedence: first-class does not")
    func headerSigns() throws {
        let signs = [
            "X-Autoreply: yes", "X-Autorespond: vacation", "X-Auto-Response-Suppress: All", "Precedence: bulk",
            "Precedence: junk", "Precedence: list", "Precedence: auto_reply", "Auto-Submitted: auto-notified",
            "Return-Path: < >",
        ]
        for sign in signs {
            let message = try InboundMessage.parse(
                rawMail("From: a@sieg.example", "Subject: Re: [FU-1] x", sign, "", "Texto"))
            #expect(Self.reason(Self.classifier.kind(of: message)) != nil, "\(sign)")
        }
        let ordinary = try InboundMessage.parse(
            rawMail(
                "From: a@sieg.example", "Subject: Re: [FU-1] Fora do horário", "Precedence: first-class",
                "Return-Path: <a@sieg.example>", "", "Texto"))
        #expect(Self.classifier.kind(of: ordinary) == .reply)
    }

    @Test("a person's subject that merely mentions absence is not an out-of-office")
    func absenceInPassing() throws {
        let message = try InboundMessage.parse(
            rawMail("From: a@sieg.example", "Subject: Re: [FU-3] Cliente ausente no horário marcado", "", "Texto"))
        #expect(Self.classifier.kind(of: message) == .reply)
    }
}
