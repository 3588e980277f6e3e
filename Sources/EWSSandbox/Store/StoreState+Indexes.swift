import Foundation

/// What the store keeps beside its items so that no operation reads a whole
/// folder or mailbox to find a few items: the items of a mailbox by UID, each
/// folder's unread count, each folder's calendar items by time and the
/// FindItem queries asked of it. All of it is derived from the items, kept up
/// to date by `put` and `remove`, and left out of the dump.
struct StoreIndexes: Sendable {
    /// Mailbox → UID → ids of the mailbox's items with that UID, in any folder.
    var uids: [String: [String: Set<String>]] = [:]
    var unread: [String: Int] = [:]
    /// Folder → its calendar items by time.
    var calendars: [String: CalendarIndex] = [:]
    /// Folder → FindItem query key → the query's answer, kept current.
    var views: [String: [String: FolderView]] = [:]
    /// Counts view uses, to drop the least recently used one.
    var viewUses = 0
    /// Views kept per folder: a client pages a handful of queries; one-off
    /// queries beyond that push out the oldest rather than pile up.
    static let viewsPerFolder = 8
}

extension StoreState {
    /// Brings the indexes from `old` (nil for a new item) to `new` (nil for a removed one).
    mutating func reindex(_ old: StoredItem?, _ new: StoredItem?) {
        if let old, let uid = old.uid, old.uid != new?.uid || old.mailbox != new?.mailbox {
            indexes.uids[old.mailbox]?[uid]?.remove(old.id)
            if indexes.uids[old.mailbox]?[uid]?.isEmpty == true { indexes.uids[old.mailbox]?[uid] = nil }
        }
        if let new, let uid = new.uid { indexes.uids[new.mailbox, default: [:]][uid, default: []].insert(new.id) }

        if let old, !old.isRead { indexes.unread[old.folderId, default: 0] -= 1 }
        if let new, !new.isRead { indexes.unread[new.folderId, default: 0] += 1 }

        let moved = old?.folderId != new?.folderId
        // Most changes (an answer recorded, a flag set) leave an item's times alone.
        let sameTimes = !moved && old.flatMap { o in new.map { CalendarIndex.sameTimes(o, $0) } } == true
        if !sameTimes {
            if let old, CalendarIndex.isIndexed(old) { indexes.calendars[old.folderId]?.remove(old) }
            if let new, CalendarIndex.isIndexed(new) { indexes.calendars[new.folderId, default: .init()].insert(new) }
        }

        if moved {
            if let old { updateViews(of: old.folderId, old, nil) }
            if let new { updateViews(of: new.folderId, nil, new) }
        } else if let folder = new?.folderId ?? old?.folderId {
            updateViews(of: folder, old, new)
        }
    }

    private mutating func updateViews(of folderId: String, _ old: StoredItem?, _ new: StoredItem?) {
        // The keys are copied out first: a live Keys view would share the views' storage, and
        // changing a view in place would then copy every entry of it.
        let keys = Array(indexes.views[folderId]?.keys ?? [:].keys)
        for key in keys { indexes.views[folderId]?[key]?.replace(old, with: new) }
    }

    /// The items of a mailbox with a UID, in any of its folders, by id.
    func items(uid: String?, of email: String) -> [StoredItem] {
        guard let uid, let ids = indexes.uids[email.lowercased()]?[uid] else { return [] }
        return ids.sorted().compactMap { items[$0] }
    }

    /// The meeting requests of a meeting in a mailbox's Inbox, by id.
    func inboxRequests(uid: String?, of email: String) -> [StoredItem] {
        guard let inbox = try? folderId("inbox", of: email) else { return [] }
        return items(uid: uid, of: email).filter { $0.folderId == inbox && $0.kind == .meetingRequest }
    }

    /// The calendar items of a folder that may have an instance overlapping
    /// [from, to]: a superset, which CalendarExpansion narrows down.
    func calendarItems(in folderId: String, from: Date, to: Date) -> [StoredItem] {
        (indexes.calendars[folderId]?.candidates(from: from, to: to) ?? []).compactMap { items[$0] }
    }

    /// A CalendarView of a folder from its index (CalendarIndex.view), with
    /// the instances of its items longer than a day (few) expanded and merged
    /// in: how many, and the first `limit` as items; nil when the index
    /// cannot answer exactly.
    func calendarView(in folderId: String, from: Date, to: Date, limit: Int) -> (total: Int, first: [StoredItem])? {
        guard let index = indexes.calendars[folderId], let (total, short) = index.view(from: from, to: to, limit: limit)
        else { return nil }
        let long = CalendarExpansion.instances(of: index.long.compactMap { items[$0] }, from: from, to: to)
        var first: [StoredItem] = []
        var (s, l) = (short.startIndex, long.startIndex)
        while first.count < limit, s < short.endIndex || l < long.endIndex {
            let takesLong =
                s == short.endIndex
                || (l < long.endIndex && (long[l].start ?? .distantPast, long[l].id) < (short[s].start, short[s].key))
            if takesLong {
                first.append(long[l])
                l += 1
                continue
            }
            let (id, originalStart) = (short[s].id, short[s].originalStart)
            s += 1
            guard let item = originalStart.map({ try? instance(IDCodec.occurrenceId(master: id, originalStart: $0)) })
                ?? items[id]
            else { return nil }
            first.append(item)
        }
        return (total + long.count, first)
    }

    /// Enters the occurrences of a folder's long series up to `date` (CalendarIndex.cover).
    mutating func coverCalendar(_ folderId: String, until date: Date) {
        indexes.calendars[folderId]?.cover(until: date, items: items)
    }

    func unreadCount(_ folderId: String) -> Int { indexes.unread[folderId] ?? 0 }

    /// The answer to a FindItem query of a folder: the matching items' ids in
    /// the query's order. A restriction that bounds the first sort field from
    /// below beside its other terms (what a client paging by arrival time
    /// asks, a new bound each page) is answered from the cached view of the
    /// other terms by a binary search, as Exchange seeks its sort index;
    /// anything else from its own cached view, or a new one.
    mutating func view(of folderId: String, restriction: Restriction?, orders: [(String, Bool)])
        -> ArraySlice<FolderView.Entry>
    {
        guard let first = orders.first, let (bound, rest) = restriction?.lowerBound(on: first.0) else {
            return cachedView(of: folderId, restriction: restriction, orders: orders).entries[...]
        }
        let entries = view(of: folderId, restriction: rest, orders: orders)
        // Ascending, the entries the bound admits come last; descending, first (missing values last).
        let at = entries.partitioningIndex { bound.admits($0.keys[0]) == first.1 }
        return first.1 ? entries[at...] : entries[..<at]
    }

    private mutating func cachedView(of folderId: String, restriction: Restriction?, orders: [(String, Bool)])
        -> FolderView
    {
        let key = FolderView.key(restriction: restriction, orders: orders)
        var view =
            indexes.views[folderId]?.removeValue(forKey: key)
            ?? FolderView(restriction: restriction, orders: orders, items: items(in: folderId))
        indexes.viewUses += 1
        view.lastUsed = indexes.viewUses
        if let views = indexes.views[folderId], views.count >= StoreIndexes.viewsPerFolder,
            let oldest = views.min(by: { $0.value.lastUsed < $1.value.lastUsed })
        {
            indexes.views[folderId]?[oldest.key] = nil
        }
        indexes.views[folderId, default: [:]][key] = view
        return view
    }
}
