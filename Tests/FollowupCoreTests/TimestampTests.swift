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

    /// The hand-written formatting agrees with Foundation's for many instants and fractions.
    @Test func agreesWithFoundation() {
        var generator = SystemRandomNumberGenerator()
        let fractions: [Double] = [0, 0.25, 0.5, 0.125, 0.75]
        for _ in 0..<3000 {
            let whole = Double(Int64.random(in: -2_000_000_000...6_000_000_000, using: &generator))
            let fraction = fractions.randomElement(using: &generator)!
            let date = Date(timeIntervalSince1970: whole + fraction)
            let expected =
                fraction == 0
                ? date.formatted(.iso8601) : Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
            #expect(Timestamp.format(date) == expected)
        }
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }
}
