import Scripting
import SMPP

extension ConfigKeys {
    static let scripting = ["instruction_budget", "memory_limit_mb", "error_status", "authenticate"]
}

extension TernConfigReader {
    func readScripting(_ reader: ConfigSectionReader) -> ScriptingSettings {
        reader.rejectUnknownKeys(known: ConfigKeys.scripting)
        var settings = ScriptingSettings()
        if let budget = reader.integer("instruction_budget", atLeast: 1_000, atMost: 1_000_000_000, unit: "Lua instructions per hook call") {
            settings.limits.instructions = budget
        }
        if let megabytes = reader.integer("memory_limit_mb", atLeast: 1, atMost: 4_096, unit: "MiB per Lua VM") {
            settings.limits.memoryBytes = megabytes << 20
        }
        if let name = reader.string("error_status") {
            if let status = CommandStatus(name: name) {
                settings.errorStatus = status
            } else {
                reader.report("error_status", "\"\(name)\" is not an SMPP status name (e.g. \"ESME_RSYSERR\", \"ESME_RSUBMITFAIL\")")
            }
        }
        if let mode = reader.choice("authenticate", ["after", "instead"]).flatMap(ScriptingSettings.Authentication.init(rawValue:)) {
            settings.authentication = mode
        }
        return settings
    }

    func readPlugins(_ blocks: [TOMLValue]) -> [PluginSettings] {
        var plugins: [PluginSettings] = []
        var seen: [String: Int] = [:]
        for block in blocks {
            guard let table = block.table else { continue }
            let name = table["name"]?.string
            let reader = ConfigSectionReader(table: table, context: "[[plugin]]\(name.map { " \"\($0)\"" } ?? "")", problems: problems)
            guard let file = reader.nonEmptyString("file") else {
                if !reader.has("file") { reader.missing("file", example: "\"plugins/content_filter.lua\"") }
                continue
            }
            guard file.hasSuffix(".lua") else {
                reader.report("file", "must name a Lua file ending in .lua (found \"\(file)\")")
                continue
            }
            let pluginName = reader.nonEmptyString("name") ?? Self.stem(of: file)
            if let first = seen[pluginName] {
                reader.report(at: block.line, "plugin name \"\(pluginName)\" is already used on line \(first); give one of them another name")
                continue
            }
            seen[pluginName] = block.line
            var settings: [String: ScriptValue] = [:]
            for entry in table.entries where entry.key != "file" && entry.key != "name" {
                settings[entry.key] = Self.scriptValue(entry.value)
            }
            plugins.append(PluginSettings(name: pluginName, file: file, settings: settings, line: block.line))
        }
        return plugins
    }

    static func stem(of file: String) -> String {
        let last = file.split(separator: "/").last.map(String.init) ?? file
        return last.hasSuffix(".lua") ? String(last.dropLast(4)) : last
    }

    /// TOML as Lua sees it: arrays become lists, tables become tables.
    static func scriptValue(_ value: TOMLValue) -> ScriptValue {
        switch value.kind {
        case .string(let text): return .string(text)
        case .integer(let number): return .integer(number)
        case .float(let number): return .number(number)
        case .boolean(let flag): return .boolean(flag)
        case .array(let elements): return .list(elements.map(scriptValue))
        case .table(let table):
            var fields: [String: ScriptValue] = [:]
            for entry in table.entries { fields[entry.key] = scriptValue(entry.value) }
            return .table(fields)
        }
    }
}
