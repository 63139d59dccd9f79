import Admin
import Connectors
import Gateway
import Hummingbird
import Logging

/// Tern's HTTP port: the receipt webhooks of HTTP connectors now (the admin API joins later).
struct AdminHTTP: Sendable {
    private let task: Task<Void, any Error>

    static func start(gateway: TernGateway, configuration: TernConfig, reloader: GatewayReloader?, logger: Logger) async throws -> AdminHTTP? {
        guard let address = configuration.server.http else { return nil }
        let router = Router()
        ReceiptWebhookRoutes { name, body in
            // Looked up per request: a reload may have added or replaced the connector.
            guard let sink = gateway.connectors[name] as? HTTPSinkConnector else { throw ReceiptWebhookError.unknownConnector(name) }
            let receipt: UpstreamReceipt
            do {
                receipt = try HTTPSinkConnector.receipt(fromJSON: body)
            } catch {
                throw ReceiptWebhookError.invalidReceipt("\(error)")
            }
            sink.deliverWebhookReceipt(receipt)
        }.register(on: router)
        if let reloader {
            ReloadRoutes { await reloader.reload() }.register(on: router)
        }
        MetricsRoutes { gateway.metricsText() }.register(on: router)
        let app = Application(router: router, configuration: .init(address: .hostname(address.host, port: address.port)), logger: logger)
        // No signal handling of its own: `tern serve` owns SIGINT/SIGTERM (and SIGHUP), and a
        // second handler would take SIGTERM away from it, so the process would never exit.
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        logger.notice("HTTP listening", metadata: ["address": "\(address)"])
        return AdminHTTP(task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}
