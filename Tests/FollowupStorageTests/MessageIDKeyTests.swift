import FollowupStorage
import Foundation
import Testing

/// The inbox's key of a message: a digest of its whole Message-ID (issue 13).
struct MessageIDKeyTests {
    @Test func twoLongIdsThatShareTheirStartAreTwoKeys() {
        let start = String(repeating: "a", count: 400)
        let first = MessageIDKey.inboxKey("<\(start)-1@sieg.example>")
        let second = MessageIDKey.inboxKey("<\(start)-2@sieg.example>")
        #expect(first != second)
        #expect(first.hasPrefix("mid-sha256:") && first.count == "mid-sha256:".count + 64)
        #expect(first.dropFirst("mid-sha256:".count).allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func theSameIdWrittenDifferentlyIsOneKey() {
        let key = MessageIDKey.inboxKey("abc.123@Sieg.Example")
        #expect(MessageIDKey.inboxKey(" <abc.123@sieg.example> ") == key)
        #expect(MessageIDKey.inboxKey("ABC.123@sieg.example") != key, "the local part is compared as written")
    }
}
