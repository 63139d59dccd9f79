/// A value read from a TOML document, with the place it was written so that later checks
/// (done far from the parser) can still point a person at the right line.
public struct TOMLValue: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        case array([TOMLValue])
        case table(TOMLTable)
    }

    public var kind: Kind
    /// 1-based line where the value starts; for a `[[table]]` element, the line of its header.
    public var line: Int
    /// 1-based column, in characters.
    public var column: Int

    public init(_ kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// "a string", "an integer", …: for messages such as "expected an integer, found a string".
    public var typeName: String {
        switch kind {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a float"
        case .boolean: return "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        }
    }

    public var string: String? { if case .string(let value) = kind { return value } else { return nil } }
    public var integer: Int64? { if case .integer(let value) = kind { return value } else { return nil } }
    public var float: Double? { if case .float(let value) = kind { return value } else { return nil } }
    public var boolean: Bool? { if case .boolean(let value) = kind { return value } else { return nil } }
    public var array: [TOMLValue]? { if case .array(let value) = kind { return value } else { return nil } }
    public var table: TOMLTable? { if case .table(let value) = kind { return value } else { return nil } }
}
