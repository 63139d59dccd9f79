/// A recursive-descent TOML reader over the document's UTF-8 bytes. It stops at the first
/// syntax error: after one, the structure of the rest is a guess, and guessed errors only
/// bury the real one.
struct TOMLParser {
    private struct Mark {
        var line: Int
        var column: Int
    }

    private struct KeyPart {
        var name: String
        var mark: Mark
    }

    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var lineStart = 0
    private let root = TOMLTableBuilder(origin: .header, line: 1, column: 1)
    private var current: TOMLTableBuilder

    init(_ text: String) {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
        self.current = root
    }

    mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        while true {
            skipSpaces()
            guard let byte = peek() else { break }
            switch byte {
            case UInt8(ascii: "#"):
                try skipComment()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try consumeNewline()
            case UInt8(ascii: "["):
                try parseHeader()
                try expectEndOfLine(after: "the table header")
            default:
                try parseKeyValue(into: current)
                try expectEndOfLine(after: "the value")
            }
        }
        return root.build()
    }

    // MARK: - Lines, spaces, comments

    private func peek(_ offset: Int = 0) -> UInt8? {
        let index = position + offset
        return index < bytes.count ? bytes[index] : nil
    }

    private var mark: Mark {
        Mark(line: line, column: column(at: position))
    }

    private func column(at index: Int) -> Int {
        let end = min(index, bytes.count)
        guard end > lineStart else { return 1 }
        return String(decoding: bytes[lineStart..<end], as: UTF8.self).count + 1
    }

    private func error(_ reason: String, at mark: Mark? = nil) -> TOMLError {
        let where_ = mark ?? self.mark
        return TOMLError(line: where_.line, column: where_.column, reason: reason)
    }

    private mutating func skipSpaces() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { position += 1 }
    }

    /// Consumes "\n" or "\r\n"; a lone carriage return is not a line break in TOML.
    private mutating func consumeNewline() throws(TOMLError) {
        if peek() == UInt8(ascii: "\r") {
            guard peek(1) == UInt8(ascii: "\n") else { throw error("carriage return not followed by a line feed") }
            position += 1
        }
        position += 1
        line += 1
        lineStart = position
    }

    private var atNewline: Bool {
        peek() == UInt8(ascii: "\n") || (peek() == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n"))
    }

    private mutating func skipComment() throws(TOMLError) {
        position += 1
        while let byte = peek(), !atNewline {
            if isForbiddenControl(byte) {
                throw error("control character U+\(hex(byte)) in a comment")
            }
            position += 1
        }
    }

    /// Spaces, newlines and comments, as allowed inside arrays.
    private mutating func skipBlank() throws(TOMLError) {
        while true {
            skipSpaces()
            guard let byte = peek() else { return }
            if byte == UInt8(ascii: "#") {
                try skipComment()
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                try consumeNewline()
            } else {
                return
            }
        }
    }

    private mutating func expectEndOfLine(after what: String) throws(TOMLError) {
        skipSpaces()
        guard let byte = peek() else { return }
        if byte == UInt8(ascii: "#") {
            try skipComment()
        } else if !(byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")) {
            throw error("unexpected \(describe(byte)) after \(what); put each key on its own line (and start comments with #)")
        }
        if peek() != nil { try consumeNewline() }
    }

    private func isForbiddenControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F
    }

    // MARK: - Keys

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private mutating func parseKey() throws(TOMLError) -> [KeyPart] {
        var parts: [KeyPart] = []
        while true {
            skipSpaces()
            let start = mark
            let name: String
            switch peek() {
            case UInt8(ascii: "\"")?:
                if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                    throw error("a multi-line string cannot be a key")
                }
                name = try parseBasicString()
            case UInt8(ascii: "'")?:
                if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                    throw error("a multi-line string cannot be a key")
                }
                name = try parseLiteralString()
            case let byte? where Self.isBareKeyByte(byte):
                let begin = position
                while let byte = peek(), Self.isBareKeyByte(byte) { position += 1 }
                name = String(decoding: bytes[begin..<position], as: UTF8.self)
            case let byte?:
                if byte == UInt8(ascii: "=") { throw error("missing key before '='") }
                throw error("expected a key, found \(describe(byte)); keys are letters, digits, _ and -, or quoted")
            case nil:
                throw error("expected a key, found the end of the file")
            }
            parts.append(KeyPart(name: name, mark: start))
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else { return parts }
            position += 1
        }
    }

    private static func display(_ parts: some Sequence<String>) -> String {
        parts.map { part in
            !part.isEmpty && part.utf8.allSatisfy(isBareKeyByte) ? part : "\"\(part)\""
        }.joined(separator: ".")
    }

    // MARK: - Tables

    private mutating func parseHeader() throws(TOMLError) {
        let start = mark
        position += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { position += 1 }
        let key = try parseKey()
        skipSpaces()
        guard peek() == UInt8(ascii: "]") else {
            throw error("expected ']' to close the table header [\(Self.display(key.map(\.name)))")
        }
        position += 1
        if isArray {
            guard peek() == UInt8(ascii: "]") else {
                throw error("expected ']]' to close the array-of-tables header [[\(Self.display(key.map(\.name)))")
            }
            position += 1
        }
        let parent = try walkHeader(key.dropLast(), from: root)
        guard let last = key.last else { throw error("empty table header", at: start) }
        let path = Self.display(key.map(\.name))
        if isArray {
            let element = TOMLTableBuilder(origin: .arrayElement, line: start.line, column: start.column)
            switch parent[last.name]?.content {
            case nil:
                parent[last.name] = .init(line: start.line, column: start.column, content: .tableArray([element]))
            case .tableArray(let tables)?:
                parent[last.name]?.content = .tableArray(tables + [element])
            case .value?:
                throw error("[[\(path)]] cannot add to \(path): it is already a value (line \(parent[last.name]?.line ?? 0))", at: start)
            case .table(let table)?:
                throw error("[[\(path)]] cannot add to \(path): it is already a table (line \(table.line)); use [\(path)] or rename one", at: start)
            }
            current = element
        } else {
            switch parent[last.name]?.content {
            case nil:
                let table = TOMLTableBuilder(origin: .header, line: start.line, column: start.column)
                parent[last.name] = .init(line: start.line, column: start.column, content: .table(table))
                current = table
            case .table(let table)? where table.origin == .implicit:
                table.origin = .header
                table.line = start.line
                table.column = start.column
                current = table
            case .table(let table)?:
                throw error("table [\(path)] is defined twice (first on line \(table.line))", at: start)
            case .tableArray(let tables)?:
                throw error("[\(path)] is already an array of tables ([[\(path)]] on line \(tables.first?.line ?? 0))", at: start)
            case .value?:
                throw error("[\(path)] cannot be a table: \(path) is already a value (line \(parent[last.name]?.line ?? 0))", at: start)
            }
        }
    }

    /// Follows the leading parts of a header, making implicit tables as needed; an array of
    /// tables leads into its last element.
    private func walkHeader(_ parts: ArraySlice<KeyPart>, from root: TOMLTableBuilder) throws(TOMLError) -> TOMLTableBuilder {
        var table = root
        var walked: [String] = []
        for part in parts {
            walked.append(part.name)
            switch table[part.name]?.content {
            case nil:
                let child = TOMLTableBuilder(origin: .implicit, line: part.mark.line, column: part.mark.column)
                table[part.name] = .init(line: part.mark.line, column: part.mark.column, content: .table(child))
                table = child
            case .table(let child)?:
                table = child
            case .tableArray(let tables)?:
                guard let last = tables.last else { return table }
                table = last
            case .value(let value)?:
                let what = value.table != nil ? "an inline table, which cannot be extended" : "already \(value.typeName)"
                throw error("\(Self.display(walked)) is \(what) (line \(value.line))", at: part.mark)
            }
        }
        return table
    }

    // MARK: - Key/value pairs

    private mutating func parseKeyValue(into table: TOMLTableBuilder) throws(TOMLError) {
        let key = try parseKey()
        skipSpaces()
        guard peek() == UInt8(ascii: "=") else {
            let found = peek().map(describe) ?? "the end of the file"
            throw error("expected '=' after the key \(Self.display(key.map(\.name))), found \(found)")
        }
        position += 1
        skipSpaces()
        let value = try parseValue()
        try insert(value, at: key, into: table)
    }

    private func insert(_ value: TOMLValue, at key: [KeyPart], into table: TOMLTableBuilder) throws(TOMLError) {
        var target = table
        var walked: [String] = []
        for part in key.dropLast() {
            walked.append(part.name)
            switch target[part.name]?.content {
            case nil:
                let child = TOMLTableBuilder(origin: .dotted, line: part.mark.line, column: part.mark.column)
                target[part.name] = .init(line: part.mark.line, column: part.mark.column, content: .table(child))
                target = child
            case .table(let child)? where child.origin == .dotted:
                target = child
            case .table(let child)?:
                throw error("cannot add to table \(Self.display(walked)) with a dotted key: it was made by a table header (line \(child.line)); write the key under that header", at: part.mark)
            case .tableArray?:
                throw error("cannot add to \(Self.display(walked)) with a dotted key: it is an array of tables", at: part.mark)
            case .value(let existing)?:
                throw error("\(Self.display(walked)) is already \(existing.typeName) (line \(existing.line)), so it cannot hold keys", at: part.mark)
            }
        }
        guard let last = key.last else { return }
        walked.append(last.name)
        if let existing = target[last.name] {
            throw error("duplicate key \(Self.display(walked)) (first on line \(existing.line))", at: last.mark)
        }
        target[last.name] = .init(line: last.mark.line, column: last.mark.column, content: .value(value))
    }

    // MARK: - Values

    private mutating func parseValue() throws(TOMLError) -> TOMLValue {
        let start = mark
        guard let byte = peek() else { throw error("missing value at the end of the file") }
        switch byte {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                return TOMLValue(.string(try parseMultilineString(quote: UInt8(ascii: "\""))), line: start.line, column: start.column)
            }
            return TOMLValue(.string(try parseBasicString()), line: start.line, column: start.column)
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                return TOMLValue(.string(try parseMultilineString(quote: UInt8(ascii: "'"))), line: start.line, column: start.column)
            }
            return TOMLValue(.string(try parseLiteralString()), line: start.line, column: start.column)
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "{"):
            return try parseInlineTable()
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "#"):
            throw error("missing value after '='")
        default:
            return try parseScalarToken()
        }
    }

    private mutating func parseArray() throws(TOMLError) -> TOMLValue {
        let start = mark
        position += 1
        var elements: [TOMLValue] = []
        while true {
            try skipBlank()
            guard let byte = peek() else {
                throw error("unterminated array: add ']' (the array starts on line \(start.line))", at: start)
            }
            if byte == UInt8(ascii: "]") {
                position += 1
                break
            }
            if byte == UInt8(ascii: ",") {
                throw error(elements.isEmpty ? "missing value before ',' in the array" : "two commas in a row in the array")
            }
            elements.append(try parseValue())
            try skipBlank()
            switch peek() {
            case UInt8(ascii: ",")?:
                position += 1
            case UInt8(ascii: "]")?:
                position += 1
                return TOMLValue(.array(elements), line: start.line, column: start.column)
            case let other?:
                throw error("expected ',' or ']' in the array, found \(describe(other))")
            case nil:
                throw error("unterminated array: add ']' (the array starts on line \(start.line))", at: start)
            }
        }
        return TOMLValue(.array(elements), line: start.line, column: start.column)
    }

    private mutating func parseInlineTable() throws(TOMLError) -> TOMLValue {
        let start = mark
        position += 1
        let table = TOMLTableBuilder(origin: .dotted, line: start.line, column: start.column)
        try skipBlank()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return TOMLValue(.table(table.build()), line: start.line, column: start.column)
        }
        while true {
            try skipBlank()
            guard peek() != nil else {
                throw error("unterminated inline table: add '}' (the table starts on line \(start.line))", at: start)
            }
            if peek() == UInt8(ascii: "}") {
                position += 1
                break
            }
            try parseKeyValue(into: table)
            try skipBlank()
            switch peek() {
            case UInt8(ascii: ",")?:
                position += 1
            case UInt8(ascii: "}")?:
                position += 1
                return TOMLValue(.table(table.build()), line: start.line, column: start.column)
            case let other?:
                throw error("expected ',' or '}' in the inline table, found \(describe(other))")
            case nil:
                throw error("unterminated inline table: add '}' (the table starts on line \(start.line))", at: start)
            }
        }
        return TOMLValue(.table(table.build()), line: start.line, column: start.column)
    }

    // MARK: - Strings

    private mutating func parseBasicString() throws(TOMLError) -> String {
        let start = mark
        position += 1
        var out: [UInt8] = []
        while true {
            guard let byte = peek(), !atNewline else {
                throw error("unterminated string: add the closing \"", at: start)
            }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &out)
            default:
                if isForbiddenControl(byte) { throw error("control character U+\(hex(byte)) in a string; write it as an escape such as \\u00\(hex(byte))") }
                out.append(byte)
                position += 1
            }
        }
    }

    /// `"""…"""` (basic: escapes and line-ending backslashes) or `'''…'''` (literal: as written).
    private mutating func parseMultilineString(quote: UInt8) throws(TOMLError) -> String {
        let start = mark
        let isBasic = quote == UInt8(ascii: "\"")
        position += 3
        if atNewline { try consumeNewline() }
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else {
                let closing = String(repeating: Character(Unicode.Scalar(quote)), count: 3)
                throw error("unterminated multi-line string: add the closing \(closing)", at: start)
            }
            if byte == quote {
                if let closed = try closeMultiline(quote: byte, into: &out) { return closed }
                continue
            }
            if atNewline {
                try consumeNewline()
                out.append(UInt8(ascii: "\n"))
            } else if isBasic, byte == UInt8(ascii: "\\") {
                // A backslash ending a line joins it to the next, dropping the whitespace between.
                var look = position + 1
                while look < bytes.count, bytes[look] == UInt8(ascii: " ") || bytes[look] == UInt8(ascii: "\t") { look += 1 }
                if look < bytes.count, bytes[look] == UInt8(ascii: "\n") || bytes[look] == UInt8(ascii: "\r") {
                    position = look
                    while true {
                        skipSpaces()
                        guard atNewline else { break }
                        try consumeNewline()
                    }
                } else {
                    try parseEscape(into: &out)
                }
            } else {
                if isForbiddenControl(byte) { throw error("control character U+\(hex(byte)) in a string") }
                out.append(byte)
                position += 1
            }
        }
    }

    private mutating func parseLiteralString() throws(TOMLError) -> String {
        let start = mark
        position += 1
        let begin = position
        while true {
            guard let byte = peek(), !atNewline else {
                throw error("unterminated string: add the closing '", at: start)
            }
            if byte == UInt8(ascii: "'") {
                let text = String(decoding: bytes[begin..<position], as: UTF8.self)
                position += 1
                return text
            }
            if isForbiddenControl(byte) { throw error("control character U+\(hex(byte)) in a string") }
            position += 1
        }
    }

    /// At a quote inside a multi-line string: three or more close it, and up to two quotes
    /// right before the closing three belong to the content (TOML allows `""""a""""`).
    private mutating func closeMultiline(quote: UInt8, into out: inout [UInt8]) throws(TOMLError) -> String? {
        var count = 0
        while peek(count) == quote { count += 1 }
        if count < 3 {
            out.append(contentsOf: repeatElement(quote, count: count))
            position += count
            return nil
        }
        if count > 5 { throw error("too many quotes in a row: at most two may come right before the closing three") }
        out.append(contentsOf: repeatElement(quote, count: count - 3))
        position += count
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws(TOMLError) {
        let start = mark
        position += 1
        guard let byte = peek() else { throw error("unterminated escape at the end of the file") }
        position += 1
        switch byte {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "e"): out.append(0x1B)
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = byte == UInt8(ascii: "u") ? 4 : 8
            var scalarValue: UInt32 = 0
            for _ in 0..<digits {
                guard let digit = peek(), let value = hexValue(digit) else {
                    throw error("\\\(Character(Unicode.Scalar(byte))) needs exactly \(digits) hex digits", at: start)
                }
                scalarValue = scalarValue << 4 | UInt32(value)
                position += 1
            }
            guard let scalar = Unicode.Scalar(scalarValue) else {
                throw error("\\u escape U+\(String(scalarValue, radix: 16, uppercase: true)) is not a Unicode scalar value", at: start)
            }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            position -= 1
            throw error("invalid escape \\\(describeBare(byte)) in a string; write \\\\ for a backslash, or use a 'literal string' (single quotes) where backslashes are kept as written", at: start)
        }
    }

    // MARK: - Numbers, booleans

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }

    private mutating func parseScalarToken() throws(TOMLError) -> TOMLValue {
        let start = mark
        let begin = position
        while let byte = peek(), Self.isTokenByte(byte) { position += 1 }
        guard position > begin else {
            throw error("expected a value, found \(peek().map(describe) ?? "the end of the file")")
        }
        let token = String(decoding: bytes[begin..<position], as: UTF8.self)
        func value(_ kind: TOMLValue.Kind) -> TOMLValue { TOMLValue(kind, line: start.line, column: start.column) }
        switch token {
        case "true": return value(.boolean(true))
        case "false": return value(.boolean(false))
        case "inf", "+inf": return value(.float(.infinity))
        case "-inf": return value(.float(-.infinity))
        case "nan", "+nan", "-nan": return value(.float(.nan))
        default: break
        }
        if token.contains(":") || Self.looksLikeDate(token) {
            throw error("dates and times are not supported in this file; write the value as a string", at: start)
        }
        if token.hasPrefix(".") {
            throw error("\(token) is not a valid number: write a digit before the point (0\(token))", at: start)
        }
        guard let first = token.utf8.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            if token == "True" || token == "False" || token == "TRUE" || token == "FALSE" {
                throw error("booleans are lowercase: write \(token.lowercased())", at: start)
            }
            throw error("expected a value, found the bare word \(token); strings need quotes: \"\(token)\"", at: start)
        }
        let number: TOMLValue.Kind?
        do {
            number = try Self.number(token)
        } catch {
            throw self.error(error.reason, at: start)
        }
        if let number { return value(number) }
        throw error("\(token) is not a valid number", at: start)
    }

    private static func looksLikeDate(_ token: String) -> Bool {
        let utf8 = Array(token.utf8)
        guard utf8.count >= 10 else { return false }
        return utf8[4] == UInt8(ascii: "-") && utf8[7] == UInt8(ascii: "-") && utf8[0..<4].allSatisfy(isDigit)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Checks that underscores only sit between two digits and strips them.
    private static func stripUnderscores(_ digits: Substring, isDigit: (UInt8) -> Bool) -> String? {
        let utf8 = Array(digits.utf8)
        guard let first = utf8.first, let last = utf8.last, isDigit(first), isDigit(last) else { return nil }
        var out: [UInt8] = []
        for (index, byte) in utf8.enumerated() {
            if byte == UInt8(ascii: "_") {
                guard isDigit(utf8[index - 1]), isDigit(utf8[index + 1]) else { return nil }
            } else if isDigit(byte) {
                out.append(byte)
            } else {
                return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// nil when the token is not a number at all; throws when it is one that does not fit.
    private static func number(_ token: String) throws(TOMLError) -> TOMLValue.Kind? {
        let lower = token.lowercased()
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
            let digitTest: (UInt8) -> Bool = { byte in
                guard let value = hexValueStatic(byte) else { return false }
                return Int(value) < radix
            }
            guard let digits = stripUnderscores(token.dropFirst(2), isDigit: digitTest) else { return nil }
            guard let value = Int64(digits, radix: radix) else {
                throw TOMLError(line: 0, column: 0, reason: "integer \(token) does not fit in 64 bits")
            }
            return .integer(value)
        }
        var body = Substring(token)
        var sign = ""
        if let first = body.first, first == "+" || first == "-" {
            sign = first == "-" ? "-" : ""
            body = body.dropFirst()
        }
        // Split into integer part, fraction and exponent, each checked on its own.
        var integerPart = body
        var fraction: Substring?
        var exponent: Substring?
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            integerPart = body[..<e]
            exponent = body[body.index(after: e)...]
        }
        if let dot = integerPart.firstIndex(of: ".") {
            fraction = integerPart[integerPart.index(after: dot)...]
            integerPart = integerPart[..<dot]
        }
        guard let integerDigits = stripUnderscores(integerPart, isDigit: isDigit) else { return nil }
        if integerDigits.count > 1, integerDigits.hasPrefix("0") {
            throw TOMLError(line: 0, column: 0, reason: "\(token): leading zeros are not allowed (write 0x… for hex, 0o… for octal)")
        }
        if fraction == nil, exponent == nil {
            guard let value = Int64(sign + integerDigits) else {
                throw TOMLError(line: 0, column: 0, reason: "integer \(token) does not fit in 64 bits")
            }
            return .integer(value)
        }
        var text = sign + integerDigits
        if let fraction {
            guard let digits = stripUnderscores(fraction, isDigit: isDigit) else { return nil }
            text += "." + digits
        }
        if var exponent {
            var exponentSign = ""
            if let first = exponent.first, first == "+" || first == "-" {
                exponentSign = String(first)
                exponent = exponent.dropFirst()
            }
            guard let digits = stripUnderscores(exponent, isDigit: isDigit) else { return nil }
            text += "e" + exponentSign + digits
        }
        guard let value = Double(text) else { return nil }
        return .float(value)
    }

    // MARK: - Helpers

    private func hexValue(_ byte: UInt8) -> UInt8? { hexValueStatic(byte) }

    private func hex(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16, uppercase: true)
        return text.count == 1 ? "000" + text : "00" + text
    }

    private func describe(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return "the end of the line"
        case 0x20...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
        default: return "byte 0x\(String(byte, radix: 16, uppercase: true))"
        }
    }

    private func describeBare(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(Character(Unicode.Scalar(byte))) : "(0x\(String(byte, radix: 16)))"
    }
}

private func hexValueStatic(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
}
