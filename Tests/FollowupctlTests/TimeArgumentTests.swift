import FollowupCore
import Foundation
import Testing

@testable import followupctl

/// Times, durations, case ids and flags as the command line writes them.
struct TimeArgumentTests {
    let saoPaulo = TimeZone(identifier: "America/Sao_Paulo")!

    @Test(arguments: [
        ("2026-11-29T14:05:00-03:00", "2026-11-29T17:05:00Z"),
        ("2026-11-29T17:05:00Z", "2026-11-29T17:05:00Z"),
        ("2026-11-29T17:05:00.250Z", "2026-11-29T17:05:00.250Z"),
        ("2026-11-29 14:05", "2026-11-29T17:05:00Z"),
        ("2026-11-29T14:05", "2026-11-29T17:05:00Z"),
        ("2026-11-29 14:05:00", "2026-11-29T17:05:00Z"),
        ("2026-11-29", "2026-11-29T03:00:00Z"),
        (" 2026-02-28 23:59 ", "2026-03-01T02:59:00Z"),
    ])
    func readsRFC3339AndWallClockTimes(text: String, utc: String) throws {
        let time = try #require(TimeArgument(argument: text))
        let date = try time.date(in: saoPaulo)
        #expect(Timestamp.format(date) == utc)
        #expect(time.needsZone == (!text.contains("Z") && !text.contains("-03:00")))
    }

    @Test(arguments: [
        "", "tomorrow", "2026-13-01", "2026-02-30", "2026-11-29 24:00", "2026-11-29 14:60", "2026-11-29 14:5",
        "2026-11-29 14", "2026-11-29 14:05:30", "29/11/2026", "2026-11-29x14:05", "2026-11-29 14:05 -03",
    ])
    func refusesOtherText(text: String) {
        #expect(TimeArgument(argument: text) == nil)
    }

    @Test func aWallClockTimeInADaylightSavingGapIsAUsageError() throws {
        // Brazil's clocks went from 00:00 to 01:00 on 2018-11-04.
        let time = try #require(TimeArgument(argument: "2018-11-04 00:30"))
        #expect(throws: FollowupError.self) { try time.date(in: saoPaulo) }
        do {
            _ = try time.date(in: saoPaulo)
        } catch {
            #expect(error.code == .usage)
            #expect(error.exitStatus == 64)
            #expect(error.message.contains("America/Sao_Paulo"))
        }
    }

    @Test func theSameWallClockTimeMeansDifferentInstantsInDifferentZones() throws {
        let time = try #require(TimeArgument(argument: "2026-07-01 09:00"))
        let lisbon = try time.date(in: TimeZone(identifier: "Europe/Lisbon")!)
        #expect(Timestamp.format(lisbon) == "2026-07-01T08:00:00Z")
        #expect(Timestamp.format(try time.date(in: saoPaulo)) == "2026-07-01T12:00:00Z")
    }

    @Test func editTakesNoneToClear() throws {
        #expect(ClearableTime(argument: "none") == ClearableTime.none)
        #expect(ClearableTime(argument: "NONE") == ClearableTime.none)
        #expect(
            ClearableTime(argument: "2026-12-01")
                == .time(.local(LocalDate(year: 2026, month: 12, day: 1), hour: 0, minute: 0)))
        #expect(ClearableTime(argument: "never") == nil)
        #expect(EditCommand.patch("none") == .some(nil))
        #expect(EditCommand.patch("N2") == .some("N2"))
        #expect(EditCommand.patch(nil) == nil)
    }

    @Test(arguments: [("FU-12", 12), ("fu-12", 12), ("12", 12), (" FU-7 ", 7)])
    func caseIDs(text: String, number: Int64) {
        #expect(CaseID(argument: text) == CaseID(number))
    }

    @Test(arguments: ["", "FU-", "FU-0", "0", "-3", "FU-1x", "abc", "FU 12"])
    func notCaseIDs(text: String) {
        #expect(CaseID(argument: text) == nil)
    }

    @Test func durations() {
        #expect(DurationArgument(argument: "24h")?.duration == .time(seconds: 86_400))
        #expect(DurationArgument(argument: "90m")?.duration.description == "90m")
        #expect(DurationArgument(argument: "2d")?.duration == .days(2))
        #expect(DurationArgument(argument: "1 day") == nil)
        #expect(DurationArgument(argument: "h") == nil)
    }

    @Test func sensitiveDataAndFlags() {
        #expect(SensitiveList(argument: "password,certificate")?.items == [.password, .certificate])
        #expect(SensitiveList(argument: "other, password,password")?.items == [.password, .other])
        #expect(SensitiveList(argument: "pin") == nil)
        #expect(SensitiveList(argument: "") == nil)
        #expect(FlagArgument(argument: "client-contacted")?.flag == .clientContacted)
        #expect(FlagArgument(argument: "priority_email")?.flag == .priorityEmail)
        #expect(FlagArgument(argument: "Urgent")?.flag == .urgent)
        #expect(FlagArgument(argument: "vip") == nil)
        #expect(FlagArgument.allValueStrings == ["urgent", "client-contacted", "priority-email", "priority"])
    }
}
