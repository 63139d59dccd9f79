/// JSON ⇄ `ScriptValue`, for `tern script test` settings and messages' TLVs. Booleans are tried
/// before numbers, so `true` never becomes 1.
extension ScriptValue: Codable {
    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var values: [ScriptValue] = []
            while !array.isAtEnd { values.append(try array.decode(ScriptValue.self)) }
            self = .list(values)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var fields: [String: ScriptValue] = [:]
            for key in object.allKeys { fields[key.stringValue] = try object.decode(ScriptValue.self, forKey: key) }
            self = .table(fields)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let flag = try? single.decode(Bool.self) { self = .boolean(flag) }
        else if let integer = try? single.decode(Int64.self) { self = .integer(integer) }
        else if let number = try? single.decode(Double.self) { self = .number(number) }
        else { self = .string(try single.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .boolean(let flag):
            var single = encoder.singleValueContainer()
            try single.encode(flag)
        case .integer(let number):
            var single = encoder.singleValueContainer()
            try single.encode(number)
        case .number(let number):
            var single = encoder.singleValueContainer()
            try single.encode(number)
        case .string(let text):
            var single = encoder.singleValueContainer()
            try single.encode(text)
        case .list(let values):
            var array = encoder.unkeyedContainer()
            for value in values { try array.encode(value) }
        case .table(let fields):
            var object = encoder.container(keyedBy: AnyKey.self)
            for (key, value) in fields { try object.encode(value, forKey: AnyKey(stringValue: key)) }
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }
}
