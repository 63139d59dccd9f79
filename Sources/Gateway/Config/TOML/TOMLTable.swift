/// A TOML table: keys in the order they were written, each with its own line.
public struct TOMLTable: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var key: String
        /// Where the key was written; for a table made by a header, the header's line.
        public var line: Int
        public var column: Int
        public var value: TOMLValue
    }

    public private(set) var entries: [Entry]
    private var index: [String: Int]
    /// The line of the header (`[a]`, `[[a]]`), inline table or dotted key that made the table.
    public var line: Int

    public init(line: Int = 0) {
        self.entries = []
        self.index = [:]
        self.line = line
    }

    public subscript(key: String) -> TOMLValue? {
        guard let position = index[key] else { return nil }
        return entries[position].value
    }

    public func entry(_ key: String) -> Entry? {
        guard let position = index[key] else { return nil }
        return entries[position]
    }

    public var keys: [String] { entries.map(\.key) }
    public var isEmpty: Bool { entries.isEmpty }

    /// Adds or replaces a key; replacing keeps the original position.
    public mutating func set(_ key: String, _ value: TOMLValue, line: Int, column: Int) {
        let entry = Entry(key: key, line: line, column: column, value: value)
        if let position = index[key] {
            entries[position] = entry
        } else {
            index[key] = entries.count
            entries.append(entry)
        }
    }
}
