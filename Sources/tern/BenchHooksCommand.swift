import ArgumentParser
import Foundation
import Gateway
import Scripting

/// The shipped plugins as the benchmarks load them: sender rules (filter, rewrite_sender),
/// the prefix router (route) and prefix pricing (bill), and optionally the content filter.
enum BenchPlugins {
    /// `alternate`, when given, takes a weighted share of UK mobile traffic.
    static func sources(directory: String, connector: String, alternate: String? = nil, contentFilter: Bool) throws -> [PluginSource] {
        var plugins: [PluginSource] = []
        if contentFilter {
            plugins.append(try PluginSource.read(file: directory + "/content_filter.lua", settings: [
                "keywords": .list([.string("casino"), .string("free money"), .string("lottery")]),
                "block_urls": .boolean(true), "allow_domains": .list([.string("example.com")]),
            ]))
        }
        plugins.append(try PluginSource.read(file: directory + "/sender_rules.lua", settings: [
            "allowed": .table(["bench": .list([.string("Bench"), .string("4477*")]), "acme": .list([.string("ACME")])]),
            "numeric_for": .table(["bench": .string("447700900001")]),
        ]))
        plugins.append(try PluginSource.read(file: directory + "/prefix_router.lua", settings: [
            "routes": .table([
                "447": .list([.table(["connector": .string(connector), "weight": .integer(3)])]
                    + (alternate.map { [.table(["connector": .string($0), "weight": .integer(1)])] } ?? [])),
                "44": .list([.table(["connector": .string(connector)])]),
                "49": .list([.table(["connector": .string(connector)])]),
            ]),
            "default": .list([.string(connector)]),
        ]))
        plugins.append(try PluginSource.read(file: directory + "/prefix_pricing.lua", settings: [
            "prices": .table(["44": .integer(32), "447": .integer(35), "49": .integer(71), "1": .integer(9)]),
            "default_price": .integer(60),
            "tiers": .list([.table(["from": .integer(10_000), "discount_percent": .integer(5)])]),
        ]))
        return plugins
    }
}

extension BenchCommand {
    struct Hooks: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The full hook chain (filter, rewrite_sender, route, bill) over the shipped plugins, per message, on one thread.",
            discussion: "Reports the per-message cost of PolicyEngine.evaluate as percentiles, and messages per second on one core. Use a release build (scripts/run bench hooks).")

        @Option(help: "Messages to decide.") var count = 200_000
        @Option(help: "The shipped plugins' directory.") var plugins = "plugins"
        @Flag(help: "Add the content filter (a fourth plugin) to the chain.") var contentFilter = false

        func run() throws {
            #if DEBUG
            print("note: this is a debug build; use scripts/run bench hooks for real figures")
            #endif
            let sources = try BenchPlugins.sources(directory: plugins, connector: "sink", alternate: "sink-b", contentFilter: contentFilter)
            let engine = try PolicyEngine(ScriptSet(plugins: sources), connectors: {
                ["sink": ConnectorStatus(up: true), "sink-b": ConnectorStatus(up: true)]
            })
            // Each number with the route BenchPlugins gives it, for the report.
            let destinations: [(number: String, route: String)] = [
                ("447700900123", "447… (weighted 3:1 split, failover order)"),
                ("447911123456", "447… (weighted 3:1 split, failover order)"),
                ("4915112345678", "49… (one connector)"),
                ("12125550100", "1… (default list)"),
                ("33612345678", "33… (default list)"),
            ]
            let messages = (0..<1_000).map { index in
                ScriptMessage(id: String(386_000_000_000_000_000 + index), account: "bench", source: "Bench",
                              destination: destinations[index % destinations.count].number, text: "Your code is \(100_000 + index). It expires in 10 minutes.",
                              parts: 1, volume: index * 20)
            }
            let resolve: ([String]?, String) -> Result<[String], PolicyRejection> = { answer, _ in .success(answer ?? ["sink"]) }
            for message in messages.prefix(500) { _ = engine.evaluate(message, policies: [], resolveRoute: resolve) }

            var samples = [UInt64](repeating: 0, count: count)
            // The same samples by destination: the weighted split (447…) takes the router's
            // longest path, so its own median is reported too, not hidden in the overall one.
            var byDestination = [[UInt64]](repeating: [], count: destinations.count)
            var accepted = 0
            let started = DispatchTime.now().uptimeNanoseconds
            for index in 0..<count {
                // Taken out of the array before the clock starts: the copy is the harness's cost,
                // not the chain's.
                let message = messages[index % messages.count]
                let before = DispatchTime.now().uptimeNanoseconds
                let decision = engine.evaluate(message, policies: [], resolveRoute: resolve)
                samples[index] = DispatchTime.now().uptimeNanoseconds - before
                byDestination[index % messages.count % destinations.count].append(samples[index])
                if decision.rejection == nil { accepted += 1 }
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            samples.sort()
            /// The p-th fraction of sorted nanosecond samples, in µs.
            func percentile(_ p: Double, of sorted: [UInt64] = samples) -> String {
                String(format: "%.2f µs", Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000)
            }
            let names = sources.map(\.name).joined(separator: ", ")
            print("tern bench hooks: \(count) messages through \(sources.count) plugins (\(names)); \(accepted) accepted")
            print("per message: p50 \(percentile(0.5))  p90 \(percentile(0.9))  p99 \(percentile(0.99))  max \(percentile(1.0))")
            print(String(format: "one thread: %.0f messages/s; Lua memory %d KB", Double(count) / elapsed, engine.memoryInUse / 1024))
            for (position, destination) in destinations.enumerated() {
                var own = byDestination[position]
                guard !own.isEmpty else { continue }
                own.sort()
                print("  \(destination.number) → \(destination.route): p50 \(percentile(0.5, of: own))  p99 \(percentile(0.99, of: own))")
            }
            do {
                let calibration = try Self.budgetTrip()
                print(String(format: "this machine now: a `while true do end` hook is stopped after %.2f ms (median of %d): "
                             + "uncounted for its first one to two ticks of CPU time (at least %d ms each; the kernel's scheduler tick), "
                             + "then its %d-instruction budget (2.3 ms for the budget alone on the machine of shared/reference/lua-in-swift.md)",
                             calibration.milliseconds, calibration.runs, ScriptLimits.shortestTickMilliseconds, calibration.instructions))
            } catch {
                print("this machine now: the calibration hook failed: \(error)")
            }
        }

        /// How fast this machine runs budgeted Lua right now: a hook that loops until the
        /// instruction budget stops it. Shared VMs swing by 2× between runs; printing this beside
        /// the chain's figures says which kind of window they were taken in.
        static func budgetTrip(runs: Int = 15) throws -> (milliseconds: Double, instructions: Int, runs: Int) {
            let spin = PluginSource(name: "spin", file: "spin.lua", text: "return { filter = function(msg) while true do end end }")
            let limits = ScriptLimits()
            let engine = try PolicyEngine(ScriptSet(limits: limits, plugins: [spin]))
            let message = ScriptMessage(id: "1", account: "bench", source: "Bench", destination: "447700900123", text: "spin")
            var times: [Double] = []
            for _ in 0..<runs {
                let before = DispatchTime.now().uptimeNanoseconds
                let decision = engine.evaluate(message, policies: []) { answer, _ in .success(answer ?? ["sink"]) }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - before) / 1e6
                guard case .failed(.budgetExceeded)? = decision.rejection?.cause else {
                    throw ValidationError("the calibration hook was not stopped by its budget (\(String(describing: decision.rejection)))")
                }
                times.append(elapsed)
            }
            times.sort()
            return (times[times.count / 2], limits.instructions, runs)
        }
    }
}
