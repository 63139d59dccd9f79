/// The `[[route]]` rules compiled for the submit path: the first rule, in file order, whose
/// every condition holds picks the connectors.
///
/// Layout is for speed: the conditions live in flat arrays of plain values shared by all rules
/// (no per-rule arrays or strings to retain while scanning), account and source names become
/// small integers with one hash lookup per call, and destination prefixes are tries.
public struct RouteTable: Sendable {
    private struct Conditions: Sendable {
        var anyAccount = true
        /// Root in `prefixes`; -1 takes any destination.
        var destinationRoot: Int32 = -1
        var anySource = true
        /// Indices into `sourcePrefixRanges`.
        var sourcePrefixes: Range<Int> = 0..<0
        var dataCodings: DataCodingSet?
    }

    private struct DataCodingSet: Sendable {
        private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        init(_ codings: [UInt8]) {
            for coding in codings {
                let bit = UInt64(1) << UInt64(coding & 63)
                switch coding >> 6 {
                case 0: words.0 |= bit
                case 1: words.1 |= bit
                case 2: words.2 |= bit
                default: words.3 |= bit
                }
            }
        }

        func contains(_ coding: UInt8) -> Bool {
            let bit = UInt64(1) << UInt64(coding & 63)
            switch coding >> 6 {
            case 0: return words.0 & bit != 0
            case 1: return words.1 & bit != 0
            case 2: return words.2 & bit != 0
            default: return words.3 & bit != 0
            }
        }
    }

    private let names: [String]
    private let connectorLists: [[String]]
    private let conditions: [Conditions]
    private let accountNumbers: [String: Int]
    /// Rule-major: `accountAllowed[rule * accountNumbers.count + account]`.
    private let accountAllowed: [Bool]
    private let sourceNumbers: [String: Int]
    private let sourceAllowed: [Bool]
    /// "INFO*" sources, without the '*', as ranges of `sourcePrefixBytes`.
    private let sourcePrefixRanges: [Range<Int>]
    private let sourcePrefixBytes: [UInt8]
    private let prefixes: DigitPrefixForest

    public init(_ routes: [RouteRule]) {
        var accountNumbers: [String: Int] = [:]
        var sourceNumbers: [String: Int] = [:]
        for route in routes {
            for account in route.accounts where accountNumbers[account] == nil {
                accountNumbers[account] = accountNumbers.count
            }
            for source in route.sources where !source.hasSuffix("*") && sourceNumbers[source] == nil {
                sourceNumbers[source] = sourceNumbers.count
            }
        }
        var accountAllowed = [Bool](repeating: false, count: routes.count * accountNumbers.count)
        var sourceAllowed = [Bool](repeating: false, count: routes.count * sourceNumbers.count)
        var sourcePrefixRanges: [Range<Int>] = []
        var sourcePrefixBytes: [UInt8] = []
        var prefixes = DigitPrefixForest()
        var conditions: [Conditions] = []
        for (index, route) in routes.enumerated() {
            var rule = Conditions()
            if !route.accounts.isEmpty {
                rule.anyAccount = false
                for account in route.accounts {
                    if let number = accountNumbers[account] { accountAllowed[index * accountNumbers.count + number] = true }
                }
            }
            if !route.destinationPrefixes.isEmpty {
                rule.destinationRoot = prefixes.addSet(route.destinationPrefixes)
            }
            // A bare "*" takes every sender, so such a rule has no source condition at all.
            if !route.sources.isEmpty, !route.sources.contains("*") {
                rule.anySource = false
                let first = sourcePrefixRanges.count
                for source in route.sources {
                    if source.hasSuffix("*") {
                        let start = sourcePrefixBytes.count
                        sourcePrefixBytes.append(contentsOf: source.utf8.dropLast())
                        sourcePrefixRanges.append(start..<sourcePrefixBytes.count)
                    } else if let number = sourceNumbers[source] {
                        sourceAllowed[index * sourceNumbers.count + number] = true
                    }
                }
                rule.sourcePrefixes = first..<sourcePrefixRanges.count
            }
            if !route.dataCodings.isEmpty {
                rule.dataCodings = DataCodingSet(route.dataCodings)
            }
            conditions.append(rule)
        }
        self.names = routes.map(\.name)
        self.connectorLists = routes.map(\.connectors)
        self.conditions = conditions
        self.accountNumbers = accountNumbers
        self.accountAllowed = accountAllowed
        self.sourceNumbers = sourceNumbers
        self.sourceAllowed = sourceAllowed
        self.sourcePrefixRanges = sourcePrefixRanges
        self.sourcePrefixBytes = sourcePrefixBytes
        self.prefixes = prefixes
    }

    /// The first matching route's name and its connectors in failover order, or nil when no
    /// route matches (impossible for a validated config, which has a default route).
    public func connectors(account: String, destination: String, source: String, dataCoding: UInt8) -> (route: String, connectors: [String])? {
        // Looked up once here rather than per rule; -1 satisfies no rule's condition.
        let accountNumber = accountNumbers.isEmpty ? -1 : accountNumbers[account] ?? -1
        let sourceNumber = sourceNumbers.isEmpty ? -1 : sourceNumbers[source] ?? -1
        let accountCount = accountNumbers.count
        let sourceCount = sourceNumbers.count
        for index in conditions.indices {
            let rule = conditions[index]
            if !rule.anyAccount, accountNumber < 0 || !accountAllowed[index * accountCount + accountNumber] { continue }
            if let codings = rule.dataCodings, !codings.contains(dataCoding) { continue }
            if !rule.anySource {
                let exact = sourceNumber >= 0 && sourceAllowed[index * sourceCount + sourceNumber]
                if !exact, !sourceHasPrefix(source, rule.sourcePrefixes) { continue }
            }
            if rule.destinationRoot >= 0, !prefixes.matches(destination, root: rule.destinationRoot) { continue }
            return (names[index], connectorLists[index])
        }
        return nil
    }

    private func sourceHasPrefix(_ source: String, _ ranges: Range<Int>) -> Bool {
        for rangeIndex in ranges {
            let range = sourcePrefixRanges[rangeIndex]
            var position = range.lowerBound
            for byte in source.utf8 {
                if position == range.upperBound { break }
                if byte != sourcePrefixBytes[position] { break }
                position += 1
            }
            if position == range.upperBound { return true }
        }
        return false
    }
}
