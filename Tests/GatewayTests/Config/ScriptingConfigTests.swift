import Foundation
import Gateway
import Scripting
import Testing

@Suite("[scripting] and [[plugin]] in the config, rule sets and reload diffs")
struct ScriptingConfigTests {
    static let base = """
    [[connector]]
    name = "sim"
    type = "simulator"

    [[connector]]
    name = "other"
    type = "simulator"

    [[route]]
    connectors = ["sim"]

    """


    @Test func settingsAndPluginsAreRead() throws {
        let config = try TernConfig.parse(Self.base + """
            [scripting]
            instruction_budget = 50000
            memory_limit_mb = 8
            error_status = "ESME_RSUBMITFAIL"
            authenticate = "instead"

            [[plugin]]
            file = "plugins/prefix_router.lua"
            default = ["sim"]

            [plugin.routes]
            "44" = [{ connector = "sim", weight = 2 }]

            [[plugin]]
            file = "plugins/content_filter.lua"
            name = "filter"
            block_urls = true
            """, file: "t.toml")
        #expect(config.scripting.limits == ScriptLimits(instructions: 50_000, memoryBytes: 8 << 20))
        #expect(config.scripting.errorStatus == .submitFailed)
        #expect(config.scripting.authentication == .instead)
        #expect(config.plugins.map(\.name) == ["prefix_router", "filter"])
        #expect(config.plugins[0].settings["default"] == .list([.string("sim")]))
        #expect(config.plugins[0].settings["routes"] == .table(["44": .list([.table(["connector": .string("sim"), "weight": .integer(2)])])]))
        #expect(config.plugins[1].settings == ["block_urls": .boolean(true)])
        #expect(config.plugins[1].line == 24)
    }

    @Test func problemsNameTheLine() {
        let found = configErrors(Self.base + """
            [scripting]
            error_status = "ESME_NOPE"
            authenticate = "sometimes"
            instruction_budget = 5

            [[plugin]]
            name = "nofile"

            [[plugin]]
            file = "plugins/x.txt"

            [[plugin]]
            file = "plugins/a.lua"

            [[plugin]]
            file = "other/a.lua"
            """)
        let lines = found.map(\.description)
        #expect(lines.contains { $0.hasPrefix("t.toml:12:") && $0.contains("\"ESME_NOPE\" is not an SMPP status name") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("t.toml:13:") && $0.contains("\"after\", \"instead\"") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("t.toml:14:") && $0.contains("between 1000 and") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("t.toml:16:") && $0.contains("missing file") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("t.toml:20:") && $0.contains("ending in .lua") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("t.toml:25:") && $0.contains("\"a\" is already used on line 22") }, "\(lines)")
        #expect(found.count == 6, "\(lines)")
    }

    @Test func ruleSetsReportScriptProblemsAsFileAndLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-rules-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "return {\n  filter = function(msg)\n    if msg.text then\n  end\n}\n".write(toFile: directory + "/broken.lua", atomically: true, encoding: .utf8)
        let config = try TernConfig.parse(Self.base + "[[plugin]]\nfile = \"\(directory)/broken.lua\"\n", file: "t.toml")
        #expect(throws: ConfigErrors.self) { try RuleSet.load(config: config, policyFiles: [], generation: 1) }
        do {
            _ = try RuleSet.load(config: config, policyFiles: [], generation: 1)
        } catch {
            #expect(error.errors.first?.file == directory + "/broken.lua")
            #expect(error.errors.first?.line == 5)
            #expect(error.errors.first?.reason.hasPrefix("syntax error:") == true, "\(error)")
        }
        let missing = try TernConfig.parse(Self.base + "[[plugin]]\nfile = \"\(directory)/none.lua\"\n", file: "t.toml")
        do {
            _ = try RuleSet.load(config: missing, policyFiles: ["\(directory)/policy.lua"], generation: 1)
            Issue.record("loaded")
        } catch {
            #expect(error.errors.map(\.description) == [
                "t.toml:11: [[plugin]] \"none\": \(directory)/none.lua: no such file",
                "\(directory)/policy.lua: policy file of an account: \(directory)/policy.lua: no such file",
            ])
        }
    }

    @Test func diffsSayWhatAReloadChanges() throws {
        // The base file with a route by prefix ahead of its default route.
        let before = try TernConfig.parse(Self.base.replacingOccurrences(
            of: "[[route]]\nconnectors", with: "[[route]]\nname = \"uk\"\nprefix = \"44\"\nconnectors = [\"sim\"]\n\n[[route]]\nconnectors"), file: "t.toml")
        var after = before
        after.routes[0].connectors = ["other"]
        after.connectors.removeLast()
        after.connectors.append(ConnectorSettings(name: "third", kind: .simulator(SimulatorSettings())))
        after.routes[0].connectors = ["third"]
        after.server.smpp = HostPort(host: "0.0.0.0", port: 2776)
        let old = RuleSetSummary(rules: RuleSet(generation: 1, config: before, scripts: ScriptSet(
            plugins: [PluginSource(name: "p", file: "p.lua", text: "return {}")])), configText: "", accounts: [])
        let new = RuleSetSummary(rules: RuleSet(generation: 2, config: after, scripts: ScriptSet(
            plugins: [PluginSource(name: "p", file: "p.lua", text: "return { }")])), configText: "",
            accounts: [Account(systemID: "acme", passwordHash: PasswordHash(hashing: "x", rounds: 1000), policy: "acme.lua")])
        let diff = ConfigDiff(from: old, to: new)
        #expect(diff.changes.contains("route changed: uk"), "\(diff.changes)")
        #expect(diff.changes.contains("connector added: third"), "\(diff.changes)")
        #expect(diff.changes.contains("connector removed: other (drains what it holds, then stops)"), "\(diff.changes)")
        #expect(diff.changes.contains("plugin changed: p"), "\(diff.changes)")
        #expect(diff.changes.contains("account acme: policy none → acme.lua"), "\(diff.changes)")
        #expect(diff.needsRestart.contains { $0.hasPrefix("[server] smpp") }, "\(diff.needsRestart)")
        #expect(ConfigDiff(from: new, to: new).isEmpty)
    }
}
