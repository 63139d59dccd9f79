import Testing
@testable import Scripting

@Suite struct ChainTests {
    @Test func everyFilterMustPass() throws {
        let first = plugin("first", "return { filter = function(msg) end }")
        let second = plugin("second", "return { filter = function(msg) if msg.text:find('casino') then return tern.reject('ESME_RSUBMITFAIL', 'casino') end end }")
        let vm = try engine([first, second])
        let passed = vm.evaluate(message(text: "hello"), policies: [], resolveRoute: configRoute)
        #expect(passed.rejection == nil)
        #expect(passed.route == ["default"])
        #expect(passed.routedBy == nil)
        let refused = vm.evaluate(message(text: "casino night"), policies: [], resolveRoute: configRoute)
        #expect(refused.rejection == PolicyRejection(.rejected(status: "ESME_RSUBMITFAIL", reason: "casino"), plugin: "second", hook: .filter))
    }

    @Test func sendersRewriteInChainAndTheFirstRouteWins() throws {
        let upper = plugin("upper", """
            return {
                rewrite_sender = function(msg) return msg.source:upper() end,
                route = function(msg) if msg.destination:sub(1, 2) == "44" then return { "uk", "backup" } end end,
            }
            """)
        let suffix = plugin("suffix", """
            return {
                rewrite_sender = function(msg) return msg.source .. "1" end,
                route = function(msg) return "everything" end,
            }
            """)
        let vm = try engine([upper, suffix])
        let uk = vm.evaluate(message(source: "acme", destination: "447700900123"), policies: [], resolveRoute: configRoute)
        #expect(uk.source == "ACME1")
        #expect(uk.route == ["uk", "backup"])
        #expect(uk.routedBy == "upper")
        let other = vm.evaluate(message(source: "acme", destination: "33600000000"), policies: [], resolveRoute: configRoute)
        #expect(other.route == ["everything"])
        #expect(other.routedBy == "suffix")
    }

    @Test func billChainsAndTheResellerPaysTheGlobalPrice() throws {
        let global = plugin("global", "return { bill = function(msg) return 10 * msg.parts end }")
        let reseller = plugin("reseller", "return { bill = function(msg) return msg.price + 5 end }")
        let account = plugin("account", "return { route = function(msg) return 'premium' end, bill = function(msg) assert(msg.route[1] == 'premium') return msg.price * 2 end }")
        let vm = try engine([global], policies: [reseller, account])
        let decision = vm.evaluate(message(reseller: "wholesale", parts: 3), policies: [reseller.file, account.file], resolveRoute: configRoute)
        #expect(decision.rejection == nil)
        #expect(decision.route == ["premium"])
        #expect(decision.resellerPrice == 30)
        #expect(decision.price == 70)
        let direct = vm.evaluate(message(parts: 1), policies: [], resolveRoute: configRoute)
        #expect(direct.price == 10)
        #expect(direct.resellerPrice == nil)
    }

    @Test func badAnswersAreFailuresNotGuesses() throws {
        let cases: [(String, Hook)] = [
            ("return { rewrite_sender = function(msg) return 42 end }", .rewriteSender),
            ("return { route = function(msg) return { 1, 2 } end }", .route),
            ("return { bill = function(msg) return -1 end }", .bill),
            ("return { bill = function(msg) return 1.5 end }", .bill),
            ("return { rewrite_sender = function(msg) return '' end }", .rewriteSender),
            ("return { route = function(msg) return '' end }", .route),
            ("return { route = function(msg) return { 'a', '' } end }", .route),
            ("return { route = function(msg) return {} end }", .route),
            ("return { route = function(msg) return true end }", .route),
            ("return { bill = function(msg) return '12' end }", .bill),
        ]
        for (text, hook) in cases {
            let vm = try engine([plugin("bad", text)])
            let decision = vm.evaluate(message(), policies: [], resolveRoute: configRoute)
            guard case .failed(.badAnswer)? = decision.rejection?.cause else {
                Issue.record("\(text): \(String(describing: decision.rejection))")
                continue
            }
            #expect(decision.rejection?.hook == hook)
        }
    }

    @Test func answersAreReadInEachShapeAHookMayGive() throws {
        let vm = try engine([plugin("shapes", """
            return {
                rewrite_sender = function(msg) return "Shop" end,
                route = function(msg) if msg.text == "one" then return "a" end return { "b", "c" } end,
                bill = function(msg) if msg.text == "one" then return 2.0 end return 7 end,
            }
            """)])
        let one = vm.evaluate(message(text: "one"), policies: [], resolveRoute: configRoute)
        #expect(one.rejection == nil)
        #expect(one.source == "Shop")
        #expect(one.route == ["a"])
        #expect(one.price == 2)
        let two = vm.evaluate(message(text: "two"), policies: [], resolveRoute: configRoute)
        #expect(two.route == ["b", "c"])
        #expect(two.price == 7)
        #expect(vm.vm.top == 0)

        // A wrong answer is shown whole in the reason.
        let bad = try engine([plugin("bad", "return { route = function(msg) return { 1, 2 } end }")])
        let decision = bad.evaluate(message(), policies: [], resolveRoute: configRoute)
        guard case .failed(.badAnswer(let reason))? = decision.rejection?.cause else {
            Issue.record("\(String(describing: decision.rejection))")
            return
        }
        #expect(reason.contains("answered {1, 2}"), "\(reason)")
    }

    @Test func aMissingPolicyRejects() throws {
        let vm = try engine([])
        let decision = vm.evaluate(message(), policies: ["plugins/gone.lua"], resolveRoute: configRoute)
        #expect(decision.rejection?.plugin == "plugins/gone.lua")
    }

    @Test func authenticateVerdicts() throws {
        let auth = plugin("auth", """
            return { authenticate = function(bind)
                if bind.system_id == "blocked" then return false end
                if bind.system_id == "odd" then return "ESME_RINVPASWD" end
                if bind.remote == "10.0.0.1" and bind.tls then return true end
            end }
            """)
        let vm = try engine([auth])
        func bind(_ id: String, remote: String = "127.0.0.1", tls: Bool = false) -> ScriptBind {
            ScriptBind(systemID: id, password: "pw", bindType: "transceiver", remote: remote, tls: tls, interfaceVersion: 0x34)
        }
        #expect(vm.authenticate(bind("blocked"), policies: []) == .refused(status: "ESME_RBINDFAIL", plugin: "auth"))
        #expect(vm.authenticate(bind("odd"), policies: []) == .refused(status: "ESME_RINVPASWD", plugin: "auth"))
        #expect(vm.authenticate(bind("acme", remote: "10.0.0.1", tls: true), policies: []) == .accepted(plugin: "auth"))
        #expect(vm.authenticate(bind("acme"), policies: []) == .noAnswer)
    }

    @Test func mobileOriginatedRouting() throws {
        let mo = plugin("mo", "return { route_mo = function(mo) if mo.text and mo.text:upper():find('^STOP') then return 'optout' end end }")
        let vm = try engine([mo])
        let stop = try vm.routeMO(ScriptMO(source: "447700900123", destination: "12345", text: "stop all", dataCoding: 0, connector: "up")).get()
        #expect(stop?.account == "optout")
        let other = try vm.routeMO(ScriptMO(source: "447700900123", destination: "12345", text: "hello", dataCoding: 0, connector: "up")).get()
        #expect(other == nil)
    }

    @Test func initGetsItsSettingsAndConnectorsAreLive() throws {
        let router = plugin("router", """
            local preferred
            function init(config) preferred = config.preferred end
            return { init = init, route = function(msg)
                local state = tern.connectors()
                if state[preferred] and state[preferred].up then return preferred end
                return "fallback"
            end }
            """, settings: ["preferred": .string("fast")])
        let up = LockedFlag(true)
        let vm = try engine([router], connectors: { ["fast": ConnectorStatus(up: up.value, queued: 3)] })
        #expect(vm.evaluate(message(), policies: [], resolveRoute: configRoute).route == ["fast"])
        up.value = false
        // The state is refreshed at most every 50 ms.
        Thread.sleep(forTimeInterval: 0.06)
        #expect(vm.evaluate(message(), policies: [], resolveRoute: configRoute).route == ["fallback"])
    }

    @Test func loadProblemsNameTheFileAndLine() {
        let problems: [(String, String)] = [
            ("return {\n filter = function(msg)\n end end", "plugins/broken.lua:3:"),
            ("return 42", "must return a table"),
            ("return { filtr = function() end }", "'filtr', which is not a hook"),
            ("return { init = function(config) error('no database') end }", "plugins/broken.lua:1: no database (in init)"),
            ("local x = nil\nreturn { init = function(config) return x.y end }", "plugins/broken.lua:2:"),
        ]
        for (text, expected) in problems {
            do {
                _ = try engine([plugin("broken", text)])
                Issue.record("\(text) loaded")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }

    @Test func tracingRecordsAnswersTimesAndLogs() throws {
        let chatty = plugin("chatty", "return { filter = function(msg) tern.log('info', 'checked', msg.destination, 7) end, route = function(msg) return 'x' end }")
        let vm = try engine([chatty])
        let decision = vm.evaluate(message(), policies: [], trace: true, resolveRoute: configRoute)
        #expect(decision.trace.map(\.hook) == [.filter, .route])
        #expect(decision.trace[0].logs.map(\.text) == ["checked 447700900123 7"])
        #expect(decision.trace[1].answer == "\"x\"")
    }

    @Test func hooksWithASecondParameterGetTheAccount() throws {
        let per = plugin("per", """
            return {
                filter = function(msg, account)
                    if account.throughput == nil then tern.reject("ESME_RTHROTTLED", account.system_id .. " has no limit") end
                    account.scratch = "mine"
                end,
                route = function(msg, account) return account.scratch and "leaked" or ("r-" .. account.system_id) end,
                bill = function(msg) return 1 end,
            }
            """)
        let vm = try engine([per])
        let limited = ScriptAccount(systemID: "acme", reseller: "wholesale", throughput: 50)
        // Same table for every hook of one call, so the route sees what filter wrote...
        #expect(vm.evaluate(message(), policies: [], account: limited, resolveRoute: configRoute).route == ["leaked"])
        // ...and a fresh one for the next message.
        let refused = vm.evaluate(message(), policies: [], account: ScriptAccount(systemID: "open"), resolveRoute: configRoute)
        #expect(refused.rejection == PolicyRejection(.rejected(status: "ESME_RTHROTTLED", reason: "open has no limit"), plugin: "per", hook: .filter))
        #expect(vm.vm.top == 0)
    }

    @Test func runtimeRebuildsPerGeneration() throws {
        let runtime = ScriptRuntime(ScriptSet(plugins: [plugin("a", "return { route = function() return 'one' end }")], generation: 1))
        #expect(try runtime.engine().evaluate(message(), policies: [], resolveRoute: configRoute).route == ["one"])
        let next = ScriptSet(plugins: [plugin("a", "return { route = function() return 'two' end }")], generation: 2)
        runtime.install(next)
        #expect(try runtime.engine().evaluate(message(), policies: [], resolveRoute: configRoute).route == ["two"])
        #expect(throws: ScriptError.self) { try PolicyEngine(ScriptSet(plugins: [plugin("a", "return {")], generation: 3)) }
    }

    @Test("a chain decides messages only when a plugin or a named policy has a message hook; an unloaded policy counts")
    func decidesMessages() throws {
        let bindsOnly = plugin("binds", "return { authenticate = function(bind) return true end, route_mo = function(mo) end }")
        let billing = plugin("billing", "return { bill = function(msg) return 1 end }")
        let vm = try engine([bindsOnly], policies: [billing])
        #expect(!vm.decidesMessages(policies: []))
        #expect(vm.decidesMessages(policies: [billing.file]))
        #expect(vm.decidesMessages(policies: ["policies/not-loaded.lua"]))
        #expect(try engine([bindsOnly, billing]).decidesMessages(policies: []))
    }

    @Test("two runtimes used in turn on one thread (two gateways in one process) each get their own engine")
    func runtimesShareAThreadApart() throws {
        let first = ScriptRuntime(ScriptSet(plugins: [plugin("a", "return { route = function() return 'first' end }")], generation: 1))
        let second = ScriptRuntime(ScriptSet(plugins: [plugin("a", "return { route = function() return 'second' end }")], generation: 1))
        for _ in 0..<3 {
            #expect(try first.engine().evaluate(message(), policies: [], resolveRoute: configRoute).route == ["first"])
            #expect(try second.engine().evaluate(message(), policies: [], resolveRoute: configRoute).route == ["second"])
        }
        #expect(try first.engine() === first.engine())
    }
}

final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Bool
    init(_ value: Bool) { stored = value }
    var value: Bool {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

import Foundation
