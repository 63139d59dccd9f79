import ArgumentParser
import Foundation
import Gateway
import Scripting
import SMPP
import Store

/// `tern route explain`: the whole decision for one message, as the server would make it.
struct RouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Explain routing decisions.",
        subcommands: [Explain.self]
    )

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print which plugins run for a message, what each answers, which route matches, the price, and why.",
            discussion: "Reads the config, its plugins and the account (with its reseller and policies) from the store. Connectors are reported to scripts as up, since no server state is read.")

        @Option(help: "The account's system_id.")
        var account: String

        @Option(help: "The destination number.")
        var to: String

        @Option(help: "The sender (default: the account's system_id).")
        var from: String?

        @Option(help: "The message text.")
        var text: String = "test"

        @Option(name: .shortAndLong, help: "The config file.")
        var config = "etc/tern.toml"

        func run() async throws {
            let settings: TernConfig
            let rules: RuleSet
            let accounts: [Account]
            do {
                settings = try TernConfig.load(path: config)
                let store = try SQLiteMessageStore(settings: settings.store)
                try await store.migrate()
                accounts = try await store.accounts()
                try? await store.close()
                rules = try RuleSet.load(config: settings, policyFiles: Set(accounts.compactMap(\.policy)), generation: 0)
            } catch let errors as ConfigErrors {
                FileHandle.standardError.write(Data("\(errors)\n".utf8))
                throw ExitCode(1)
            }
            guard let owner = accounts.first(where: { $0.systemID == account }), let accountID = owner.id else {
                throw ValidationError("no account with system_id '\(account)' (tern admin accounts list)")
            }
            let reseller = owner.resellerID.flatMap { id in accounts.first { $0.id == id } }
            let encoded = TextEncoder().encode(text)
            let sender = from ?? owner.systemID
            let message = Message(
                id: MessageIDGenerator().next(), accountID: accountID, systemID: owner.systemID,
                source: TernGateway.senderAddress(sender) ?? WireAddress(ton: 5, value: sender),
                destination: WireAddress(ton: 1, npi: 1, value: to.hasPrefix("+") ? String(to.dropFirst()) : to),
                registeredDelivery: 1, dataCoding: encoded.dataCoding.rawValue, shortMessage: encoded.octets, receivedAt: Date())
            let policies = [reseller?.policy, owner.policy].compactMap { $0 }

            print("message: \(owner.systemID)\(reseller.map { " (reseller \($0.systemID))" } ?? "") \(sender) → \(message.destination.value), data_coding \(message.dataCoding)")
            let chain = rules.scripts.plugins.map { "\($0.name) (global)" }
                + (reseller?.policy.map { ["\($0) (policy of reseller \(reseller?.systemID ?? ""))"] } ?? [])
                + (owner.policy.map { ["\($0) (policy of \(owner.systemID))"] } ?? [])
            print("plugins: \(chain.isEmpty ? "none" : chain.joined(separator: ", "))")

            var matchedRoute: String?
            let resolve: ([String]?, String) -> Result<[String], PolicyRejection> = { answer, source in
                if answer == nil, let found = rules.config.routes.isEmpty ? nil : RouteLookup.match(rules, message: message, source: source) {
                    matchedRoute = found
                }
                return TernGateway.resolveRoute(answer, source: source, message: message, rules: rules)
            }
            let decision: PolicyDecision
            if rules.hasScripts {
                let engine: PolicyEngine
                do {
                    engine = try PolicyEngine(rules.scripts, connectors: {
                        Dictionary(uniqueKeysWithValues: settings.connectors.map { ($0.name, ConnectorStatus(up: true)) })
                    })
                } catch {
                    FileHandle.standardError.write(Data("\(ConfigError(scriptError: error))\n".utf8))
                    throw ExitCode(1)
                }
                let input = TernGateway.scriptMessage(message, account: owner, reseller: reseller?.systemID, clientIP: nil, volume: 0)
                decision = engine.evaluate(input, policies: policies, trace: true, resolveRoute: resolve)
                for call in decision.trace {
                    print("  \(call.plugin).\(call.hook.rawValue): \(call.answer)  (\(String(format: "%.1f", Double(call.nanoseconds) / 1000)) µs)")
                    for line in call.logs { print("    log \(line.level): \(line.text)") }
                }
            } else {
                var plain = PolicyDecision()
                switch resolve(nil, message.source.value) {
                case .success(let route): plain.route = route
                case .failure(let rejection): plain.rejection = rejection
                }
                decision = plain
            }
            if decision.rejection == nil {
                if let plugin = decision.routedBy {
                    print("route: \(decision.route?.joined(separator: " → ") ?? "") (answered by \(plugin).route)")
                } else {
                    print("route: \(decision.route?.joined(separator: " → ") ?? "") ([[route]] \"\(matchedRoute ?? "?")\": no plugin answered route)")
                }
            }
            print("result: " + ScriptJSON.verdict(decision))
            if decision.rejection != nil { throw ExitCode(1) }
        }
    }
}

/// The name of the `[[route]]` that matches, for explanations.
enum RouteLookup {
    static func match(_ rules: RuleSet, message: Message, source: String) -> String? {
        RouteTable(rules.config.routes).connectors(account: message.systemID, destination: message.destination.value,
                                                   source: source, dataCoding: message.dataCoding)?.route
    }
}
