import FollowupDelivery
import Testing

@Suite struct DeliveryOutcomeTests {
    @Test func errorTextsAreBounded() {
        let detail = DeliveryDetail(httpStatus: 500, error: String(repeating: "x", count: 10_000))
        #expect(detail.error?.count == DeliveryDetail.longestError)
        #expect(DeliveryOutcome.refused(detail).detail.httpStatus == 500)
    }
}
