import Foundation
import Gateway
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// What SIGHUP, `tern reload` and `POST /api/v1/reload` all run: the gateway's reload plus the
/// parts that live outside it (the TLS certificate of the listeners, the record of the running
/// generation that `tern check-config --diff` compares against).
final class GatewayReloader: Sendable {
    let gateway: TernGateway
    let configPath: String
    private let group: any EventLoopGroup
    private let logger: Logger
    private let server = NIOLockedValueBox<SMPPServer?>(nil)

    init(gateway: TernGateway, configPath: String, group: any EventLoopGroup, logger: Logger) {
        self.gateway = gateway
        self.configPath = configPath
        self.group = group
        self.logger = logger
    }

    func attach(_ server: SMPPServer) {
        self.server.withLockedValue { $0 = server }
    }

    func reload() async -> Result<ReloadReport, ConfigErrors> {
        let group = self.group
        let logger = self.logger
        let configPath = self.configPath
        let tls = NIOLockedValueBox<NIOSSLContext?>(nil)
        let result = await gateway.reload(configPath: configPath, makeConnector: { settings in
            GatewayAssembly.makeConnector(settings, group: group, logger: logger)
        }, prepare: { config in
            guard config.server.smppTLS != nil else { return }
            do {
                let identity = try TLSIdentity.load(settings: config.server)
                tls.withLockedValue { $0 = identity.context }
            } catch {
                throw ConfigErrors([ConfigError(file: configPath, line: 0, reason: "TLS certificate: \(error)")])
            }
        })
        if case .success(let report) = result {
            let server = self.server.withLockedValue { $0 }
            if let context = tls.withLockedValue({ $0 }) { server?.replaceTLS(context) }
            server?.warmScripts()
            ActiveRules.write(report.summary, dataDirectory: gateway.config.server.dataDirectory, logger: logger)
        }
        return result
    }
}

/// The running generation, on disk: `tern check-config --diff` compares a config against it.
enum ActiveRules {
    static func path(dataDirectory: String) -> String { dataDirectory + "/active-rules.json" }

    static func write(_ summary: RuleSetSummary, dataDirectory: String, logger: Logger) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(summary).write(to: URL(fileURLWithPath: path(dataDirectory: dataDirectory)), options: .atomic)
        } catch {
            logger.warning("could not record the running config for check-config --diff", metadata: ["error": "\(error)"])
        }
    }

    static func read(dataDirectory: String) -> RuleSetSummary? {
        guard let data = FileManager.default.contents(atPath: path(dataDirectory: dataDirectory)) else { return nil }
        return try? JSONDecoder().decode(RuleSetSummary.self, from: data)
    }
}
