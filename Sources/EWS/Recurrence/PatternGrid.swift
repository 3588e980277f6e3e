/// A recurrence laid out on day numbers: a grid of periods (the pattern's
/// days, weeks, months or years, every `interval`th one counted from the one
/// holding the start date), each holding the same number of occurrence days.
/// Period and index arithmetic is constant time, so any date, however far
/// from the start, is reached without walking the occurrences before it.
struct PatternGrid {
    private enum Periods {
        /// Period p is the day `first + p * interval`.
        case days(first: Int, interval: Int)
        /// Period p is the week starting `weekStart + 7 * interval * p`.
        case weeks(interval: Int, days: Weekdays, weekStart: Int)
        /// Period p is the month `firstMonth + step * p` (a month number).
        case months(firstMonth: Int, step: Int, day: MonthDay)
    }

    private enum MonthDay {
        case absolute(Int)
        case relative(Weekdays, DayOfWeekIndex)

        func dayNumber(monthNumber: Int) -> Int {
            let (year, month) = Civil.yearAndMonth(monthNumber: monthNumber)
            switch self {
            case .absolute(let day):
                return Civil.dayNumber(
                    year: year, month: month, day: min(day, Civil.daysInMonth(year: year, month: month)))
            case .relative(let days, let index):
                return Civil.relativeDay(year: year, month: month, days: days, index: index)
            }
        }
    }

    /// Day number of the range's start date.
    let start: Int
    private let periods: Periods
    private let perPeriod: Int
    /// Days of period 0 that fall before the start date, and those that do not.
    private let skippedInFirst: Int
    private let countInFirst: Int
    /// The last day an occurrence may fall on, and the highest index, when the range ends.
    private let lastDay: Int?
    private let maxIndex: Int?

    /// Nil when the pattern can have no occurrence: a weekly pattern without
    /// days, or values outside what EWS allows (which `Recurrence(xml:)`
    /// refuses, but a value built or decoded elsewhere may hold).
    init?(_ recurrence: Recurrence) {
        guard recurrence.pattern.isWithinEWSLimits else { return nil }
        let start = recurrence.range.start
        self.start = start.dayNumber
        let startMonth = Civil.monthNumber(year: start.year, month: start.month)
        switch recurrence.pattern {
        case .daily(let interval):
            periods = .days(first: self.start, interval: interval)
            perPeriod = 1
        case .weekly(let interval, let days, let firstDayOfWeek):
            let weekStart = self.start - Civil.floorMod(start.weekday.number - (firstDayOfWeek ?? .sunday).number, 7)
            periods = .weeks(interval: interval, days: days, weekStart: weekStart)
            perPeriod = days.days.count
        case .absoluteMonthly(let interval, let day):
            periods = .months(firstMonth: startMonth, step: interval, day: .absolute(day))
            perPeriod = 1
        case .relativeMonthly(let interval, let day, let index):
            periods = .months(firstMonth: startMonth, step: interval, day: .relative(day.days, index))
            perPeriod = 1
        case .absoluteYearly(let day, let month):
            periods = .months(
                firstMonth: Civil.monthNumber(year: start.year, month: month.number), step: 12, day: .absolute(day))
            perPeriod = 1
        case .relativeYearly(let day, let index, let month):
            periods = .months(
                firstMonth: Civil.monthNumber(year: start.year, month: month.number), step: 12,
                day: .relative(day.days, index))
            perPeriod = 1
        }
        guard perPeriod > 0 else { return nil }
        switch recurrence.range {
        case .noEnd: (lastDay, maxIndex) = (nil, nil)
        case .endDate(_, let end): (lastDay, maxIndex) = (end.dayNumber, nil)
        case .numbered(_, let count): (lastDay, maxIndex) = (nil, count)
        }
        let first = Self.days(in: 0, periods)
        let startDay = self.start
        skippedInFirst = first.count { $0 < startDay }
        countInFirst = first.count - skippedInFirst
    }

    /// The sorted occurrence days of period `p`, before the start date included.
    private static func days(in p: Int, _ periods: Periods) -> [Int] {
        switch periods {
        case .days(let first, let interval):
            return [first + p * interval]
        case .weeks(let interval, let days, let weekStart):
            let first = weekStart + 7 * interval * p
            return (first..<first + 7).filter { days.contains(.of(dayNumber: $0)) }
        case .months(let firstMonth, let step, let day):
            return [day.dayNumber(monthNumber: firstMonth + step * p)]
        }
    }

    private func days(in p: Int) -> [Int] { Self.days(in: p, periods) }

    /// The period holding `day`, or the last one before it.
    private func period(containing day: Int) -> Int {
        switch periods {
        case .days(let first, let interval):
            return Civil.floorDiv(day - first, interval)
        case .weeks(let interval, _, let weekStart):
            return Civil.floorDiv(day - weekStart, 7 * interval)
        case .months(let firstMonth, let step, _):
            let (y, m, _) = Civil.date(dayNumber: day)
            return Civil.floorDiv(Civil.monthNumber(year: y, month: m) - firstMonth, step)
        }
    }

    /// The 1-based index of the `position`th day of period `p`.
    private func index(period p: Int, position: Int) -> Int {
        p == 0 ? position - skippedInFirst + 1 : countInFirst + (p - 1) * perPeriod + position + 1
    }

    private func isInRange(index: Int, day: Int) -> Bool {
        index >= 1 && day >= start && (maxIndex.map { index <= $0 } ?? true) && (lastDay.map { day <= $0 } ?? true)
    }

    /// The day of occurrence `index` (1-based), if the range has it.
    func day(ofIndex index: Int) -> Int? {
        // EWS counts occurrences in an xs:int; beyond that the arithmetic could overflow.
        guard (1...Int(Int32.max)).contains(index) else { return nil }
        let (p, position) =
            index <= countInFirst
            ? (0, skippedInFirst + index - 1)
            : (1 + (index - countInFirst - 1) / perPeriod, (index - countInFirst - 1) % perPeriod)
        let days = days(in: p)
        guard position < days.count, isInRange(index: index, day: days[position]) else { return nil }
        return days[position]
    }

    /// The index of the occurrence on `day`, if the pattern and range put one there.
    func index(ofDay day: Int) -> Int? {
        let p = period(containing: day)
        guard p >= 0, let position = days(in: p).firstIndex(of: day) else { return nil }
        let index = index(period: p, position: position)
        return isInRange(index: index, day: day) ? index : nil
    }

    var hasEnd: Bool { lastDay != nil || maxIndex != nil }

    /// The index of the last occurrence; nil when the series never ends or has none.
    var lastIndex: Int? {
        if let maxIndex { return day(ofIndex: maxIndex) == nil ? nil : maxIndex }
        guard let lastDay else { return nil }
        var p = period(containing: lastDay)
        while p >= 0 {
            let days = days(in: p)
            if let position = days.lastIndex(where: { $0 <= lastDay }) {
                let index = index(period: p, position: position)
                return isInRange(index: index, day: days[position]) ? index : nil
            }
            p -= 1
        }
        return nil
    }

    /// The occurrences on or after `day`, in order, as (index, day).
    func occurrences(from day: Int) -> Cursor { Cursor(grid: self, from: max(day, start)) }

    struct Cursor: IteratorProtocol {
        let grid: PatternGrid
        let from: Int
        var period: Int
        var days: [Int]
        var position = 0

        init(grid: PatternGrid, from: Int) {
            self.grid = grid
            self.from = from
            period = max(0, grid.period(containing: from))
            days = grid.days(in: period)
        }

        mutating func next() -> (index: Int, day: Int)? {
            while true {
                while position < days.count {
                    let day = days[position]
                    let index = grid.index(period: period, position: position)
                    position += 1
                    guard day >= from else { continue }
                    return grid.isInRange(index: index, day: day) ? (index, day) : nil
                }
                period += 1
                days = grid.days(in: period)
                position = 0
            }
        }
    }
}

extension RecurrencePattern {
    /// Intervals 1-999 daily and 1-99 otherwise, days of the month 1-31 (the EWS reference pages).
    var isWithinEWSLimits: Bool {
        switch self {
        case .daily(let interval): (1...999).contains(interval)
        case .weekly(let interval, _, _), .relativeMonthly(let interval, _, _): (1...99).contains(interval)
        case .absoluteMonthly(let interval, let day): (1...99).contains(interval) && (1...31).contains(day)
        case .absoluteYearly(let day, _): (1...31).contains(day)
        case .relativeYearly: true
        }
    }
}
