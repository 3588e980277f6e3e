import Foundation
import Testing
import XML
@testable import EWS

/// Windows ids both ways, and the time-zone elements of calendar items.
@Suite struct TimeZoneTests {
    // MARK: Windows ids

    @Test func everyWindowsIdOfTheCLDRTableResolvesAndMapsBack() {
        #expect(WindowsTimeZones.all.count == 139)
        for (id, iana) in WindowsTimeZones.all {
            let zone = WindowsTimeZones.timeZone(forWindowsId: id)
            #expect(zone != nil, "\(id) -> \(iana)")
            if let zone { #expect(WindowsTimeZones.windowsId(for: zone) == id, "\(id) -> \(zone.identifier)") }
        }
    }

    @Test(arguments: [
        ("W. Europe Standard Time", "Europe/Berlin"), ("Pacific Standard Time", "America/Los_Angeles"),
        ("Eastern Standard Time", "America/New_York"), ("GMT Standard Time", "Europe/London"),
        ("AUS Eastern Standard Time", "Australia/Sydney"), ("UTC+12", "Etc/GMT-12"),
        (" Romance Standard Time ", "Europe/Paris"),
    ])
    func windowsIdsMapToTheirTerritory001Zone(_ id: String, _ iana: String) {
        #expect(WindowsTimeZones.timeZone(forWindowsId: id)?.identifier == iana)
    }

    @Test func utcHasItsOwnSpellings() throws {
        for id in ["UTC", "tzone://Microsoft/Utc"] {
            #expect(WindowsTimeZones.timeZone(forWindowsId: id)?.secondsFromGMT(for: Date()) == 0, "\(id)")
        }
        #expect(WindowsTimeZones.windowsId(for: try R.zone("UTC")) == "UTC")
        #expect(WindowsTimeZones.windowsId(for: try R.zone("Etc/UTC")) == "UTC")
    }

    @Test(arguments: [
        ("Europe/Amsterdam", "W. Europe Standard Time"), ("Europe/Madrid", "Romance Standard Time"),
        ("America/Vancouver", "Pacific Standard Time"), ("Asia/Kolkata", "India Standard Time"),
        ("Asia/Calcutta", "India Standard Time"), ("Europe/Kyiv", "FLE Standard Time"),
        ("America/Nuuk", "Greenland Standard Time"),
        ("Etc/GMT-1", "W. Central Africa Standard Time"),
    ])
    func zonesOfEveryTerritoryAndTheirNewNamesMapToWindows(_ iana: String, _ id: String) throws {
        #expect(WindowsTimeZones.windowsId(for: try R.zone(iana)) == id)
    }

    @Test func unknownNamesMapToNothing() throws {
        #expect(WindowsTimeZones.timeZone(forWindowsId: "Mars Standard Time") == nil)
        #expect(WindowsTimeZones.timeZone(forWindowsId: "") == nil)
        #expect(WindowsTimeZones.windowsId(for: try #require(TimeZone(secondsFromGMT: 3600 + 900))) == nil)
    }

    // MARK: Time-zone elements

    static let t = "http://schemas.microsoft.com/exchange/services/2006/types"

    static func zone(_ xml: String, near date: String = "2026-06-01T00:00:00Z") throws -> TimeZone? {
        let document = try XMLDocument(string: xml)
        return try EWSTimeZone.timeZone(from: try #require(document.root), near: try R.instant(date))
    }

    /// True when `zone` and `expected` have the same offset all through `year`.
    static func behavesLike(_ zone: TimeZone?, _ expected: String, in year: Int) throws -> Bool {
        let expectedZone = try R.zone(expected)
        guard let zone else { return false }
        let start = try R.instant("\(year)-01-01T00:00:00Z")
        return stride(from: 0.0, to: 366 * 86_400, by: 1800).allSatisfy {
            zone.secondsFromGMT(for: start + $0) == expectedZone.secondsFromGMT(for: start + $0)
        }
    }

    @Test func aDefinitionWithAKnownIdIsThatZone() throws {
        #expect(
            try Self.zone(
                #"<t:StartTimeZone xmlns:t="\#(Self.t)" Id="W. Europe Standard Time" Name="(UTC+01:00) Amsterdam"/>"#)?
                .identifier == "Europe/Berlin")
    }

    /// Microsoft's Pacific definition ("Create a recurring series by using EWS"), under an id no table knows.
    static let pacific = """
        <t:TimeZoneDefinition xmlns:t="\(t)" Name="(UTC-08:00) Pacific Time (US &amp; Canada)" Id="Customized Time Zone">
          <t:Periods>
            <t:Period Bias="P0DT8H0M0.0S" Name="Standard" Id="Std" />
            <t:Period Bias="P0DT7H0M0.0S" Name="Daylight" Id="Dlt/1" />
            <t:Period Bias="P0DT7H0M0.0S" Name="Daylight" Id="Dlt/2007" />
          </t:Periods>
          <t:TransitionsGroups>
            <t:TransitionsGroup Id="0">
              <t:RecurringDayTransition>
                <t:To Kind="Period">Dlt/1</t:To><t:TimeOffset>P0DT2H0M0.0S</t:TimeOffset>
                <t:Month>4</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>1</t:Occurrence>
              </t:RecurringDayTransition>
              <t:RecurringDayTransition>
                <t:To Kind="Period">Std</t:To><t:TimeOffset>P0DT2H0M0.0S</t:TimeOffset>
                <t:Month>10</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>-1</t:Occurrence>
              </t:RecurringDayTransition>
            </t:TransitionsGroup>
            <t:TransitionsGroup Id="1">
              <t:RecurringDayTransition>
                <t:To Kind="Period">Dlt/2007</t:To><t:TimeOffset>P0DT2H0M0.0S</t:TimeOffset>
                <t:Month>3</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>2</t:Occurrence>
              </t:RecurringDayTransition>
              <t:RecurringDayTransition>
                <t:To Kind="Period">Std</t:To><t:TimeOffset>P0DT2H0M0.0S</t:TimeOffset>
                <t:Month>11</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>1</t:Occurrence>
              </t:RecurringDayTransition>
            </t:TransitionsGroup>
          </t:TransitionsGroups>
          <t:Transitions>
            <t:Transition><t:To Kind="Group">0</t:To></t:Transition>
            <t:AbsoluteDateTransition><t:To Kind="Group">1</t:To><t:DateTime>2007-01-01T08:00:00.000Z</t:DateTime></t:AbsoluteDateTransition>
          </t:Transitions>
        </t:TimeZoneDefinition>
        """

    @Test func anUnknownDefinitionIsMatchedByItsRulesForTheYearInForce() throws {
        #expect(try Self.behavesLike(Self.zone(Self.pacific), "America/Los_Angeles", in: 2026))
        // Before 2007 the first group (April to October) is in force.
        #expect(
            try Self.behavesLike(Self.zone(Self.pacific, near: "2005-06-01T00:00:00Z"), "America/Los_Angeles", in: 2005)
        )
    }

    @Test func europeanRulesWithoutAnIdBecomeBerlin() throws {
        let xml = """
            <StartTimeZone>
              <Periods><Period Bias="-PT1H" Name="Standard" Id="Std"/><Period Bias="-PT2H" Name="Daylight" Id="Dlt"/></Periods>
              <TransitionsGroups><TransitionsGroup Id="0">
                <RecurringDayTransition><To Kind="Period">Std</To><TimeOffset>PT3H</TimeOffset><Month>10</Month>
                  <DayOfWeek>Sunday</DayOfWeek><Occurrence>-1</Occurrence></RecurringDayTransition>
                <RecurringDayTransition><To Kind="Period">Dlt</To><TimeOffset>PT2H</TimeOffset><Month>3</Month>
                  <DayOfWeek>Sunday</DayOfWeek><Occurrence>-1</Occurrence></RecurringDayTransition>
              </TransitionsGroup></TransitionsGroups>
              <Transitions><Transition><To Kind="Group">0</To></Transition></Transitions>
            </StartTimeZone>
            """
        #expect(try Self.zone(xml)?.identifier == "Europe/Berlin")
    }

    @Test func aSinglePeriodIsAFixedOffset() throws {
        let xml = """
            <StartTimeZone Id="Somewhere">
              <Periods><Period Bias="-PT5H30M" Name="Standard" Id="Std"/></Periods>
              <Transitions><Transition><To Kind="Period">Std</To></Transition></Transitions>
            </StartTimeZone>
            """
        #expect(try Self.zone(xml)?.secondsFromGMT(for: Date()) == 19_800)
    }

    /// A legacy zone whose changes fall on a Sunday: (DayOfWeekIndex, Month, Time); daylight is an hour ahead.
    static func legacy(base: String, standard: (String, String, String), daylight: (String, String, String)) -> String {
        func change(_ name: String, _ offset: String, _ c: (String, String, String)) -> String {
            "<\(name)><Offset>\(offset)</Offset><RelativeYearlyRecurrence><DaysOfWeek>Sunday</DaysOfWeek>"
                + "<DayOfWeekIndex>\(c.0)</DayOfWeekIndex><Month>\(c.1)</Month></RelativeYearlyRecurrence><Time>\(c.2)</Time></\(name)>"
        }
        return "<MeetingTimeZone><BaseOffset>\(base)</BaseOffset>" + change("Standard", "PT0M", standard)
            + change("Daylight", "-PT1H", daylight) + "</MeetingTimeZone>"
    }

    @Test func theLegacyMeetingTimeZoneByNameAndByRules() throws {
        #expect(
            try Self.zone(#"<MeetingTimeZone TimeZoneName="Pacific Standard Time"/>"#)?.identifier
                == "America/Los_Angeles")
        let pacific = Self.legacy(
            base: "PT8H", standard: ("First", "November", "02:00:00"), daylight: ("Second", "March", "02:00:00"))
        #expect(try Self.behavesLike(Self.zone(pacific), "America/Los_Angeles", in: 2026))
        let sydney = Self.legacy(
            base: "-PT10H", standard: ("First", "April", "03:00:00"), daylight: ("First", "October", "02:00:00"))
        #expect(try Self.zone(sydney)?.identifier == "Australia/Sydney")
        #expect(
            try Self.zone("<MeetingTimeZone><BaseOffset>-PT9H</BaseOffset></MeetingTimeZone>")?.secondsFromGMT(
                for: Date()) == 32_400)
    }

    @Test func rulesNoZoneFollowsAndUnknownIdsWithoutRulesGiveNothing() throws {
        let may = Self.legacy(
            base: "-PT1H", standard: ("First", "September", "02:00:00"), daylight: ("First", "May", "02:00:00"))
        #expect(try Self.zone(may) == nil)
        #expect(try Self.zone(#"<StartTimeZone Id="Mars Standard Time"/>"#) == nil)
        #expect(try Self.zone(#"<MeetingTimeZone TimeZoneName="Mars Standard Time"/>"#) == nil)
    }

    @Test func badValuesInAZoneAreErrors() throws {
        #expect(throws: RecurrenceError.self) {
            try Self.zone("<MeetingTimeZone><BaseOffset>eight hours</BaseOffset></MeetingTimeZone>")
        }
        #expect {
            try Self.zone(#"<StartTimeZone><Periods><Period Bias="soon" Id="Std"/></Periods></StartTimeZone>"#)
        } throws: { RecurrenceError.invalid ~= $0 && "\($0)".contains("'soon'") }
    }

    // MARK: Series from an item

    static let item = """
        <t:CalendarItem xmlns:t="\(t)">
          <t:Subject>Weekly sync</t:Subject>
          <t:Start>2026-03-02T08:00:00Z</t:Start>
          <t:End>2026-03-02T09:00:00Z</t:End>
          <t:Recurrence>
            <t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday</t:DaysOfWeek></t:WeeklyRecurrence>
            <t:NumberedRecurrence><t:StartDate>2026-03-02+01:00</t:StartDate><t:NumberOfOccurrences>6</t:NumberOfOccurrences></t:NumberedRecurrence>
          </t:Recurrence>
          <t:ModifiedOccurrences>
            <t:Occurrence>
              <t:ItemId Id="AAMk1" ChangeKey="DwAA1"/>
              <t:Start>2026-03-10T13:00:00Z</t:Start><t:End>2026-03-10T14:00:00Z</t:End>
              <t:OriginalStart>2026-03-09T08:00:00Z</t:OriginalStart>
            </t:Occurrence>
          </t:ModifiedOccurrences>
          <t:DeletedOccurrences><t:DeletedOccurrence><t:Start>2026-03-16T08:00:00Z</t:Start></t:DeletedOccurrence></t:DeletedOccurrences>
          <t:StartTimeZone Id="W. Europe Standard Time"/>
        </t:CalendarItem>
        """

    @Test func aRecurringMasterReadsAsASeries() throws {
        let document = try XMLDocument(string: Self.item)
        let root = try #require(document.root)
        let series = try #require(try RecurringSeries(item: root, defaultTimeZone: try R.zone("UTC")))
        #expect(series.timeZone.identifier == "Europe/Berlin")
        #expect(series.deletedOccurrences == [try R.instant("2026-03-16T08:00:00Z")])
        #expect(series.modifiedOccurrences.map(\.originalStart) == [try R.instant("2026-03-09T08:00:00Z")])
        #expect(
            try R.starts(series, from: "2026-03-01T00:00:00Z", to: "2026-05-01T00:00:00Z")
                == [
                    "2026-03-02T08:00:00Z", "2026-03-10T13:00:00Z", "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z",
                    "2026-04-06T07:00:00Z",
                ])
    }

    @Test func anItemWithoutZoneUsesTheDefaultAndOneWithoutRecurrenceIsNoSeries() throws {
        let bare = Self.item.replacingOccurrences(of: #"<t:StartTimeZone Id="W. Europe Standard Time"/>"#, with: "")
        let series = try RecurringSeries(
            item: try #require(XMLDocument(string: bare).root), defaultTimeZone: try R.zone("America/New_York"))
        #expect(series?.timeZone.identifier == "America/New_York")
        let single = try XMLDocument(
            string: #"<CalendarItem><Start>2026-03-02T08:00:00Z</Start><End>2026-03-02T09:00:00Z</End></CalendarItem>"#)
        #expect(try RecurringSeries(item: try #require(single.root), defaultTimeZone: try R.zone("UTC")) == nil)
    }

    @Test func aBadOccurrenceTimeIsAnError() throws {
        let broken = Self.item.replacingOccurrences(
            of: "<t:OriginalStart>2026-03-09T08:00:00Z", with: "<t:OriginalStart>last Monday")
        let document = try XMLDocument(string: broken)
        #expect { try RecurringSeries(item: try #require(document.root), defaultTimeZone: try R.zone("UTC")) } throws: {
            RecurrenceError.invalid ~= $0
                && "\($0)".contains("ModifiedOccurrences/Occurrence/OriginalStart: 'last Monday'")
        }
    }
}
