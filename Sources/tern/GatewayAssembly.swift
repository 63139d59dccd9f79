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
        config.connectors.map { settings -> any Connector in
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
    }

    /// A password clients can type: 8 characters (SMPP 3.4's limit, which some clients enforce),
    /// letters and digits without look-alikes.
    static func randomPassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
