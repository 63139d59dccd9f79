/// The mutable tree the parser fills in. Reference semantics let a header, a dotted key and an
/// `[[array]]` element all reach into the same nested table without copying paths around; the
/// result is turned into value types once the document is read.
final class TOMLTableBuilder {
    /// How a table came to exist decides what may later add to it (TOML 1.0 §Table): a header
    /// may define an implicit table once; dotted keys may only extend tables made by dotted keys.
    enum Origin {
        case implicit
        case header
        case dotted
        case arrayElement
    }

    enum Content {
        case value(TOMLValue)
        case table(TOMLTableBuilder)
        /// Made by `[[key]]`; static arrays (`key = [...]`) are `.value`.
        case tableArray([TOMLTableBuilder])
    }

    struct Item {
        var line: Int
        var column: Int
        var content: Content
    }

    var origin: Origin
    var line: Int
    var column: Int
    private(set) var order: [String] = []
    private(set) var items: [String: Item] = [:]

    init(origin: Origin, line: Int, column: Int) {
        self.origin = origin
        self.line = line
        self.column = column
    }

    subscript(key: String) -> Item? {
        get { items[key] }
        set {
            if items[key] == nil { order.append(key) }
            items[key] = newValue
        }
    }

    func build() -> TOMLTable {
        var table = TOMLTable(line: line)
        for key in order {
            guard let item = items[key] else { continue }
            table.set(key, item.value(), line: item.line, column: item.column)
        }
        return table
    }
}

extension TOMLTableBuilder.Item {
    func value() -> TOMLValue {
        switch content {
        case .value(let value):
            return value
        case .table(let table):
            return TOMLValue(.table(table.build()), line: table.line, column: table.column)
        case .tableArray(let tables):
            let elements = tables.map { TOMLValue(.table($0.build()), line: $0.line, column: $0.column) }
            return TOMLValue(.array(elements), line: line, column: column)
        }
    }
}
