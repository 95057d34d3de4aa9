import FollowupCore
import Foundation
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-11-29T14:00:00Z", 1_795_960_800.0),
        ("2026-11-29T11:00:00-03:00", 1_795_960_800.0),
        ("2026-11-29T14:00:00.250Z", 1_795_960_800.25),
        ("2026-11-29T17:00:00+03:00", 1_795_960_800.0),
    ])
    func parsesRFC3339WithZones(text: String, seconds: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.001)
    }

    @Test func refusesTimesWithoutAZone() {
        #expect(Timestamp.parse("2026-11-29T14:00:00") == nil)
        #expect(Timestamp.parse("amanhã") == nil)
    }

    @Test func formatsInUTCWithZ() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_960_800)) == "2026-11-29T14:00:00Z")
        let fractional = Timestamp.format(Date(timeIntervalSince1970: 1_795_960_800.5))
        #expect(fractional == "2026-11-29T14:00:00.500Z")
        #expect(Timestamp.parse(fractional) == Date(timeIntervalSince1970: 1_795_960_800.5))
    }
}
