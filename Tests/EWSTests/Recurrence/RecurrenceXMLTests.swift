import Foundation
import TestSupport
import Testing
import XML
@testable import EWS

/// `t:Recurrence` written and read: schema-valid, round-tripping, lenient in
/// order and prefixes, and strict about values.
@Suite struct RecurrenceXMLTests {
    static let validator = Result { try SchemaValidator(directory: SharedFiles.schemaDirectory) }

    static func d(_ text: String) -> LocalDate { LocalDate(xsDate: text) ?? LocalDate(unchecked: 1, 1, 1) }

    static let patterns: [RecurrencePattern] = [
        .daily(interval: 2),
        .weekly(interval: 1, days: [.monday], firstDayOfWeek: nil),
        .weekly(interval: 3, days: [.sunday, .wednesday, .saturday], firstDayOfWeek: .monday),
        .absoluteMonthly(interval: 1, dayOfMonth: 31),
        .relativeMonthly(interval: 2, day: .weekendDay, index: .last),
        .absoluteYearly(dayOfMonth: 29, month: .february),
        .relativeYearly(day: .weekday, index: .first, month: .september),
    ]
    static let ranges: [RecurrenceRange] = [
        .noEnd(start: d("2026-03-02")),
        .endDate(start: d("2026-03-02"), end: d("2027-03-01")),
        .numbered(start: d("2026-03-02"), count: 10),
    ]
    static let all = patterns.flatMap { p in ranges.map { Recurrence(pattern: p, range: $0) } }

    /// A CreateItem request for a recurring meeting holding `recurrence`.
    static func createItemEnvelope(_ recurrence: Recurrence) throws -> XMLDocument {
        let w = try XMLWriter()
        w.element("soap:Envelope") {
            w.namespace("soap", Namespace.soap)
            w.namespace("t", Namespace.types)
            w.namespace("m", Namespace.messages)
            w.element("soap:Header") { w.element("t:RequestServerVersion", ["Version": "Exchange2013_SP1"]) }
            w.element("soap:Body") {
                w.element("m:CreateItem", ["SendMeetingInvitations": "SendToNone"]) {
                    w.element("m:Items") {
                        w.element("t:CalendarItem") {
                            w.element("t:Subject", text: "Weekly sync")
                            w.element("t:Start", text: "2026-03-02T08:00:00Z")
                            w.element("t:End", text: "2026-03-02T09:00:00Z")
                            recurrence.write(to: w)
                        }
                    }
                }
            }
        }
        return try XMLDocument(w.finish())
    }

    static func recurrenceElement(in document: XMLDocument) throws -> XMLElement {
        try #require(document.select("//t:Recurrence", namespaces: ["t": Namespace.types]).first)
    }

    @Test(arguments: all)
    func whatIsWrittenValidatesAndReadsBack(_ recurrence: Recurrence) throws {
        let document = try Self.createItemEnvelope(recurrence)
        #expect(try Self.validator.get().violations(ofEnvelope: document) == [])
        #expect(try Recurrence(xml: Self.recurrenceElement(in: document)) == recurrence)
    }

    @Test func weeklyDaysAreWrittenAsASpaceSeparatedListInWeekOrder() throws {
        let document = try Self.createItemEnvelope(
            Recurrence(
                pattern: .weekly(interval: 1, days: [.friday, .tuesday], firstDayOfWeek: nil),
                range: .noEnd(start: Self.d("2026-03-02"))))
        let days = try #require(Self.recurrenceElement(in: document).path("WeeklyRecurrence", "DaysOfWeek"))
        #expect(days.text == "Tuesday Friday")
    }

    /// Parses `<Recurrence>` with `inner` as its content, in the types namespace under prefix `x`.
    static func parse(_ inner: String) throws -> Recurrence {
        let document = try XMLDocument(string: "<x:Recurrence xmlns:x=\"\(Namespace.types)\">\(inner)</x:Recurrence>")
        return try Recurrence(xml: try #require(document.root))
    }

    @Test func readsElementsOutOfOrderWithAnyPrefixAndPadding() throws {
        let r = try Self.parse(
            """
            <x:NumberedRecurrence>
              <x:NumberOfOccurrences> 10 </x:NumberOfOccurrences>
              <x:StartDate>2014-03-08-08:00</x:StartDate>
            </x:NumberedRecurrence>
            <x:WeeklyRecurrence>
              <x:FirstDayOfWeek>Monday</x:FirstDayOfWeek>
              <x:DaysOfWeek>
                Saturday  Monday
              </x:DaysOfWeek>
              <x:Interval>1</x:Interval>
              <x:Unknown>ignored</x:Unknown>
            </x:WeeklyRecurrence>
            """)
        #expect(
            r
                == Recurrence(
                    pattern: .weekly(interval: 1, days: [.monday, .saturday], firstDayOfWeek: .monday),
                    range: .numbered(start: Self.d("2014-03-08"), count: 10)))
    }

    @Test func aStartDateWithAnOffsetKeepsItsDate() throws {
        let r = try Self.parse(
            "<x:DailyRecurrence><x:Interval>1</x:Interval></x:DailyRecurrence>"
                + "<x:NoEndRecurrence><x:StartDate>2026-03-02+01:00</x:StartDate></x:NoEndRecurrence>")
        #expect(r.range == .noEnd(start: Self.d("2026-03-02")))
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        let inner: String
        let kind: RecurrenceError
        let says: String
        var testDescription: String { says }
    }

    static let daily = "<x:DailyRecurrence><x:Interval>1</x:Interval></x:DailyRecurrence>"
    static let noEnd = "<x:NoEndRecurrence><x:StartDate>2026-03-02</x:StartDate></x:NoEndRecurrence>"
    static func weekly(_ days: String, interval: String = "1") -> String {
        "<x:WeeklyRecurrence><x:Interval>\(interval)</x:Interval><x:DaysOfWeek>\(days)</x:DaysOfWeek></x:WeeklyRecurrence>"
    }

    static let bad: [Bad] = [
        Bad(
            inner: "<x:DailyRecurrence><x:Interval>0</x:Interval></x:DailyRecurrence>" + noEnd, kind: .invalid,
            says: "DailyRecurrence/Interval: '0' is not an integer in 1...999"),
        Bad(
            inner: "<x:DailyRecurrence><x:Interval>two</x:Interval></x:DailyRecurrence>" + noEnd, kind: .invalid,
            says: "'two' is not an integer"),
        Bad(
            inner: weekly("Monday", interval: "100") + noEnd, kind: .invalid,
            says: "WeeklyRecurrence/Interval: '100' is not an integer in 1...99"),
        Bad(inner: weekly("Monday Funday") + noEnd, kind: .invalid, says: "'Funday' is not a day of the week"),
        Bad(inner: weekly("Weekday") + noEnd, kind: .invalid, says: "'Weekday' is not a day of the week"),
        Bad(inner: weekly("  ") + noEnd, kind: .invalid, says: "is not a list of days of the week"),
        Bad(
            inner: "<x:RelativeMonthlyRecurrence><x:Interval>1</x:Interval><x:DaysOfWeek>Monday</x:DaysOfWeek>"
                + "<x:DayOfWeekIndex>Fifth</x:DayOfWeekIndex></x:RelativeMonthlyRecurrence>" + noEnd, kind: .invalid,
            says: "DayOfWeekIndex: 'Fifth' is not one of First, Second, Third, Fourth, Last"),
        Bad(
            inner:
                "<x:AbsoluteYearlyRecurrence><x:DayOfMonth>1</x:DayOfMonth><x:Month>Jan</x:Month></x:AbsoluteYearlyRecurrence>"
                + noEnd,
            kind: .invalid, says: "Month: 'Jan' is not one of January"),
        Bad(
            inner:
                "<x:AbsoluteYearlyRecurrence><x:DayOfMonth>30</x:DayOfMonth><x:Month>February</x:Month></x:AbsoluteYearlyRecurrence>"
                + noEnd, kind: .invalid, says: "'30' is not a day of February"),
        Bad(
            inner:
                "<x:AbsoluteMonthlyRecurrence><x:Interval>1</x:Interval><x:DayOfMonth>32</x:DayOfMonth></x:AbsoluteMonthlyRecurrence>"
                + noEnd, kind: .invalid, says: "DayOfMonth: '32' is not an integer in 1...31"),
        Bad(
            inner: "<x:AbsoluteMonthlyRecurrence><x:Interval>1</x:Interval></x:AbsoluteMonthlyRecurrence>" + noEnd,
            kind: .missing,
            says: "AbsoluteMonthlyRecurrence: missing DayOfMonth"),
        Bad(
            inner: daily + "<x:NoEndRecurrence><x:StartDate>2026-02-30</x:StartDate></x:NoEndRecurrence>",
            kind: .invalid,
            says: "StartDate: '2026-02-30' is not a date"),
        Bad(
            inner: daily + "<x:NoEndRecurrence><x:StartDate>2026-03-02T09:00:00Z</x:StartDate></x:NoEndRecurrence>",
            kind: .invalid,
            says: "'2026-03-02T09:00:00Z' is not a date"),
        Bad(
            inner: daily
                + "<x:EndDateRecurrence><x:StartDate>2026-03-02</x:StartDate><x:EndDate>2026-03-01</x:EndDate></x:EndDateRecurrence>",
            kind: .invalid, says: "EndDate: '2026-03-01' is not on or after StartDate 2026-03-02"),
        Bad(
            inner: daily
                + "<x:NumberedRecurrence><x:StartDate>2026-03-02</x:StartDate><x:NumberOfOccurrences>0</x:NumberOfOccurrences>"
                + "</x:NumberedRecurrence>", kind: .invalid, says: "NumberOfOccurrences: '0' is not an integer"),
        Bad(inner: daily, kind: .missing, says: "Recurrence: missing the range"),
        Bad(inner: noEnd, kind: .missing, says: "Recurrence: missing the pattern"),
        Bad(
            inner: daily + weekly("Monday") + noEnd, kind: .invalid,
            says: "more than one pattern: DailyRecurrence, WeeklyRecurrence"),
        Bad(
            inner: "<x:DailyRegeneration><x:Interval>1</x:Interval></x:DailyRegeneration>" + noEnd, kind: .unsupported,
            says: "DailyRegeneration is a task pattern"),
    ]

    @Test(arguments: bad)
    func badValuesAreNamedWithTheirLine(_ b: Bad) throws {
        #expect {
            try Self.parse(b.inner)
        } throws: { error in
            guard let e = error as? RecurrenceError, b.kind ~= e else { return false }
            return e.message.contains(b.says) && e.line == 1
        }
    }

    @Test func theLineIsTheOffendingElementsLine() throws {
        let document = try XMLDocument(
            string: """
                <Recurrence>
                  <DailyRecurrence>
                    <Interval>1000</Interval>
                  </DailyRecurrence>
                </Recurrence>
                """)
        #expect { try Recurrence(xml: try #require(document.root)) } throws: { ($0 as? RecurrenceError)?.line == 3 }
    }
}
