import CLua
import Foundation

// Functions Lua calls that are written in Swift. They never raise: on error they push a message
// and return -1, and the C trampoline (`clua_host_trampoline`) raises it outside Swift.

/// tern.log(level, ...)
let hostLog: clua_host_function = { state in
    guard let vm = LuaVM.from(state) else { return 0 }
    let count = vm.top
    let level = vm.string(at: 1) ?? "info"
    var parts: [String] = []
    if count >= 2 {
        for index in 2...count {
            switch lua_type(state, index) {
            case LUA_TSTRING, LUA_TNUMBER: parts.append(vm.string(at: index) ?? "")
            case LUA_TBOOLEAN: parts.append(lua_toboolean(state, index) != 0 ? "true" : "false")
            case LUA_TNIL: parts.append("nil")
            default: parts.append("<\(String(cString: lua_typename(state, lua_type(state, index))))>")
            }
        }
    }
    let text = String(parts.joined(separator: " ").prefix(2_000))
    vm.host.log(ScriptLogLine(plugin: vm.host.plugin, level: level, text: text))
    return 0
}

/// tern.connectors(): `{ name = { up =, queued =, in_flight = } }`.
let hostConnectors: clua_host_function = { state in
    guard let vm = LuaVM.from(state) else { return 0 }
    let connectors = vm.host.connectors()
    vm.withoutMemoryCap {
        lua_createtable(state, 0, Int32(clamping: connectors.count))
        for (name, status) in connectors {
            lua_createtable(state, 0, 3)
            vm.setField("up", boolean: status.up)
            vm.setField("queued", integer: status.queued)
            vm.setField("in_flight", integer: status.inFlight)
            lua_setfield(state, -2, name)
        }
    }
    return 1
}

/// The raw half of tern.lookup(path): reads a CSV file into a plain table (the prelude makes it
/// read-only). Only while a plugin's `init` runs: lookups are loaded once, not per message.
let hostReadCSV: clua_host_function = { state in
    guard let vm = LuaVM.from(state) else { return 0 }
    guard let directory = vm.host.lookupDirectory else {
        vm.pushString("tern.lookup is only available in init(config)")
        return -1
    }
    guard lua_type(state, 1) == LUA_TSTRING, let path = vm.string(at: 1) else {
        vm.pushString("tern.lookup expects a file path")
        return -1
    }
    // A lookup reads data kept with the plugin, nothing else on the machine: no absolute paths,
    // no way up.
    guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
        vm.pushString("tern.lookup reads files in the plugin's own directory or below it (got \"\(path)\")")
        return -1
    }
    let resolved = directory + "/" + path
    let rows: [[String]]
    switch CSVLookup.read(resolved) {
    case .success(let parsed): rows = parsed
    case .failure(let error):
        vm.pushString("tern.lookup: \(error)")
        return -1
    }
    vm.withoutMemoryCap {
        lua_createtable(state, 0, Int32(clamping: rows.count))
        for row in rows {
            if row.count == 2 {
                vm.pushString(row[1])
            } else {
                vm.push(.list(row.dropFirst().map { .string($0) }))
            }
            lua_setfield(state, -2, row[0])
        }
    }
    return 1
}

/// `key,value[,value…]` per line; blank lines and `#` comments skipped; cells trimmed.
enum CSVLookup {
    static func read(_ path: String) -> Result<[[String]], ScriptError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(.unreadable(file: path, reason: "cannot be read (missing, or no permission)"))
        }
        var rows: [[String]] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let cells = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, !cells[0].isEmpty else {
                return .failure(.unreadable(file: "\(path):\(number + 1)", reason: "expected key,value"))
            }
            rows.append(cells)
        }
        return .success(rows)
    }
}
