import FollowupCore
import FollowupMail
import FollowupTestSupport
import Foundation
import Testing

/// Notification documents and addresses shared by the delivery tests.
enum Fixture {
    /// 2026-11-27 17:05:00 UTC (14:05 in São Paulo).
    static let when = Date(timeIntervalSince1970: 1_795_799_100)
    static let saoPaulo = TimeZone(identifier: "America/Sao_Paulo")!
    static let desk = try! MailAddress("followup@desk.example", displayName: "Suporte — Followup")
    static let owner = try! MailAddress("joana.araujo@desk.example", displayName: "Joana Araújo")
    static let leader = try! MailAddress("ana@desk.example", displayName: "Ana")
    static let client = try! MailAddress("contato@padaria.example", displayName: "Padaria Pão Quente")

    /// A `case.report_generated` for FU-12, as the courier writes it.
    static func report(urgent: Bool = false, needsAck: Bool = false) -> NotificationDocument {
        var data = NotificationData(summary: "FU-12: relatório de tentativas gerado (sem retorno de SIEG)")
        data.case = "FU-12"
        data.kind = "third_party"
        data.state = "returned_to_client"
        data.client = "Padaria Pão Quente"
        data.ticket = "SSC-4711"
        data.partner = "SIEG"
        data.subject = "XML de NF-e não baixa"
        data.owner = "Joana"
        data.attempts = 3
        data.report = "r0193c2d4"
        data.reason = "no_reply"
        data.deadline = when.addingTimeInterval(86_400)
        data.urgent = urgent
        data.needsAck = needsAck
        data.acknowledge = needsAck ? "01jd0000000000000000000000" : nil
        return NotificationDocument(type: "case.report_generated", timestamp: when, data: data)
    }

    /// An `escalation.urgent` without a case, needing acknowledgement.
    static func escalation() -> NotificationDocument {
        var data = NotificationData(summary: "Busca NF-e parada no cliente Padaria Pão Quente")
        data.client = "Padaria Pão Quente"
        data.needsAck = true
        data.acknowledge = "01jdescalation0000000000000"
        return NotificationDocument(type: "escalation.urgent", timestamp: when, data: data)
    }

    /// A digest folding three notifications.
    static func digest() -> NotificationDocument {
        var data = NotificationData(summary: "3 notificações agrupadas")
        data.items = [
            .init(id: "n1", type: "case.resent", timestamp: when, case: "FU-1", summary: "FU-1: solicitação reenviada"),
            .init(
                id: "n2", type: "case.owner_reminder", timestamp: when.addingTimeInterval(60), case: "FU-2",
                summary: "FU-2: aguardando o próximo passo"),
            .init(
                id: "n3", type: "case.report_generated", timestamp: when.addingTimeInterval(120), case: "FU-3",
                summary: "FU-3: relatório gerado"),
        ]
        return NotificationDocument(type: "digest", timestamp: when, data: data)
    }

    /// The resend of FU-12 (attempt 2), threaded under the technician's first mail.
    static func resend() -> PartnerMailDocument {
        let json = """
            {"case":"FU-12","attempt":2,"to":["suporte@sieg.example","Plantão SIEG <plantao@sieg.example>"],
             "message_id":"<FU-12.resend.01jdresend00000000000000000@desk.example>",
             "in_reply_to":"CAB1x=Yq+first-request@mail.gmail.com",
             "references":["<CAB1x=Yq+first-request@mail.gmail.com>"],
             "subject":"Verificação do XML de NF-e","verification":"Confirmar se o certificado A1 foi aceito",
             "owner":"Joana","partner":"SIEG","client":"Padaria Pão Quente",
             "first_request_at":"2026-11-27T17:05:00Z","queued_at":"2026-11-28T17:05:00Z"}
            """
        return try! JSONCoding.decoder().decode(PartnerMailDocument.self, from: Data(json.utf8))
    }
}

/// Runs Python 3 (the one on `PATH`, as `scripts/setup` prepared it).
enum Python {
    /// Runs `python3 -c program arguments…` and returns its standard output; fails the test
    /// with Python's standard error when it exits non-zero.
    static func run(_ program: String, _ arguments: [String]) async throws -> Data {
        let result = try await exit(program, arguments)
        try #require(result.status == 0, "python3 failed: \(result.stderr)")
        return result.stdout
    }

    /// Runs `python3 -c program arguments…`: its exit status, standard output and error.
    static func exit(_ program: String, _ arguments: [String]) async throws -> (
        status: Int32, stdout: Data, stderr: String
    ) {
        let outcome = try await PythonProgram.run(program, arguments)
        return (outcome.status, outcome.stdout, outcome.stderr)
    }
}

/// A JSON value read back for checks: objects, arrays, strings, numbers, booleans, null.
struct JSONValue {
    let raw: Any?

    init(_ data: Data) throws { raw = try JSONSerialization.jsonObject(with: data) }
    init(raw: Any?) { self.raw = raw }

    subscript(key: String) -> JSONValue { JSONValue(raw: (raw as? [String: Any])?[key]) }
    subscript(index: Int) -> JSONValue {
        guard let array = raw as? [Any], array.indices.contains(index) else { return JSONValue(raw: nil) }
        return JSONValue(raw: array[index])
    }

    var string: String? { raw as? String }
    var int: Int? { (raw as? NSNumber)?.intValue }
    var bool: Bool? { (raw as? NSNumber)?.boolValue }
    var array: [JSONValue] { (raw as? [Any] ?? []).map { JSONValue(raw: $0) } }
    var keys: Set<String> { Set((raw as? [String: Any] ?? [:]).keys) }
    var isNull: Bool { raw == nil || raw is NSNull }
}
