import FollowupDelivery
import FollowupTestSupport
import Foundation
import Testing

/// Standard Webhooks signatures: the specification's vector, and the reference Python library
/// accepting ours and refusing a tampered body.
struct WebhookSignerTests {
    /// The vector of the Standard Webhooks reference libraries' tests.
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let vectorBody = Data(#"{"test": 2432232314}"#.utf8)
    static let vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    @Test func theKnownVector() throws {
        let signer = try WebhookSigner(secret: Self.secret)
        #expect(
            signer.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Self.vectorBody)
                == Self.vectorSignature)
        let headers = signer.headers(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", at: Date(timeIntervalSince1970: 1_614_265_330.9),
            body: Self.vectorBody)
        #expect(headers.map(\.name) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(headers.map(\.value) == ["msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", Self.vectorSignature])
    }

    @Test(arguments: [
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",  // raw base64, no prefix
        "  whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",  // as read from a file
    ])
    func theSecretsOtherSpellingsSignTheSame(secret: String) throws {
        let signature = try WebhookSigner(secret: secret).signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Self.vectorBody)
        #expect(signature == Self.vectorSignature)
        // Unpadded base64 is accepted as the reference library accepts it.
        let unpadded = try WebhookSigner(secret: "whsec_YWI").signature(id: "a", timestamp: 1, body: Data())
        let padded = try WebhookSigner(secret: "whsec_YWI=").signature(id: "a", timestamp: 1, body: Data())
        #expect(unpadded == padded)
        #expect(unpadded != signature)
    }

    @Test(arguments: ["whsec_not base64!", "whsec_", "", "whsec_%%%%", "   "])
    func aBadSecretIsRefusedWithoutShowingIt(secret: String) {
        do {
            _ = try WebhookSigner(secret: secret)
            Issue.record("accepted \(secret)")
        } catch let error as DeliveryError {
            #expect(error.code == .invalidSecret)
            #expect(error.message.contains("whsec_"))
            let shown = secret.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "whsec_", with: "")
            if !shown.isEmpty { #expect(!error.message.contains(shown)) }
        } catch {
            Issue.record("unexpected \(error)")
        }
        let signer = try? WebhookSigner(secret: Self.secret)
        #expect(signer.map { "\($0)" }?.contains("MfKQ") == false)
    }

    /// Verifies with `standardwebhooks.Webhook(secret).verify`; prints `ok` or the error.
    static let verify = """
        import sys, standardwebhooks
        secret, headers, body = open(sys.argv[1]).read(), {}, open(sys.argv[3], 'rb').read()
        for line in open(sys.argv[2]).read().splitlines():
            name, _, value = line.partition(': ')
            headers[name] = value
        try:
            standardwebhooks.Webhook(secret).verify(body, headers)
            print('ok')
        except standardwebhooks.WebhookVerificationError as error:
            print('refused: %s' % error)
        """

    static func pythonVerdict(secret: String, headers: [(name: String, value: String)], body: Data) async throws
        -> String
    {
        try await withScratchFolder { folder in
            let files = ["secret", "headers", "body"].map { folder.appendingPathComponent($0) }
            try Data(secret.utf8).write(to: files[0])
            try Data(headers.map { "\($0.name): \($0.value)\n" }.joined().utf8).write(to: files[1])
            try body.write(to: files[2])
            let output = try await Python.run(verify, files.map(\.path))
            return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test func theReferenceLibraryAcceptsOurSignatureAndRefusesATamperedBody() async throws {
        let secret = "whsec_" + Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()
        let body = Data(#"{"type":"case.resent","data":{"summary":"FU-12: solicitação reenviada — ação"}}"#.utf8)
        let headers = try WebhookSigner(secret: secret).headers(id: "01jd8x7", at: Date(), body: body)
        #expect(try await Self.pythonVerdict(secret: secret, headers: headers, body: body) == "ok")

        var tampered = body
        tampered[tampered.startIndex + 10] ^= 0x01
        let refused = try await Self.pythonVerdict(secret: secret, headers: headers, body: tampered)
        #expect(refused.hasPrefix("refused"), "\(refused)")

        let otherSecret = "whsec_" + Data(repeating: 1, count: 32).base64EncodedString()
        let wrongKey = try await Self.pythonVerdict(secret: otherSecret, headers: headers, body: body)
        #expect(wrongKey.hasPrefix("refused"), "\(wrongKey)")
    }
}
