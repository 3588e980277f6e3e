/// "Did you mean …?" for a misspelt word: the closest candidate by edit distance
/// (with transpositions), or a known synonym.
public enum Suggestion {
    /// Words admins reach for that the files spell differently. One table for
    /// every file: a synonym is offered only where its word is a candidate.
    public static let synonyms: [String: String] = [
        // The rules file.
        "from": "sender", "attendee": "attendees_include", "action": "then", "if": "when",
        "do": "then", "tz": "timezone", "time_zone": "timezone", "reply": "send_reply",
        "message": "comment", "reject": "decline", "ignore": "skip", "tentatively_accept": "tentative",
        // The configuration file.
        "server": "url", "endpoint": "url", "user": "username", "login": "username",
        "state_directory": "state_dir", "rules_file": "rules",
    ]

    /// The candidate closest to `word`, if it is close enough to be a likely typo.
    public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let pool = Array(candidates)
        if let synonym = synonyms[word.lowercased()], pool.contains(synonym) { return synonym }
        let lowered = word.lowercased()
        if let sameLetters = pool.first(where: { $0.lowercased() == lowered }) { return sameLetters }
        let limit = max(1, min(3, word.count / 3))
        var best: (word: String, distance: Int)?
        for candidate in pool {
            let d = distance(lowered, candidate.lowercased(), limit: limit)
            if d <= limit, d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        return best?.word
    }

    /// ` (did you mean 'x'?)`, or nothing.
    public static func hint(for word: String, among candidates: some Sequence<String>) -> String {
        closest(to: word, among: candidates).map { " (did you mean \(quoted($0))?)" } ?? ""
    }

    /// Optimal string alignment distance, giving up (returning `limit + 1`) once it
    /// cannot come in under `limit`.
    public static func distance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, before[j - 2] + 1) }
                current[j] = d
                rowMinimum = min(rowMinimum, d)
            }
            if rowMinimum > limit { return limit + 1 }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
