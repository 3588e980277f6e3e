import XML

extension Recurrence {
    /// Reads a `t:Recurrence` element. Children are found by local name in any
    /// order, as servers send them; every value is checked against the schema
    /// and the ranges Microsoft documents (intervals 1-999 daily, 1-99 weekly
    /// and monthly; DayOfMonth 1-31), so what is accepted can be expanded.
    public init(xml element: XMLElement) throws(RecurrenceError) {
        let reader = RecurrenceFieldReader(element)
        pattern = try RecurrencePattern(in: reader)
        range = try RecurrenceRange(in: reader)
    }

    /// Writes `t:Recurrence` with its children in schema order. The caller has
    /// declared the `t` prefix for the EWS types namespace.
    public func write(to xml: XMLWriter) {
        xml.element("t:Recurrence") {
            pattern.write(to: xml)
            range.write(to: xml)
        }
    }
}

extension RecurrencePattern {
    /// The element name of each pattern (`RecurrencePatternTypes`).
    var elementName: String {
        switch self {
        case .relativeYearly: "RelativeYearlyRecurrence"
        case .absoluteYearly: "AbsoluteYearlyRecurrence"
        case .relativeMonthly: "RelativeMonthlyRecurrence"
        case .absoluteMonthly: "AbsoluteMonthlyRecurrence"
        case .weekly: "WeeklyRecurrence"
        case .daily: "DailyRecurrence"
        }
    }

    static let elementNames: Set = [
        "RelativeYearlyRecurrence", "AbsoluteYearlyRecurrence", "RelativeMonthlyRecurrence",
        "AbsoluteMonthlyRecurrence", "WeeklyRecurrence", "DailyRecurrence",
    ]
    /// Task patterns (`TaskRecurrencePatternTypes`): valid EWS, but they
    /// regenerate from completion dates and have no fixed occurrences.
    static let regenerationNames: Set = [
        "DailyRegeneration", "WeeklyRegeneration", "MonthlyRegeneration", "YearlyRegeneration",
    ]

    init(in recurrence: RecurrenceFieldReader) throws(RecurrenceError) {
        let p = try recurrence.onlyChild(among: Self.elementNames, unsupported: Self.regenerationNames, kind: "pattern")
        switch p.element.localName {
        case "DailyRecurrence":
            self = .daily(interval: try p.int("Interval", in: 1...999))
        case "WeeklyRecurrence":
            let interval = try p.int("Interval", in: 1...99)
            let (text, at) = try p.text("DaysOfWeek")
            var days = Weekdays()
            for name in text.split(whereSeparator: \.isWhitespace) {
                guard let day = Weekday(rawValue: String(name)) else {
                    throw at.invalid(String(name), "a day of the week (Sunday ... Saturday)")
                }
                days.insert(Weekdays([day]))
            }
            guard !days.isEmpty else { throw at.invalid(text, "a list of days of the week") }
            let first = p.element.child("FirstDayOfWeek") == nil ? nil : try p.value("FirstDayOfWeek", as: Weekday.self)
            self = .weekly(interval: interval, days: days, firstDayOfWeek: first)
        case "AbsoluteMonthlyRecurrence":
            self = .absoluteMonthly(
                interval: try p.int("Interval", in: 1...99), dayOfMonth: try p.int("DayOfMonth", in: 1...31))
        case "RelativeMonthlyRecurrence":
            self = .relativeMonthly(
                interval: try p.int("Interval", in: 1...99),
                day: try p.value("DaysOfWeek", as: RelativeDay.self),
                index: try p.value("DayOfWeekIndex", as: DayOfWeekIndex.self))
        case "AbsoluteYearlyRecurrence":
            let month = try p.value("Month", as: Month.self)
            let day = try p.int("DayOfMonth", in: 1...31)
            guard day <= Civil.daysInMonth(year: 2000, month: month.number) else {
                throw try p.child("DayOfMonth").invalid(String(day), "a day of \(month.rawValue)")
            }
            self = .absoluteYearly(dayOfMonth: day, month: month)
        default:
            self = .relativeYearly(
                day: try p.value("DaysOfWeek", as: RelativeDay.self),
                index: try p.value("DayOfWeekIndex", as: DayOfWeekIndex.self),
                month: try p.value("Month", as: Month.self))
        }
    }

    func write(to xml: XMLWriter) {
        xml.element("t:\(elementName)") {
            switch self {
            case .daily(let interval):
                xml.element("t:Interval", text: String(interval))
            case .weekly(let interval, let days, let first):
                xml.element("t:Interval", text: String(interval))
                xml.element("t:DaysOfWeek", text: days.days.map(\.rawValue).joined(separator: " "))
                if let first { xml.element("t:FirstDayOfWeek", text: first.rawValue) }
            case .absoluteMonthly(let interval, let dayOfMonth):
                xml.element("t:Interval", text: String(interval))
                xml.element("t:DayOfMonth", text: String(dayOfMonth))
            case .relativeMonthly(let interval, let day, let index):
                xml.element("t:Interval", text: String(interval))
                xml.element("t:DaysOfWeek", text: day.rawValue)
                xml.element("t:DayOfWeekIndex", text: index.rawValue)
            case .absoluteYearly(let dayOfMonth, let month):
                xml.element("t:DayOfMonth", text: String(dayOfMonth))
                xml.element("t:Month", text: month.rawValue)
            case .relativeYearly(let day, let index, let month):
                xml.element("t:DaysOfWeek", text: day.rawValue)
                xml.element("t:DayOfWeekIndex", text: index.rawValue)
                xml.element("t:Month", text: month.rawValue)
            }
        }
    }
}

extension RecurrenceRange {
    static let elementNames: Set = ["NoEndRecurrence", "EndDateRecurrence", "NumberedRecurrence"]

    init(in recurrence: RecurrenceFieldReader) throws(RecurrenceError) {
        let r = try recurrence.onlyChild(among: Self.elementNames, unsupported: [], kind: "range")
        let start = try r.date("StartDate")
        switch r.element.localName {
        case "NoEndRecurrence":
            self = .noEnd(start: start)
        case "EndDateRecurrence":
            let end = try r.date("EndDate")
            guard end >= start else {
                throw try r.child("EndDate").invalid(end.description, "on or after StartDate \(start)")
            }
            self = .endDate(start: start, end: end)
        default:
            self = .numbered(start: start, count: try r.int("NumberOfOccurrences", in: 1...Int(Int32.max)))
        }
    }

    func write(to xml: XMLWriter) {
        switch self {
        case .noEnd(let start):
            xml.element("t:NoEndRecurrence") { xml.element("t:StartDate", text: start.description) }
        case .endDate(let start, let end):
            xml.element("t:EndDateRecurrence") {
                xml.element("t:StartDate", text: start.description)
                xml.element("t:EndDate", text: end.description)
            }
        case .numbered(let start, let count):
            xml.element("t:NumberedRecurrence") {
                xml.element("t:StartDate", text: start.description)
                xml.element("t:NumberOfOccurrences", text: String(count))
            }
        }
    }
}

extension RecurrenceFieldReader {
    /// The one child whose name is in `names`; an error when there is none,
    /// more than one, or one of the `unsupported` names.
    fileprivate func onlyChild(among names: Set<String>, unsupported: Set<String>, kind: String)
        throws(RecurrenceError) -> RecurrenceFieldReader
    {
        let children = element.children
        if let bad = children.first(where: { unsupported.contains($0.localName) }) {
            throw RecurrenceError(
                .unsupported, "\(path): \(bad.localName) is a task pattern; a calendar series cannot use it",
                line: bad.line)
        }
        let found = children.filter { names.contains($0.localName) }
        guard let only = found.first else {
            throw RecurrenceError(
                .missing, "\(path): missing the \(kind) (one of \(names.sorted().joined(separator: ", ")))",
                line: element.line)
        }
        guard found.count == 1 else {
            throw RecurrenceError(
                .invalid, "\(path): more than one \(kind): " + found.map(\.localName).joined(separator: ", "),
                line: found[1].line)
        }
        return RecurrenceFieldReader(only, path: "\(path)/\(only.localName)")
    }
}
