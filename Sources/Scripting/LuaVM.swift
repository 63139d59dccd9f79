import CLua
import CLuaWatchdog
import Foundation

/// One Lua state with Tern's sandbox: safe libraries only, a per-plugin environment, an
/// instruction budget and a memory cap for every call.
///
/// A `lua_State` must never be used by two threads, so `LuaVM` is not `Sendable`; each thread
/// gets its own (see `ScriptRuntime`). No Lua error may unwind through a Swift frame: the
/// functions Lua calls that can raise live in C (`shim.h`), and host functions written in Swift
/// return an error marker that a C trampoline raises.
final class LuaVM {
    let state: OpaquePointer
    let limits: ScriptLimits
    private let allocation: UnsafeMutablePointer<AllocationBudget>
    /// Gives a call that uses a whole tick of CPU its instruction budget.
    private let watch: OpaquePointer
    /// Registry reference of the prelude's `make_env` function.
    private var makeEnvironmentRef: Int32 = 0
    /// What the host functions (`tern.log`, `tern.connectors`, `tern.lookup`) act on.
    var host = HostContext()

    struct HostContext {
        /// Directory `tern.lookup` resolves relative paths from; nil outside `init`.
        var lookupDirectory: String?
        var connectors: @Sendable () -> [String: ConnectorStatus] = { [:] }
        var log: (ScriptLogLine) -> Void = { _ in }
        var plugin = ""
    }

    init(limits: ScriptLimits) throws(ScriptError) {
        self.limits = limits
        allocation = .allocate(capacity: 1)
        allocation.initialize(to: AllocationBudget(used: 0, limit: limits.memoryBytes, enforcing: false))
        guard let state = lua_newstate(cappedAllocator, allocation) else {
            allocation.deallocate()
            throw .noState
        }
        guard let watch = clua_watch_open(state, Int32(clamping: limits.instructions)) else {
            lua_close(state)
            allocation.deallocate()
            throw .noBudget(String(cString: strerror(errno)))
        }
        self.state = state
        self.watch = watch
        clua_extraspace(state).pointee = Unmanaged.passUnretained(self).toOpaque()
        // Each message leaves a table and a few strings that die at once; the incremental
        // collector would keep re-marking the plugins' long-lived tables to find them.
        _ = clua_gc_generational(state)
        try openSandbox()
    }

    deinit {
        clua_watch_close(watch)
        lua_close(state)
        allocation.deinitialize(count: 1)
        allocation.deallocate()
    }

    var memoryInUse: Int { allocation.pointee.used }

    // MARK: Sandbox

    private func openSandbox() throws(ScriptError) {
        let libraries: [(String, lua_CFunction)] = [
            ("_G", luaopen_base), (LUA_STRLIBNAME, luaopen_string), (LUA_TABLIBNAME, luaopen_table),
            (LUA_MATHLIBNAME, luaopen_math), (LUA_UTF8LIBNAME, luaopen_utf8),
        ]
        for (name, open) in libraries {
            luaL_requiref(state, name, open, 1)
            clua_pop(state, 1)
        }
        clua_new_rejection_metatable(state)
        // The string metatable is shared by all code in the state: lock it.
        pushString("")
        if lua_getmetatable(state, -1) != 0 {
            lua_pushboolean(state, 0)
            lua_setfield(state, -2, "__metatable")
            clua_pop(state, 1)
        }
        clua_pop(state, 1)

        // The prelude is trusted code with the real globals; it returns `make_env`, which builds
        // each plugin's own environment out of copies. Plugins never see the real globals.
        try loadChunk(Prelude.source, name: "=tern.prelude")
        pushHostAPI()
        guard runUnbudgeted(arguments: 1, results: 1) == LUA_OK else {
            throw .runtime("prelude: \(popErrorText())")
        }
        makeEnvironmentRef = luaL_ref(state, CLUA_REGISTRYINDEX)
        // What the prelude needed from the real globals is captured; nothing else may use them.
        for name in ["dofile", "loadfile", "load", "require", "collectgarbage", "print"] {
            lua_pushnil(state)
            lua_setglobal(state, name)
        }
    }

    /// The functions the prelude wraps into each plugin's `tern` table.
    private func pushHostAPI() {
        lua_createtable(state, 0, 6)
        lua_pushcclosure(state, clua_tern_reject, 0); lua_setfield(state, -2, "reject")
        lua_pushcclosure(state, clua_tern_now, 0); lua_setfield(state, -2, "now")
        lua_pushcclosure(state, clua_tern_hash, 0); lua_setfield(state, -2, "hash")
        lua_pushcclosure(state, clua_read_only, 0); lua_setfield(state, -2, "read_only")
        lua_pushcclosure(state, clua_tern_longest_prefix, 0); lua_setfield(state, -2, "longest_prefix")
        clua_push_host_function(state, hostLog); lua_setfield(state, -2, "log")
        clua_push_host_function(state, hostConnectors); lua_setfield(state, -2, "connectors")
        clua_push_host_function(state, hostReadCSV); lua_setfield(state, -2, "read_csv")
    }

    /// Pushes a fresh plugin environment.
    func pushNewEnvironment() throws(ScriptError) {
        lua_rawgeti(state, CLUA_REGISTRYINDEX, lua_Integer(makeEnvironmentRef))
        guard runUnbudgeted(arguments: 0, results: 1) == LUA_OK else {
            throw .runtime("environment: \(popErrorText())")
        }
    }

    // MARK: Loading and calling

    /// Compiles text (never a binary chunk) and leaves the function on the stack.
    func loadChunk(_ source: String, name: String) throws(ScriptError) {
        var source = source
        let status = source.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { clua_load_text(state, $0.baseAddress, $0.count, name) }
        }
        guard status == LUA_OK else {
            throw .syntax(popErrorText())
        }
    }

    /// Runs trusted set-up code (the prelude, environment creation) without limits.
    private func runUnbudgeted(arguments: Int32, results: Int32) -> Int32 {
        clua_pcall(state, arguments, results, 0)
    }

    /// What a failed `call` left on the stack, classified; pops it.
    func popFailure(status: Int32) -> CallFailure {
        defer { clua_pop(state, 1) }
        if status == LUA_ERRMEM {
            collectGarbage()
            return .error(.memoryExceeded)
        }
        if clua_is_rejection(state, -1) != 0 {
            lua_getfield(state, -1, "status")
            let status = string(at: -1) ?? ""
            clua_pop(state, 1)
            lua_getfield(state, -1, "reason")
            let reason = string(at: -1) ?? ""
            clua_pop(state, 1)
            return .rejected(status: status, reason: reason)
        }
        guard lua_type(state, -1) == LUA_TSTRING, let text = string(at: -1) else {
            let type = String(cString: lua_typename(state, lua_type(state, -1)))
            return .error(.runtime("the script raised an error that is not a string (a \(type) value)"))
        }
        if text.hasSuffix(CLUA_BUDGET_EXCEEDED) {
            return .error(.budgetExceeded("\(text) (\(limits.instructions) instructions, counted once the call had used a tick of CPU time: "
                                          + "\(ScriptLimits.shortestTickMilliseconds) ms, or the kernel's scheduler tick when longer)"))
        }
        if text.contains("not enough memory") {
            collectGarbage()
            return .error(.memoryExceeded)
        }
        return .error(.runtime(text))
    }

    enum CallFailure {
        case rejected(status: String, reason: String)
        case error(ScriptError)
    }

    /// Calls with limits and classifies the outcome in one step.
    func protectedCall(arguments: Int32, results: Int32) -> CallFailure? {
        clua_watch_enter(watch)
        allocation.pointee.enforcing = true
        let status = clua_pcall(state, arguments, results, 0)
        allocation.pointee.enforcing = false
        clua_watch_leave(watch)
        return status == LUA_OK ? nil : popFailure(status: status)
    }

    func collectGarbage() {
        _ = clua_gc_collect(state)
    }

    private func popErrorText() -> String {
        let text = string(at: -1) ?? "error object is not a string"
        clua_pop(state, 1)
        return text
    }

    // MARK: Values

    func pushString(_ text: String) {
        var text = text
        _ = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { lua_pushlstring(state, $0.baseAddress, $0.count) }
        }
    }

    func setField(_ name: String, string value: String?) {
        guard let value else { return }
        pushString(value)
        lua_setfield(state, -2, name)
    }

    func setField(_ name: String, integer value: Int) {
        lua_pushinteger(state, lua_Integer(value))
        lua_setfield(state, -2, name)
    }

    func setField(_ name: String, boolean value: Bool) {
        lua_pushboolean(state, value ? 1 : 0)
        lua_setfield(state, -2, name)
    }

    func push(_ value: ScriptValue) {
        switch value {
        case .null: lua_pushnil(state)
        case .boolean(let flag): lua_pushboolean(state, flag ? 1 : 0)
        case .integer(let number): lua_pushinteger(state, lua_Integer(number))
        case .number(let number): lua_pushnumber(state, number)
        case .string(let text): pushString(text)
        case .list(let values):
            lua_createtable(state, Int32(clamping: values.count), 0)
            for (index, element) in values.enumerated() {
                push(element)
                lua_rawseti(state, -2, lua_Integer(index + 1))
            }
        case .table(let fields):
            lua_createtable(state, 0, Int32(clamping: fields.count))
            for (key, element) in fields {
                push(element)
                lua_setfield(state, -2, key)
            }
        }
    }

    /// A string or number at `index` as text, without converting the stack slot.
    func string(at index: Int32) -> String? {
        switch lua_type(state, index) {
        case LUA_TSTRING:
            var length = 0
            guard let pointer = lua_tolstring(state, index, &length) else { return nil }
            return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }
        case LUA_TNUMBER:
            return clua_isinteger(state, index) != 0 ? String(lua_tointegerx(state, index, nil)) : String(lua_tonumberx(state, index, nil))
        default:
            return nil
        }
    }

    /// The value at `index` as a `ScriptValue`; tables become lists when their keys are 1…n.
    /// Depth and size are bounded so a hostile answer cannot make the host loop forever.
    func value(at index: Int32, depth: Int = 0) -> ScriptValue {
        let index = lua_absindex(state, index)
        switch lua_type(state, index) {
        case LUA_TNIL, LUA_TNONE: return .null
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(state, index) != 0)
        case LUA_TNUMBER:
            if clua_isinteger(state, index) != 0 { return .integer(Int64(lua_tointegerx(state, index, nil))) }
            return .number(lua_tonumberx(state, index, nil))
        case LUA_TSTRING: return .string(string(at: index) ?? "")
        case LUA_TTABLE:
            guard depth < 8 else { return .string("<table nested too deep>") }
            let length = Int(lua_rawlen(state, index))
            if length > 0 {
                var values: [ScriptValue] = []
                for position in 1...min(length, 10_000) {
                    lua_rawgeti(state, index, lua_Integer(position))
                    values.append(value(at: -1, depth: depth + 1))
                    clua_pop(state, 1)
                }
                return .list(values)
            }
            var fields: [String: ScriptValue] = [:]
            lua_pushnil(state)
            while lua_next(state, index) != 0 {
                if fields.count >= 10_000 {
                    clua_pop(state, 2)
                    break
                }
                if lua_type(state, -2) == LUA_TSTRING, let key = string(at: -2) {
                    fields[key] = value(at: -1, depth: depth + 1)
                }
                clua_pop(state, 1)
            }
            return .table(fields)
        default:
            return .string("<\(String(cString: lua_typename(state, lua_type(state, index))))>")
        }
    }

    var top: Int32 { lua_gettop(state) }
    func setTop(_ index: Int32) { lua_settop(state, index) }

    /// Host functions may allocate while a script runs; their own allocations are not the
    /// script's, and a refusal there would longjmp through Swift.
    func withoutMemoryCap<T>(_ body: () -> T) -> T {
        let was = allocation.pointee.enforcing
        allocation.pointee.enforcing = false
        defer { allocation.pointee.enforcing = was }
        return body()
    }

    static func from(_ state: OpaquePointer?) -> LuaVM? {
        guard let state, let raw = clua_extraspace(state).pointee else { return nil }
        return Unmanaged<LuaVM>.fromOpaque(raw).takeUnretainedValue()
    }
}

/// The memory cap's bookkeeping, at a stable address handed to Lua as the allocator's `ud`.
struct AllocationBudget {
    var used: Int
    var limit: Int
    /// Only while a script runs: a refusal outside `lua_pcall` would abort the process.
    var enforcing: Bool
}

private let cappedAllocator: lua_Alloc = { userData, pointer, oldSize, newSize in
    guard let budget = userData?.assumingMemoryBound(to: AllocationBudget.self) else { return nil }
    // With a nil pointer, oldSize is a type tag, not a size.
    let old = pointer == nil ? 0 : oldSize
    if newSize == 0 {
        free(pointer)
        budget.pointee.used -= old
        return nil
    }
    let delta = newSize - old
    if delta > 0, budget.pointee.enforcing, budget.pointee.used + delta > budget.pointee.limit { return nil }
    guard let grown = realloc(pointer, newSize) else { return nil }
    budget.pointee.used += delta
    return grown
}

/// A line a script logged through `tern.log`.
public struct ScriptLogLine: Sendable, Hashable {
    public var plugin: String
    public var level: String
    public var text: String
}

/// A connector's live state as scripts see it (`tern.connectors()`).
public struct ConnectorStatus: Sendable, Hashable {
    public var up: Bool
    public var queued: Int
    public var inFlight: Int

    public init(up: Bool, queued: Int = 0, inFlight: Int = 0) {
        self.up = up
        self.queued = queued
        self.inFlight = inFlight
    }
}
