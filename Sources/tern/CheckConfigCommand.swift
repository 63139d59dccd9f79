import ArgumentParser
import Foundation
import Gateway
import Store

/// `tern check-config`: validate a config file and its plugins without starting anything, for
/// editors, CI and deploy scripts; with `--diff`, what a reload would change.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a config file and its plugins, and report every problem.",
        discussion: """
            Prints "FILE: ok (N connectors, M routes, P plugins)" and exits 0, or prints each problem as FILE:LINE: reason on \
            standard error and exits 1. Plugins are compiled and their init run; accounts' policy files are checked too \
            when the store exists. With --diff, also prints what a reload (SIGHUP, tern reload) would change compared \
            with what the server is running.
            """
    )

    @Argument(help: "The config file.")
    var file: String = "etc/tern.toml"

    @Flag(help: "Show what a reload would change: routes, connectors, plugins, accounts' policies.")
    var diff = false

    func run() async throws {
        let config: TernConfig
        let rules: RuleSet
        var accounts: [Account] = []
        do {
            config = try TernConfig.load(path: file)
            if FileManager.default.fileExists(atPath: config.store.path) {
                let store = try SQLiteMessageStore(settings: config.store)
                try await store.migrate()
                accounts = try await store.accounts()
                try? await store.close()
            }
            rules = try RuleSet.load(config: config, policyFiles: Set(accounts.compactMap(\.policy)), generation: 0)
        } catch let errors as ConfigErrors {
            FileHandle.standardError.write(Data((errors.description + "\n").utf8))
            throw ExitCode(1)
        }
        print("\(file): ok (\(Self.count(config.connectors.count, "connector")), \(Self.count(config.routes.count, "route")), "
              + "\(Self.count(config.plugins.count, "plugin"))\(rules.scripts.policies.isEmpty ? "" : ", \(Self.count(rules.scripts.policies.count, "policy file"))"))")
        guard diff else { return }
        let text = String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self)
        let candidate = RuleSetSummary(rules: rules, configText: text, accounts: accounts)
        guard let running = ActiveRules.read(dataDirectory: config.server.dataDirectory) else {
            print("no running generation recorded in \(ActiveRules.path(dataDirectory: config.server.dataDirectory)) (has the server started?); nothing to compare with")
            return
        }
        let changes = ConfigDiff(from: running, to: candidate)
        if changes.isEmpty {
            print("a reload would change nothing (running generation \(running.generation))")
            return
        }
        print("a reload would change (running generation \(running.generation)):")
        for line in changes.changes { print("  \(line)") }
        for line in changes.needsRestart { print("  needs a restart, not applied by a reload: \(line)") }
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        number == 1 ? "1 \(noun)" : "\(number) \(noun == "policy file" ? "policy files" : noun + "s")"
    }
}
