/// Reads typed values out of one TOML table and reports, in words a person can act on, every
/// value of the wrong type or out of range. Each reader returns nil after reporting, so callers
/// keep the model's default and carry on looking for more problems.
struct ConfigSectionReader {
    let table: TOMLTable
    /// How messages name the table: `[server]`, `[[connector]] "upstream"`.
    let context: String
    let problems: ConfigProblems

    var line: Int { table.line }

    func has(_ key: String) -> Bool { table[key] != nil }

    func line(of key: String) -> Int { table.entry(key)?.line ?? table.line }

    func report(_ key: String, _ reason: String) {
        problems.add(line: line(of: key), "\(context) \(key) \(reason)")
    }

    func report(at line: Int, _ reason: String) {
        problems.add(line: line, "\(context) \(reason)")
    }

    func missing(_ key: String, example: String) {
        problems.add(line: table.line, "\(context) is missing \(key) (e.g. \(key) = \(example))")
    }

    private func wrongType(_ key: String, _ value: TOMLValue, expected: String) {
        var hint = ""
        if let text = value.string {
            hint = " (\"\(text)\")"
            if Int(text) != nil, expected.contains("integer") || expected.contains("number") { hint += "; remove the quotes" }
            if text == "true" || text == "false", expected.contains("boolean") { hint += "; remove the quotes" }
        } else if expected.contains("string"), value.integer != nil || value.float != nil || value.boolean != nil {
            hint = "; put the value in quotes"
        }
        problems.add(line: value.line, "\(context) \(key): expected \(expected), found \(value.typeName)\(hint)")
    }

    func string(_ key: String) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else {
            wrongType(key, value, expected: "a string")
            return nil
        }
        return text
    }

    /// A string that must have some content.
    func nonEmptyString(_ key: String) -> String? {
        guard let text = string(key) else { return nil }
        if text.isEmpty {
            report(key, "must not be empty")
            return nil
        }
        return text
    }

    func integer(_ key: String, atLeast minimum: Int, atMost maximum: Int = .max, unit: String = "") -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.integer else {
            wrongType(key, value, expected: "an integer\(unit.isEmpty ? "" : " (\(unit))")")
            return nil
        }
        guard number >= Int64(minimum), number <= Int64(maximum) else {
            if maximum == .max {
                report(key, "must be at least \(minimum) (found \(number))")
            } else {
                report(key, "must be between \(minimum) and \(maximum) (found \(number))")
            }
            return nil
        }
        return Int(number)
    }

    /// An integer or a float (weights, rates).
    func number(_ key: String, atLeast minimum: Double, exclusive: Bool = false) -> Double? {
        guard let value = table[key] else { return nil }
        let number: Double
        if let integer = value.integer {
            number = Double(integer)
        } else if let float = value.float {
            number = float
        } else {
            wrongType(key, value, expected: "a number")
            return nil
        }
        guard number.isFinite else {
            report(key, "must be a finite number (found \(number))")
            return nil
        }
        if exclusive ? number <= minimum : number < minimum {
            report(key, "must be \(exclusive ? "greater than" : "at least") \(Self.format(minimum)) (found \(Self.format(number)))")
            return nil
        }
        return number
    }

    func bool(_ key: String) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.boolean else {
            wrongType(key, value, expected: "a boolean (true or false)")
            return nil
        }
        return flag
    }

    /// One of a fixed set of words.
    func choice(_ key: String, _ options: [String]) -> String? {
        guard let text = string(key) else { return nil }
        guard options.contains(text) else {
            let list = options.map { "\"\($0)\"" }.joined(separator: ", ")
            report(key, "must be one of \(list) (found \"\(text)\")\(Suggestion.hint(for: text, among: options))")
            return nil
        }
        return text
    }

    /// A string or an array of strings; each element comes with its own line.
    func strings(_ key: String) -> [(text: String, line: Int)]? {
        guard let value = table[key] else { return nil }
        if let text = value.string { return [(text, value.line)] }
        guard let elements = value.array else {
            wrongType(key, value, expected: "a string or an array of strings")
            return nil
        }
        var out: [(String, Int)] = []
        var ok = true
        for element in elements {
            if let text = element.string {
                out.append((text, element.line))
            } else {
                wrongType(key, element, expected: "a string in the array")
                ok = false
            }
        }
        return ok ? out : nil
    }

    /// An integer or an array of integers, each within the range.
    func integers(_ key: String, in range: ClosedRange<Int>) -> [Int]? {
        guard let value = table[key] else { return nil }
        let elements = value.array ?? [value]
        var out: [Int] = []
        var ok = true
        for element in elements {
            guard let number = element.integer else {
                wrongType(key, element, expected: "an integer or an array of integers")
                ok = false
                continue
            }
            guard number >= Int64(range.lowerBound), number <= Int64(range.upperBound) else {
                problems.add(line: element.line, "\(context) \(key) must be between \(range.lowerBound) and \(range.upperBound) (found \(number))")
                ok = false
                continue
            }
            out.append(Int(number))
        }
        return ok ? out : nil
    }

    /// Reports keys the section does not know, suggesting the nearest known one; `elsewhere`
    /// names keys that are right in another kind of block ("url" in an smpp connector).
    func rejectUnknownKeys(known: [String], elsewhere: [String: String] = [:]) {
        for entry in table.entries where !known.contains(entry.key) {
            if let owner = elsewhere[entry.key] {
                problems.add(line: entry.line, "\(context): \(entry.key) does not apply here; it belongs to \(owner)")
            } else {
                let what = entry.value.table != nil ? "table" : "key"
                problems.add(line: entry.line, "\(context): unknown \(what) \(entry.key)\(Suggestion.hint(for: entry.key, among: known))")
            }
        }
    }

    static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
