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

    /// Every year the format can hold reads back to the same instant, before 1582 included
    /// (Foundation's calendar turned those into Julian dates, ten days off).
    @Test(arguments: [
        ("0001-01-01T00:00:00Z", -62_135_596_800.0),
        ("1000-03-01T12:30:00Z", -30_605_081_400.0),
        ("1582-10-04T00:00:00Z", -12_220_243_200.0),
        ("1582-10-15T00:00:00Z", -12_219_292_800.0),
        ("1900-02-28T00:00:00Z", -2_203_977_600.0),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799.999),
    ])
    func roundTripsEveryYear(text: String, seconds: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.0005)
        #expect(Timestamp.format(date) == text)
        #expect(Timestamp.format(Date(timeIntervalSince1970: seconds)) == text)
    }

    /// A sample of whole seconds across years 1 to 9999 round-trips through text exactly.
    @Test func roundTripsAcrossTheCalendar() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let whole = Int64.random(in: -62_135_596_800...253_402_300_799, using: &generator)
            let millis = Int64.random(in: 0...999, using: &generator)
            let date = Date(timeIntervalSince1970: Double(whole) + Double(millis) / 1000)
            let text = Timestamp.format(date)
            guard let back = Timestamp.parse(text) else {
                Issue.record("\(text) does not read back")
                continue
            }
            #expect(Timestamp.format(back) == text)
            #expect(abs(back.timeIntervalSince(date)) < 0.0005)
        }
    }

    /// Instants beyond what four-digit years can hold are written as the nearest end, never trap.
    @Test(arguments: [
        (-1e300, "0001-01-01T00:00:00Z"), (-62_135_596_801.0, "0001-01-01T00:00:00Z"),
        (9.3e18, "9999-12-31T23:59:59.999Z"), (1e300, "9999-12-31T23:59:59.999Z"),
        (Double.infinity, "9999-12-31T23:59:59.999Z"), (-Double.infinity, "0001-01-01T00:00:00Z"),
        (Double.nan, "0001-01-01T00:00:00Z"), (253_402_300_799.9999, "9999-12-31T23:59:59.999Z"),
    ])
    func clampsWhatItCannotWrite(seconds: Double, text: String) throws {
        let written = Timestamp.format(Date(timeIntervalSince1970: seconds))
        #expect(written == text)
        #expect(Timestamp.parse(written) != nil)
    }

    /// Text naming an instant outside years 1–9999, or no instant at all, is not read.
    @Test(arguments: [
        "0000-01-01T00:00:00Z", "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01",
        "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T14:00:60Z",
        "2026-11-29T14:00:00.Z", "2026-11-29T14:00:00Zjunk", "+2026-11-29T14:00:00Z", "2026-11-29",
    ])
    func refusesWhatIsNoInstant(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}
