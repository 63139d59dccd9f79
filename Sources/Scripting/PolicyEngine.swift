import CLua
import Foundation

/// Runs the hook chain in one VM: global plugins, then the reseller's policy, then the account's.
///
/// Not `Sendable`: an engine belongs to one thread (`ScriptRuntime` keeps one per thread).
/// Every call leaves the Lua stack as it found it, whatever the scripts did.
public final class PolicyEngine {
    public let generation: Int
    let vm: LuaVM
    private var globals: [LoadedPlugin] = []
    private var policies: [String: LoadedPlugin] = [:]
    private let logSink: (ScriptLogLine) -> Void
    private var tracing = false
    /// A shared, read-only empty table for `msg.tlvs` when a message has none (most): one
    /// allocation less per message.
    private var emptyTLVsRef: Int32 = 0
    /// The `msg` field names as Lua strings, by `Field.rawValue`.
    private var fieldNamesRef: Int32 = 0
    private var traceLogs: [ScriptLogLine] = []
    /// Stack index of the account table of the call in progress; 0 when there is none.
    private var accountTableIndex: Int32 = 0

    /// A class, not a struct: the chain walks these for every message, and walking a struct
    /// with two strings and two arrays retains and releases each of them at every step.
    final class LoadedPlugin {
        let name: String
        let file: String
        /// Registry references by `Hook.index`; 0 where the plugin has no such hook.
        let hooks: [Int32]
        /// Hooks declared with a second parameter get the account table too; the others are
        /// spared building it.
        let wantsAccount: [Bool]
        let wantsAnyAccount: Bool
        /// Whether it has any of the hooks `evaluate` runs.
        let decidesMessages: Bool

        init(name: String, file: String, hooks: [Int32], wantsAccount: [Bool]) {
            self.name = name
            self.file = file
            self.hooks = hooks
            self.wantsAccount = wantsAccount
            wantsAnyAccount = wantsAccount.contains(true)
            decidesMessages = Hook.messageHooks.contains { hooks[$0.index] != 0 }
        }

        func has(_ hook: Hook) -> Bool { hooks[hook.index] != 0 }
    }

    /// Builds a VM and loads every plugin of `set`, running each `init`. Throws the first
    /// problem, with the file and line Lua reported.
    public init(_ set: ScriptSet, connectors: @escaping @Sendable () -> [String: ConnectorStatus] = { [:] },
                log: @escaping (ScriptLogLine) -> Void = { _ in }) throws(ScriptError) {
        generation = set.generation
        vm = try LuaVM(limits: set.limits)
        logSink = log
        vm.host.connectors = connectors
        vm.host.log = { [unowned self] line in
            if self.tracing { self.traceLogs.append(line) }
            self.logSink(line)
        }
        let state = vm.state
        lua_createtable(state, 0, 0)
        lua_createtable(state, 0, 2)
        lua_pushcclosure(state, clua_read_only, 0)
        lua_setfield(state, -2, "__newindex")
        lua_pushboolean(state, 0)
        lua_setfield(state, -2, "__metatable")
        lua_setmetatable(state, -2)
        emptyTLVsRef = luaL_ref(state, CLUA_REGISTRYINDEX)
        lua_createtable(state, Int32(Field.allCases.count), 0)
        for field in Field.allCases {
            vm.pushString(field.name)
            lua_rawseti(state, -2, lua_Integer(field.rawValue))
        }
        fieldNamesRef = luaL_ref(state, CLUA_REGISTRYINDEX)
        for source in set.plugins {
            globals.append(try loadNamingFile(source))
        }
        for (file, source) in set.policies.sorted(by: { $0.key < $1.key }) {
            policies[file] = try loadNamingFile(source)
        }
    }

    public var memoryInUse: Int { vm.memoryInUse }

    // MARK: Loading

    private func loadNamingFile(_ source: PluginSource) throws(ScriptError) -> LoadedPlugin {
        do {
            return try load(source)
        } catch {
            throw error.naming(file: source.file)
        }
    }

    private func load(_ source: PluginSource) throws(ScriptError) -> LoadedPlugin {
        let state = vm.state
        let base = vm.top
        defer { vm.setTop(base) }
        try vm.loadChunk(source.text, name: "@" + source.file)
        try vm.pushNewEnvironment()
        // The chunk's first upvalue is _ENV: give the plugin its own globals.
        _ = lua_setupvalue(state, -2, 1)
        vm.host.plugin = source.name
        if let failure = vm.protectedCall(arguments: 0, results: 1) {
            throw Self.loadError(failure, file: source.file, step: "loading")
        }
        guard lua_type(state, -1) == LUA_TTABLE else {
            let type = String(cString: lua_typename(state, lua_type(state, -1)))
            throw .badAnswer("\(source.file): a plugin must return a table of hook functions (it returned a \(type) value)")
        }
        let table = vm.top
        var hooks = [Int32](repeating: 0, count: Hook.allCases.count)
        var wantsAccount = [Bool](repeating: false, count: Hook.allCases.count)
        let known = Set(Hook.allCases.map(\.rawValue) + ["init"])
        lua_pushnil(state)
        while lua_next(state, table) != 0 {
            let key = lua_type(state, -2) == LUA_TSTRING ? vm.string(at: -2) : nil
            clua_pop(state, 1)
            guard let key, known.contains(key) else {
                let names = Hook.allCases.map(\.rawValue).joined(separator: ", ")
                throw .badAnswer("\(source.file): the returned table has '\(key ?? "a non-string key")', which is not a hook (hooks: \(names), init)")
            }
        }
        for hook in Hook.allCases {
            vm.pushString(hook.rawValue)
            switch lua_rawget(state, table) {
            case LUA_TNIL:
                clua_pop(state, 1)
            case LUA_TFUNCTION:
                var info = lua_Debug()
                lua_pushvalue(state, -1)
                if lua_getinfo(state, ">u", &info) != 0 { wantsAccount[hook.index] = info.nparams >= 2 }
                hooks[hook.index] = luaL_ref(state, CLUA_REGISTRYINDEX)
            default:
                throw .badAnswer("\(source.file): \(hook.rawValue) must be a function")
            }
        }
        vm.pushString("init")
        switch lua_rawget(state, table) {
        case LUA_TNIL:
            break
        case LUA_TFUNCTION:
            var settings = source.settings
            settings["name"] = settings["name"] ?? .string(source.name)
            vm.push(.table(settings))
            vm.host.lookupDirectory = (source.file as NSString).deletingLastPathComponent.isEmpty
                ? "." : (source.file as NSString).deletingLastPathComponent
            defer { vm.host.lookupDirectory = nil }
            if let failure = vm.protectedCall(arguments: 1, results: 0) {
                throw Self.loadError(failure, file: source.file, step: "init")
            }
        default:
            throw .badAnswer("\(source.file): init must be a function")
        }
        return LoadedPlugin(name: source.name, file: source.file, hooks: hooks, wantsAccount: wantsAccount)
    }

    private static func loadError(_ failure: LuaVM.CallFailure, file: String, step: String) -> ScriptError {
        switch failure {
        case .rejected(let status, let reason):
            return .runtime("\(file): tern.reject(\(status), \(reason)) called while \(step); it belongs in a hook")
        case .error(.runtime(let message)):
            return .runtime(step == "init" ? "\(message) (in init)" : message)
        case .error(let error):
            return step == "init" ? .runtime("\(file): init: \(error)") : error
        }
    }

    // MARK: The message chain

    /// Whether a plugin of the chain (the global ones, then these policy files) has a hook for
    /// messages. When none has (plugins that only authenticate binds or route MO), the config's
    /// routes decide alone and the caller need not build the script's view of the message. A
    /// policy that is not loaded counts as deciding, so that `evaluate` reports it.
    public func decidesMessages(policies files: [String]) -> Bool {
        globals.contains { $0.decidesMessages } || files.contains { policies[$0]?.decidesMessages ?? true }
    }

    /// filter → rewrite_sender → route → bill, over the global plugins and then the named
    /// policy files. `resolveRoute` gets the first `route` answer (nil when no plugin answered)
    /// and the current sender, and returns the connectors or a rejection: the caller owns the
    /// config's routes and the list of connectors that exist.
    public func evaluate(_ message: ScriptMessage, policies files: [String], account: ScriptAccount? = nil, trace: Bool = false,
                         resolveRoute: ([String]?, String) -> Result<[String], PolicyRejection>) -> PolicyDecision {
        var decision = PolicyDecision()
        let base = vm.top
        tracing = trace
        defer {
            vm.setTop(base)
            tracing = false
        }
        var chain = globals
        if !files.isEmpty {
            chain.reserveCapacity(globals.count + files.count)
            for file in files {
                guard let policy = policies[file] else {
                    decision.rejection = PolicyRejection(.failed(.unreadable(file: file, reason: "policy is not loaded")), plugin: file, hook: .filter)
                    return decision
                }
                chain.append(policy)
            }
        }
        lua_rawgeti(vm.state, CLUA_REGISTRYINDEX, lua_Integer(fieldNamesRef))
        let namesIndex = vm.top
        pushMessage(message, names: namesIndex)
        let messageIndex = vm.top
        prepareAccount(account, for: chain)
        defer { accountTableIndex = 0 }
        do throws(PolicyRejection) {
            try runChain(chain, message: message, messageIndex: messageIndex, namesIndex: namesIndex, into: &decision, resolveRoute: resolveRoute)
        } catch {
            decision.rejection = error
        }
        return decision
    }

    /// The four message hooks in order; the first refusal or failure ends the chain.
    ///
    /// Answers are read straight off the Lua stack in the shape each hook must give (nothing,
    /// a string, names, an integer); only a wrong answer is converted whole, to say what it was.
    private func runChain(_ chain: [LoadedPlugin], message: ScriptMessage, messageIndex: Int32, namesIndex: Int32, into decision: inout PolicyDecision,
                          resolveRoute: ([String]?, String) -> Result<[String], PolicyRejection>) throws(PolicyRejection) {
        let state = vm.state
        // What every hook call returns the stack to: the message, and the account if built.
        let callBase = vm.top
        defer { vm.setTop(callBase) }

        for plugin in chain where plugin.has(.filter) {
            try invoke(plugin, .filter, argument: messageIndex, into: &decision)
            vm.setTop(callBase)
        }

        var source = message.source
        for plugin in chain where plugin.has(.rewriteSender) {
            try invoke(plugin, .rewriteSender, argument: messageIndex, into: &decision)
            switch lua_type(state, -1) {
            case LUA_TNIL:
                break
            case LUA_TSTRING where lua_rawlen(state, -1) > 0:
                let rewritten = vm.string(at: -1) ?? ""
                source = rewritten
                decision.source = rewritten
                setField(.source, fromTop: messageIndex, names: namesIndex)
            default:
                throw Self.badAnswer("rewrite_sender must answer a non-empty string or nothing (answered \(vm.value(at: -1)))", plugin, .rewriteSender)
            }
            vm.setTop(callBase)
        }

        var answer: [String]?
        for plugin in chain where plugin.has(.route) && answer == nil {
            try invoke(plugin, .route, argument: messageIndex, into: &decision)
            defer { vm.setTop(callBase) }
            if lua_type(state, -1) == LUA_TNIL { continue }
            guard let connectors = connectorNamesAtTop() else {
                throw Self.badAnswer("route must answer a connector name, a list of names, or nothing (answered \(vm.value(at: -1)))", plugin, .route)
            }
            answer = connectors
            decision.routedBy = plugin.name
        }
        let route = try resolveRoute(answer, source).get()
        decision.route = route
        lua_rawgeti(state, namesIndex, lua_Integer(Field.route.rawValue))
        pushNames(route)
        lua_rawset(state, messageIndex)

        var price = message.price
        var priceAfterGlobals = price
        for (position, plugin) in chain.enumerated() {
            if plugin.has(.bill) {
                try invoke(plugin, .bill, argument: messageIndex, into: &decision)
                if lua_type(state, -1) != LUA_TNIL {
                    guard let amount = priceAtTop() else {
                        throw Self.badAnswer("bill must answer a price in integer minor units, at least 0 (answered \(vm.value(at: -1)))", plugin, .bill)
                    }
                    price = amount
                    lua_pushinteger(state, lua_Integer(amount))
                    setField(.price, fromTop: messageIndex, names: namesIndex)
                }
                vm.setTop(callBase)
            }
            if position == globals.count - 1 { priceAfterGlobals = price }
        }
        decision.price = price
        if message.reseller != nil { decision.resellerPrice = priceAfterGlobals }
    }

    /// `msg[field] =` the value at the top of the stack, which stays there.
    private func setField(_ field: Field, fromTop messageIndex: Int32, names: Int32) {
        let state = vm.state
        lua_rawgeti(state, names, lua_Integer(field.rawValue))
        lua_pushvalue(state, -2)
        lua_rawset(state, messageIndex)
    }

    private func pushNames(_ names: [String]) {
        lua_createtable(vm.state, Int32(clamping: names.count), 0)
        for (index, name) in names.enumerated() {
            vm.pushString(name)
            lua_rawseti(vm.state, -2, lua_Integer(index + 1))
        }
    }

    /// A route answer at the top of the stack: one non-empty name, or a list (1…n) of them.
    private func connectorNamesAtTop() -> [String]? {
        let state = vm.state
        switch lua_type(state, -1) {
        case LUA_TSTRING:
            guard lua_rawlen(state, -1) > 0, let name = vm.string(at: -1) else { return nil }
            return [name]
        case LUA_TTABLE:
            let count = Int(lua_rawlen(state, -1))
            guard count > 0, count <= 10_000 else { return nil }
            var names: [String] = []
            names.reserveCapacity(count)
            for position in 1...count {
                defer { clua_pop(state, 1) }
                guard lua_rawgeti(state, -1, lua_Integer(position)) == LUA_TSTRING, lua_rawlen(state, -1) > 0,
                      let name = vm.string(at: -1) else { return nil }
                names.append(name)
            }
            return names
        default:
            return nil
        }
    }

    /// A bill answer at the top of the stack: an integer, or a float with an integral value, ≥ 0.
    private func priceAtTop() -> Int? {
        let state = vm.state
        guard lua_type(state, -1) == LUA_TNUMBER else { return nil }
        if clua_isinteger(state, -1) != 0 {
            let amount = lua_tointegerx(state, -1, nil)
            return amount >= 0 ? Int(amount) : nil
        }
        let amount = lua_tonumberx(state, -1, nil)
        return amount >= 0 && amount == amount.rounded() && amount < 1e15 ? Int(amount) : nil
    }

    private static func badAnswer(_ reason: String, _ plugin: LoadedPlugin, _ hook: Hook) -> PolicyRejection {
        PolicyRejection(.failed(.badAnswer(reason)), plugin: plugin.name, hook: hook)
    }

    // MARK: Binds and MO

    /// `authenticate(bind)` over the chain: any refusal wins, then any acceptance.
    public func authenticate(_ bind: ScriptBind, policies files: [String], account: ScriptAccount? = nil) -> AuthenticationVerdict {
        let base = vm.top
        defer { vm.setTop(base) }
        let chain = globals + files.compactMap { policies[$0] }
        guard chain.contains(where: { $0.has(.authenticate) }) else { return .noAnswer }
        lua_createtable(vm.state, 0, 6)
        vm.setField("system_id", string: bind.systemID)
        vm.setField("password", string: bind.password)
        vm.setField("bind_type", string: bind.bindType)
        vm.setField("remote", string: bind.remote)
        vm.setField("tls", boolean: bind.tls)
        vm.setField("interface_version", integer: bind.interfaceVersion)
        let bindIndex = vm.top
        prepareAccount(account, for: chain)
        defer { accountTableIndex = 0 }
        let callBase = vm.top
        var verdict = AuthenticationVerdict.noAnswer
        var ignored = PolicyDecision()
        do throws(PolicyRejection) {
            for plugin in chain where plugin.has(.authenticate) {
                let value = try invokeForValue(plugin, .authenticate, argument: bindIndex, into: &ignored)
                vm.setTop(callBase)
                switch value {
                case .null: break
                case .boolean(true): verdict = .accepted(plugin: plugin.name)
                case .boolean(false): return .refused(status: "ESME_RBINDFAIL", plugin: plugin.name)
                case .string(let status): return .refused(status: status, plugin: plugin.name)
                case let other:
                    throw Self.badAnswer("authenticate must answer true, false, a status name or nothing (answered \(other))", plugin, .authenticate)
                }
            }
        } catch {
            if case .rejected(let status, _) = error.cause { return .refused(status: status, plugin: error.plugin) }
            return .failed(error)
        }
        return verdict
    }

    /// `route_mo(mo)` over the global plugins: the first account named, or nil.
    public func routeMO(_ mo: ScriptMO) -> Result<(account: String, plugin: String)?, PolicyRejection> {
        let base = vm.top
        defer { vm.setTop(base) }
        guard globals.contains(where: { $0.has(.routeMO) }) else { return .success(nil) }
        lua_createtable(vm.state, 0, 5)
        vm.setField("source", string: mo.source)
        vm.setField("destination", string: mo.destination)
        vm.setField("text", string: mo.text)
        vm.setField("data_coding", integer: mo.dataCoding)
        vm.setField("connector", string: mo.connector)
        let moIndex = vm.top
        var ignored = PolicyDecision()
        do throws(PolicyRejection) {
            for plugin in globals where plugin.has(.routeMO) {
                let value = try invokeForValue(plugin, .routeMO, argument: moIndex, into: &ignored)
                vm.setTop(moIndex)
                switch value {
                case .null: continue
                case .string(let account) where !account.isEmpty: return .success((account, plugin.name))
                case let other:
                    throw Self.badAnswer("route_mo must answer an account's system_id or nothing (answered \(other))", plugin, .routeMO)
                }
            }
        } catch {
            return .failure(error)
        }
        return .success(nil)
    }

    // MARK: One hook alone

    /// What one hook of one loaded plugin (global or policy, by name or file) answers for
    /// `message`; for tests and `tern script test`.
    public func call(_ hook: Hook, plugin name: String, message: ScriptMessage) -> HookAnswer {
        guard let plugin = globals.first(where: { $0.name == name || $0.file == name }) ?? policies[name]
            ?? policies.values.first(where: { $0.name == name }) else {
            return .failed(.unreadable(file: name, reason: "no such plugin is loaded"))
        }
        guard plugin.has(hook) else { return .notDefined }
        let base = vm.top
        defer { vm.setTop(base) }
        lua_rawgeti(vm.state, CLUA_REGISTRYINDEX, lua_Integer(fieldNamesRef))
        pushMessage(message, names: vm.top)
        var ignored = PolicyDecision()
        do throws(PolicyRejection) {
            return .answer(try invokeForValue(plugin, hook, argument: vm.top, into: &ignored))
        } catch {
            switch error.cause {
            case .rejected(let status, let reason): return .rejected(status: status, reason: reason)
            case .failed(let failure): return .failed(failure)
            }
        }
    }

    // MARK: Calls

    /// Calls one hook with the table at `argument` (and the account, when the hook declares it)
    /// and returns its answer, which stays on the stack until the caller resets the top.
    private func invokeForValue(_ plugin: LoadedPlugin, _ hook: Hook, argument: Int32, into decision: inout PolicyDecision) throws(PolicyRejection) -> ScriptValue {
        try invoke(plugin, hook, argument: argument, into: &decision)
        return vm.value(at: -1)
    }

    /// Calls one hook with the table at `argument` (and the account, when the hook declares it);
    /// its answer is left at the top of the stack until the caller resets the top.
    private func invoke(_ plugin: LoadedPlugin, _ hook: Hook, argument: Int32, into decision: inout PolicyDecision) throws(PolicyRejection) {
        let state = vm.state
        lua_rawgeti(state, CLUA_REGISTRYINDEX, lua_Integer(plugin.hooks[hook.index]))
        lua_pushvalue(state, argument)
        var arguments: Int32 = 1
        if plugin.wantsAccount[hook.index] {
            pushAccount()
            arguments = 2
        }
        vm.host.plugin = plugin.name
        guard tracing else {
            switch vm.protectedCall(arguments: arguments, results: 1) {
            case nil: return
            case .rejected(let status, let reason)?:
                throw PolicyRejection(.rejected(status: status, reason: reason), plugin: plugin.name, hook: hook)
            case .error(let error)?:
                throw PolicyRejection(.failed(error.naming(file: plugin.file)), plugin: plugin.name, hook: hook)
            }
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let logStart = traceLogs.count
        let failure = vm.protectedCall(arguments: arguments, results: 1)
        let elapsed = DispatchTime.now().uptimeNanoseconds - started
        var rejection: PolicyRejection?
        let answer: String
        switch failure {
        case nil:
            let value = vm.value(at: -1)
            answer = value == .null ? "nothing" : value.description
        case .rejected(let status, let reason)?:
            rejection = PolicyRejection(.rejected(status: status, reason: reason), plugin: plugin.name, hook: hook)
            answer = "reject \(status) \"\(reason)\""
        case .error(let error)?:
            rejection = PolicyRejection(.failed(error.naming(file: plugin.file)), plugin: plugin.name, hook: hook)
            answer = "error: \(error.naming(file: plugin.file))"
        }
        decision.trace.append(HookCall(plugin: plugin.name, hook: hook, answer: answer, nanoseconds: elapsed,
                                       logs: Array(traceLogs[logStart...])))
        if let rejection { throw rejection }
    }

    /// The `msg` fields, interned once per VM: setting a field by a Lua string already on hand
    /// (`lua_rawset`) skips the C-string interning `lua_setfield` does for every field of every
    /// message, which measured about a third of building the table.
    enum Field: Int, CaseIterable {
        case id = 1, account, reseller, source, sourceTON, sourceNPI, destination, destinationTON, destinationNPI, text
        case dataCoding, esmClass, registeredDelivery, serviceType, parts, clientIP, volume, tlvs, route, price, concat

        var name: String {
            switch self {
            case .id: return "id"
            case .account: return "account"
            case .reseller: return "reseller"
            case .source: return "source"
            case .sourceTON: return "source_ton"
            case .sourceNPI: return "source_npi"
            case .destination: return "destination"
            case .destinationTON: return "destination_ton"
            case .destinationNPI: return "destination_npi"
            case .text: return "text"
            case .dataCoding: return "data_coding"
            case .esmClass: return "esm_class"
            case .registeredDelivery: return "registered_delivery"
            case .serviceType: return "service_type"
            case .parts: return "parts"
            case .clientIP: return "client_ip"
            case .volume: return "volume"
            case .tlvs: return "tlvs"
            case .route: return "route"
            case .price: return "price"
            case .concat: return "concat"
            }
        }
    }

    /// The second argument of hooks that declare one: the account's table, if the call has one.
    private func pushAccount() {
        if accountTableIndex != 0 {
            lua_pushvalue(vm.state, accountTableIndex)
        } else {
            lua_pushnil(vm.state)
        }
    }

    /// Builds the account table for this call when a hook of `chain` will want it (a fresh
    /// table per call: nothing a hook writes in it reaches the next message).
    private func prepareAccount(_ account: ScriptAccount?, for chain: [LoadedPlugin]) {
        accountTableIndex = 0
        guard let account, chain.contains(where: { $0.wantsAnyAccount }) else { return }
        lua_createtable(vm.state, 0, 6)
        vm.setField("system_id", string: account.systemID)
        vm.setField("reseller", string: account.reseller)
        vm.setField("enabled", boolean: account.enabled)
        vm.setField("max_binds", integer: account.maxBinds)
        if let throughput = account.throughput { vm.setField("throughput", integer: throughput) }
        vm.setField("policy", string: account.policy)
        accountTableIndex = vm.top
    }

    /// Pushes `msg`; `names` is the stack index of the interned field names.
    private func pushMessage(_ message: ScriptMessage, names: Int32) {
        let state = vm.state
        lua_createtable(state, 0, Int32(Field.allCases.count))
        let table = vm.top
        func set(_ field: Field, _ text: String?) {
            guard let text else { return }
            lua_rawgeti(state, names, lua_Integer(field.rawValue))
            vm.pushString(text)
            lua_rawset(state, table)
        }
        func set(_ field: Field, _ number: Int) {
            lua_rawgeti(state, names, lua_Integer(field.rawValue))
            lua_pushinteger(state, lua_Integer(number))
            lua_rawset(state, table)
        }
        set(.id, message.id)
        set(.account, message.account)
        set(.reseller, message.reseller)
        set(.source, message.source)
        set(.sourceTON, message.sourceTON)
        set(.sourceNPI, message.sourceNPI)
        set(.destination, message.destination)
        set(.destinationTON, message.destinationTON)
        set(.destinationNPI, message.destinationNPI)
        set(.text, message.text)
        set(.dataCoding, message.dataCoding)
        set(.esmClass, message.esmClass)
        set(.registeredDelivery, message.registeredDelivery)
        set(.serviceType, message.serviceType)
        set(.parts, message.parts)
        set(.clientIP, message.clientIP)
        set(.volume, message.volume)
        lua_rawgeti(state, names, lua_Integer(Field.tlvs.rawValue))
        if message.tlvs.isEmpty {
            lua_rawgeti(state, CLUA_REGISTRYINDEX, lua_Integer(emptyTLVsRef))
        } else {
            vm.push(.table(message.tlvs))
        }
        lua_rawset(state, table)
        if let route = message.route {
            lua_rawgeti(state, names, lua_Integer(Field.route.rawValue))
            pushNames(route)
            lua_rawset(state, table)
        }
        if let price = message.price { set(.price, price) }
        if let concat = message.concat {
            lua_rawgeti(state, names, lua_Integer(Field.concat.rawValue))
            lua_createtable(state, 0, 3)
            vm.setField("reference", integer: concat.reference)
            vm.setField("total", integer: concat.total)
            vm.setField("sequence", integer: concat.sequence)
            lua_rawset(state, table)
        }
        vm.setTop(table)
    }
}

/// What a single hook call answered.
public enum HookAnswer: Sendable, Hashable {
    case answer(ScriptValue)
    case rejected(status: String, reason: String)
    case failed(ScriptError)
    /// The plugin has no such hook.
    case notDefined
}
