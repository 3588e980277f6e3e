import Foundation

/// One FindItem query of a folder kept answered: the ids of the items that
/// match its restriction, in its sort order, kept up to date as items are
/// written. Exchange's store does the same: a restricted or sorted view of a
/// folder is built once, cached, and maintained as messages arrive and leave
/// (the restriction and view caches of the mailbox database), so a client
/// that pages the same query gets each page at the cost of the page. The
/// first query of a kind reads the whole folder, as Exchange's first one
/// does. Derived from the items; never dumped.
struct FolderView: Sendable {
    struct Entry: Sendable {
        var keys: [FieldValue?]
        var id: String
    }

    let restriction: Restriction?
    /// Sort fields and whether each is ascending; the id breaks ties.
    let orders: [(String, Bool)]
    private(set) var entries: [Entry] = []
    /// When the view was last asked for, to drop the least used first.
    var lastUsed = 0

    init(restriction: Restriction?, orders: [(String, Bool)], items: [StoredItem]) {
        self.restriction = restriction
        self.orders = orders
        entries = items.filter { restriction?.matches($0) ?? true }.map(entry)
        entries.sort(by: precedes)
    }

    /// The key a query is cached under: its restriction and sort order.
    static func key(restriction: Restriction?, orders: [(String, Bool)]) -> String {
        String(describing: restriction) + "|" + orders.map { "\($0.0):\($0.1)" }.joined(separator: ",")
    }

    private func entry(_ item: StoredItem) -> Entry {
        Entry(keys: orders.map { FieldValue.of($0.0, item) }, id: item.id)
    }

    /// The sort order of FindItem: each field in turn, missing values first
    /// when ascending, then the id, so equal keys come in a reproducible order.
    func precedes(_ a: Entry, _ b: Entry) -> Bool {
        for (index, (_, ascending)) in orders.enumerated() {
            let x = a.keys[index]
            let y = b.keys[index]
            if FieldValue.ascending(x, y) { return ascending }
            if FieldValue.ascending(y, x) { return !ascending }
        }
        return a.id < b.id
    }

    /// Takes in a change of an item of the folder: `old` leaves, `new` comes.
    mutating func replace(_ old: StoredItem?, with new: StoredItem?) {
        let before = old.flatMap { item in (restriction?.matches(item) ?? true) ? entry(item) : nil }
        let after = new.flatMap { item in (restriction?.matches(item) ?? true) ? entry(item) : nil }
        if let before, let after, before.keys == after.keys { return }
        if let before {
            let at = entries.partitioningIndex { !precedes($0, before) }
            if at < entries.count, entries[at].id == before.id { entries.remove(at: at) }
        }
        if let after {
            entries.insert(after, at: entries.partitioningIndex { precedes(after, $0) })
        }
    }
}
