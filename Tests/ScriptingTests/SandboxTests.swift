import Foundation
import Testing
@testable import Scripting

/// Every way out of the sandbox is refused, and the VM keeps serving afterwards.
@Suite struct SandboxTests {
    static let escapes: [(String, String)] = [
        ("io", "return io.open('/etc/passwd')"),
        ("os", "return os.execute('true')"),
        ("require", "return require('os')"),
        ("load", "return load('return 1')"),
        ("loadfile", "return loadfile('/etc/passwd')"),
        ("dofile", "return dofile('/etc/passwd')"),
        ("package", "return package.loaded"),
        ("debug", "return debug.getregistry()"),
        ("coroutine yield", "return coroutine.yield(1)"),
        ("collectgarbage", "return collectgarbage('count')"),
        ("string.dump", "return string.dump(function() end)"),
    ]

    @Test(arguments: escapes.map(\.0))
    func refusesEscape(_ name: String) throws {
        let body = try #require(Self.escapes.first { $0.0 == name }?.1)
        let vm = try engine([plugin("escape", "return { filter = function(msg) \(body) end }")])
        let answer = vm.call(.filter, plugin: "escape", message: message())
        guard case .failed(.runtime(let reason)) = answer else {
            Issue.record("\(name): expected a runtime error, got \(answer)")
            return
        }
        #expect(reason.contains("plugins/escape.lua:1:"), "\(reason)")
        #expect(reason.contains("nil value"), "\(reason)")
        #expect(vm.vm.top == 0)
    }

    @Test func binaryChunkIsRefused() {
        let binary = "\u{1B}Lua\u{54}\u{00}"
        #expect(throws: ScriptError.self) { try engine([plugin("binary", binary)]) }
        do {
            _ = try engine([plugin("binary", binary)])
        } catch {
            #expect("\(error)".contains("binary chunk"), "\(error)")
        }
    }

    @Test func endlessLoopStopsAtTheBudget() throws {
        let vm = try engine([plugin("spin", "return { filter = function(msg) while true do end end }")],
                            limits: ScriptLimits(instructions: 100_000))
        guard case .failed(.budgetExceeded(let reason)) = vm.call(.filter, plugin: "spin", message: message()) else {
            Issue.record("expected the budget to stop it")
            return
        }
        #expect(reason.contains("100000 instructions"))
    }

    /// The point of the CPU-time ticks: a call that ends within its first tick is not counted (a
    /// count hook on every call made the shipped plugins' Lua about twice as slow). Ticks count
    /// the thread's CPU time, not the wall clock, so a call of ~0.2 ms is never counted, however
    /// loaded the machine; with the hook set on every call none of these passes.
    @Test("a short call runs uncounted: thousands of instructions over a budget of 1,000")
    func shortCallsRunUncounted() throws {
        let vm = try engine([plugin("busy", """
            return { filter = function(msg) local n = 0 for i = 1, 20000 do n = n + i end return n end }
            """)], limits: ScriptLimits(instructions: 1_000))
        let answers = (0..<20).map { _ in vm.call(.filter, plugin: "busy", message: message()) }
        #expect(answers.allSatisfy { $0 == .answer(.integer(200_010_000)) }, "\(answers)")
    }

    /// Bounded: if the tick never gave the budget, the loop ends by itself (in about a
    /// second) and the answer says so, instead of the test hanging.
    @Test("a long call on a thread that blocks signals (as pool threads may) still gets its budget")
    func budgetOnAThreadThatBlocksSignals() async throws {
        let answer = await withCheckedContinuation { (done: CheckedContinuation<String, Never>) in
            let thread = Thread {
                var all = sigset_t()
                sigfillset(&all)
                pthread_sigmask(SIG_BLOCK, &all, nil)
                do {
                    let vm = try engine([plugin("long", "return { filter = function(msg) for i = 1, 300000000 do end end }")],
                                        limits: ScriptLimits(instructions: 100_000))
                    done.resume(returning: "\(vm.call(.filter, plugin: "long", message: message()))")
                } catch {
                    done.resume(returning: "\(error)")
                }
            }
            thread.start()
        }
        #expect(answer.contains("instruction budget exceeded"), "\(answer)")
    }

    /// Each thread that runs Lua gets a CPU-time timer; pool threads come and go, so a thread's
    /// timer must go with it. The kernel lists the process's timers and whom they signal.
    @Test("a thread's CPU-time timer is deleted when the thread ends")
    func timerEndsWithItsThread() async throws {
        @Sendable func timersSignalling(_ thread: pid_t) -> Int {
            let listing = (try? String(contentsOfFile: "/proc/self/timers", encoding: .utf8)) ?? ""
            // "notify: signal/tid.1234" for a timer that signals thread 1234.
            return listing.split(separator: "\n").filter { $0.hasPrefix("notify: ") && $0.hasSuffix("/tid.\(thread)") }.count
        }
        let (thread, whileRunning) = await withCheckedContinuation { (done: CheckedContinuation<(pid_t, Int), Never>) in
            Thread {
                // Swift's Glibc has no gettid(): the kernel names this thread in /proc/thread-self.
                let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
                let thread = pid_t(link.split(separator: "/").last.flatMap { Int32($0) } ?? 0)
                guard let vm = try? engine([plugin("short", "return { filter = function(msg) return 1 end }")]) else {
                    done.resume(returning: (thread, -1))
                    return
                }
                _ = vm.call(.filter, plugin: "short", message: message())
                done.resume(returning: (thread, timersSignalling(thread)))
            }.start()
        }
        try #require(thread > 0, "no thread id from /proc/thread-self")
        #expect(whileRunning == 1, "the thread's first call arms one timer for it")
        // Bounded: the thread is gone from /proc within moments of its closure returning.
        let deadline = ContinuousClock.now + .seconds(5)
        while FileManager.default.fileExists(atPath: "/proc/self/task/\(thread)"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(!FileManager.default.fileExists(atPath: "/proc/self/task/\(thread)"))
        #expect(timersSignalling(thread) == 0)
    }

    @Test func pcallCannotSwallowTheBudget() throws {
        let sneaky = "return { filter = function(msg) while true do pcall(function() while true do end end) end end }"
        let vm = try engine([plugin("sneaky", sneaky)], limits: ScriptLimits(instructions: 100_000))
        guard case .failed(.budgetExceeded) = vm.call(.filter, plugin: "sneaky", message: message()) else {
            Issue.record("expected the budget to stop it")
            return
        }
    }

    @Test func memoryBombsStopAtTheCap() throws {
        let bombs = [
            "local s = string.rep('x', 64 * 1024 * 1024) return s",
            "local t = {} for i = 1, 1e8 do t[i] = i end",
            "local s = 'x' while true do s = s .. s end",
        ]
        for bomb in bombs {
            let vm = try engine([plugin("bomb", "return { filter = function(msg) \(bomb) end }")],
                                limits: ScriptLimits(instructions: 100_000_000, memoryBytes: 4 << 20))
            #expect(vm.call(.filter, plugin: "bomb", message: message()) == .failed(.memoryExceeded), "\(bomb)")
            #expect(vm.call(.filter, plugin: "bomb", message: message()) == .failed(.memoryExceeded), "\(bomb): again")
            #expect(vm.memoryInUse < 4 << 20)
        }
    }

    @Test func deepRecursionIsAnError() throws {
        let vm = try engine([plugin("deep", "local function f(n) return 1 + f(n + 1) end return { filter = function(msg) f(1) end }")],
                            limits: ScriptLimits(instructions: 50_000_000, memoryBytes: 64 << 20))
        let answer = vm.call(.filter, plugin: "deep", message: message())
        switch answer {
        case .failed(.runtime(let reason)): #expect(reason.contains("stack overflow"), "\(reason)")
        case .failed(.memoryExceeded), .failed(.budgetExceeded): break
        default: Issue.record("expected an error, got \(answer)")
        }
    }

    @Test func nonStringErrorsAreReported() throws {
        let vm = try engine([plugin("table_error", "return { filter = function(msg) error({ code = 1 }) end }")])
        #expect(vm.call(.filter, plugin: "table_error", message: message())
            == .failed(.runtime("the script raised an error that is not a string (a table value)")))
    }

    @Test func finalizersAreRefused() throws {
        let vm = try engine([plugin("gc", "return { filter = function(msg) setmetatable({}, { __gc = function() while true do end end }) end }")])
        guard case .failed(.runtime(let reason)) = vm.call(.filter, plugin: "gc", message: message()) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(reason.contains("__gc"))
    }

    @Test func pluginsCannotChangeEachOthersLibrariesOrGlobals() throws {
        let vandal = plugin("vandal", """
            shared = "vandal"
            string.upper = function() return "owned" end
            return { filter = function(msg) return nil end }
            """)
        let victim = plugin("victim", """
            return { rewrite_sender = function(msg)
                return string.upper(msg.source) .. (shared or "") .. tostring(getmetatable(""))
            end }
            """)
        let vm = try engine([vandal, victim])
        #expect(vm.call(.rewriteSender, plugin: "victim", message: message(source: "acme")) == .answer(.string("ACMEfalse")))
    }

    @Test func lookupStaysInThePluginsDirectory() {
        for path in ["/etc/passwd", "../secrets.csv", "data/../../x.csv"] {
            do {
                _ = try engine([plugin("nosy", "return { init = function(config) tern.lookup('\(path)') end }")])
                Issue.record("\(path) was read")
            } catch {
                #expect("\(error)".contains("plugin's own directory"), "\(error)")
            }
        }
    }

    @Test func lookupOnlyInInit() throws {
        let vm = try engine([plugin("late", "return { filter = function(msg) tern.lookup('x.csv') end }")])
        guard case .failed(.runtime(let reason)) = vm.call(.filter, plugin: "late", message: message()) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(reason.contains("only available in init"))
    }

    @Test func theVMServesAfterEveryKindOfFailure() throws {
        let mixed = plugin("mixed", """
            return { filter = function(msg)
                if msg.text == "spin" then while true do end end
                if msg.text == "bomb" then local s = string.rep("x", 1 << 30) end
                if msg.text == "boom" then error("boom") end
                if msg.text == "no" then tern.reject("ESME_RINVDSTADR", "not there") end
            end }
            """)
        let vm = try engine([mixed], limits: ScriptLimits(instructions: 100_000, memoryBytes: 4 << 20))
        for text in ["spin", "bomb", "boom", "no", "fine"] {
            _ = vm.call(.filter, plugin: "mixed", message: message(text: text))
            #expect(vm.vm.top == 0)
        }
        #expect(vm.call(.filter, plugin: "mixed", message: message(text: "fine")) == .answer(.null))
        #expect(vm.call(.filter, plugin: "mixed", message: message(text: "no")) == .rejected(status: "ESME_RINVDSTADR", reason: "not there"))
    }
}

@Suite struct AnswerConversionTests {
    @Test func hugeAndDeepAnswersAreBoundedAndLeaveTheStackClean() throws {
        let vm = try engine([plugin("big", """
            return {
                route = function(msg)
                    if msg.text == "wide" then
                        local t = {} for i = 1, 10000 do t["k" .. i] = i end return t
                    end
                    if msg.text == "deep" then
                        local t = {} local cur = t for i = 1, 50 do cur.next = {} cur = cur.next end return t
                    end
                    local t = {} for i = 1, 20000 do t[i] = "c" end return t
                end,
            }
            """)], limits: ScriptLimits(instructions: 10_000_000, memoryBytes: 64 << 20))
        for text in ["wide", "deep", "long"] {
            let answer = vm.call(.route, plugin: "big", message: message(text: text))
            #expect(vm.vm.top == 0, "\(text)")
            switch (text, answer) {
            case ("wide", .answer(.table(let fields))): #expect(fields.count == 10_000)
            case ("deep", .answer(.table)): break
            case ("long", .answer(.list(let values))): #expect(values.count == 10_000)
            default: Issue.record("\(text): \(answer)")
            }
        }
    }
}
