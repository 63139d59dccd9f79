/// Suggestions for misspelt names ("did you mean …").
enum Suggestion {
    /// The closest candidate to a misspelt name, when it is close enough to be what was meant.
    static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        let normalized = normalize(name)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            // systemId, system-id and SYSTEM_ID all mean system_id.
            if normalize(candidate) == normalized { return candidate }
            let distance = editDistance(Array(name.lowercased().unicodeScalars), Array(candidate.lowercased().unicodeScalars))
            let limit = min(2, max(1, candidate.count / 3))
            if distance <= limit, distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// " (did you mean \"x\"?)" or nothing.
    static func hint(for name: String, among candidates: some Sequence<String>, format: (String) -> String = { "\"\($0)\"" }) -> String {
        guard let match = closest(to: name, among: candidates) else { return "" }
        return " (did you mean \(format(match))?)"
    }

    private static func normalize(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { $0 != "_" && $0 != "-" })
    }

    /// Optimal string alignment distance: a swapped pair of letters counts as one edit, the
    /// commonest typo in key names.
    private static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
