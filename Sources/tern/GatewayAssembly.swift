import Connectors
import Foundation
import Gateway
import Logging
import NIOCore
import Store

/// The composition root: turns a validated config into a store, connectors and a gateway.
enum GatewayAssembly {
    static func makeStore(_ config: TernConfig) throws -> SQLiteMessageStore {
        try SQLiteMessageStore(settings: config.store)
    }

    static func makeConnectors(_ config: TernConfig, group: any EventLoopGroup, logger: Logger) -> [any Connector] {
        config.connectors.map { makeConnector($0, group: group, logger: logger) }
    }

    static func makeConnector(_ settings: ConnectorSettings, group: any EventLoopGroup, logger: Logger) -> any Connector {
        var connectorLogger = logger
        connectorLogger[metadataKey: "connector"] = "\(settings.name)"
        switch settings.kind {
        case .simulator(let simulator):
            return SimulatorConnector(name: settings.name, settings: simulator, logger: connectorLogger)
        case .smpp(let smpp):
            return SMPPUpstreamConnector(name: settings.name, settings: smpp, group: group, logger: connectorLogger)
        case .http(let http):
            return HTTPSinkConnector(name: settings.name, settings: http, group: group, logger: connectorLogger)
        }
    }

    /// The first generation: the config's plugins and every policy file accounts name, built
    /// once to prove they load.
    static func initialRules(_ config: TernConfig, store: SQLiteMessageStore) async throws -> (RuleSet, [Account]) {
        try await store.migrate()
        let accounts = try await store.accounts()
        let rules = try RuleSet.load(config: config, policyFiles: Set(accounts.compactMap(\.policy)), generation: 1)
        return (rules, accounts)
    }

    /// A password clients can type: 8 characters (SMPP 3.4's limit, which some clients enforce),
    /// letters and digits without look-alikes.
    static func randomPassword(length: Int = 8) -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
