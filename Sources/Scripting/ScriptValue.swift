/// A value that crosses between Swift and Lua: plugin settings from `tern.toml`, TLVs, hook
/// answers, messages given to `tern script test`.
public enum ScriptValue: Sendable, Hashable {
    case null
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case list([ScriptValue])
    case table([String: ScriptValue])

    public var string: String? { if case .string(let value) = self { return value } else { return nil } }
    public var integer: Int64? { if case .integer(let value) = self { return value } else { return nil } }
    public var list: [ScriptValue]? { if case .list(let value) = self { return value } else { return nil } }
    public var table: [String: ScriptValue]? { if case .table(let value) = self { return value } else { return nil } }
}

extension ScriptValue: CustomStringConvertible {
    /// Lua-like notation, for `tern script test`, `tern route explain` and logs.
    public var description: String {
        switch self {
        case .null: return "nil"
        case .boolean(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        case .list(let values): return "{" + values.map(\.description).joined(separator: ", ") + "}"
        case .table(let fields):
            return "{" + fields.keys.sorted().map { "\($0) = \(fields[$0]?.description ?? "nil")" }.joined(separator: ", ") + "}"
        }
    }
}
