/// The `[[mo_route]]` rules: which account receives a mobile-originated message.
public struct MORouteTable: Sendable {
    private struct Rule: Sendable {
        var account: String
        /// Root in `prefixes`; -1 takes any destination.
        var destinationRoot: Int32
        /// ASCII keywords, lowercased, compared byte by byte without building strings.
        var asciiKeywords: [[UInt8]]
        /// Keywords with non-ASCII letters, lowercased; compared with full Unicode case folding.
        var otherKeywords: [String]
        var hasKeywords: Bool
    }

    private let rules: [Rule]
    private let prefixes: DigitPrefixForest

    public init(_ routes: [MORouteRule]) {
        var prefixes = DigitPrefixForest()
        rules = routes.map { route in
            var rule = Rule(account: route.account, destinationRoot: -1, asciiKeywords: [], otherKeywords: [], hasKeywords: !route.keywords.isEmpty)
            if !route.destinationPrefixes.isEmpty { rule.destinationRoot = prefixes.addSet(route.destinationPrefixes) }
            for keyword in route.keywords {
                if keyword.utf8.allSatisfy({ $0 < 0x80 }) {
                    rule.asciiKeywords.append(keyword.utf8.map(Self.lowercase))
                } else {
                    rule.otherKeywords.append(keyword.lowercased())
                }
            }
            return rule
        }
        self.prefixes = prefixes
    }

    /// The account of the first rule whose destination prefix and keyword (the first word of
    /// the text, case-insensitive) match; nil when none does.
    public func account(destination: String, text: String) -> String? {
        guard !rules.isEmpty else { return nil }
        let word = Self.firstWord(of: text)
        for rule in rules {
            if rule.destinationRoot >= 0, !prefixes.matches(destination, root: rule.destinationRoot) { continue }
            if rule.hasKeywords, !Self.matches(word, rule) { continue }
            return rule.account
        }
        return nil
    }

    private static func matches(_ word: Substring, _ rule: Rule) -> Bool {
        let utf8 = word.utf8
        for keyword in rule.asciiKeywords where keyword.count == utf8.count {
            if zip(utf8, keyword).allSatisfy({ lowercase($0) == $1 }) { return true }
        }
        if !rule.otherKeywords.isEmpty {
            // Rare (non-ASCII keywords), so the allocation of lowercased() is acceptable here.
            let lowered = word.lowercased()
            return rule.otherKeywords.contains(lowered)
        }
        return false
    }

    private static func firstWord(of text: String) -> Substring {
        let utf8 = text.utf8
        guard let start = utf8.firstIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
        let end = utf8[start...].firstIndex(where: isSpace) ?? utf8.endIndex
        return text[start..<end]
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
