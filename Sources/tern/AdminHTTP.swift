import Admin
import Connectors
import Gateway
import Hummingbird
import Logging

/// Tern's HTTP port: the receipt webhooks of HTTP connectors now (the admin API joins later).
struct AdminHTTP: Sendable {
    private let task: Task<Void, any Error>

    static func start(gateway: TernGateway, configuration: TernConfig, logger: Logger) async throws -> AdminHTTP? {
        guard let address = configuration.server.http else { return nil }
        let sinks = gateway.connectors.compactMapValues { $0 as? HTTPSinkConnector }
        let router = Router()
        ReceiptWebhookRoutes { name, body in
            guard let sink = sinks[name] else { throw ReceiptWebhookError.unknownConnector(name) }
            let receipt: UpstreamReceipt
            do {
                receipt = try HTTPSinkConnector.receipt(fromJSON: body)
            } catch {
                throw ReceiptWebhookError.invalidReceipt("\(error)")
            }
            sink.deliverWebhookReceipt(receipt)
        }.register(on: router)
        let app = Application(router: router, configuration: .init(address: .hostname(address.host, port: address.port)), logger: logger)
        let task = Task { try await app.runService() }
        logger.notice("HTTP listening", metadata: ["address": "\(address)"])
        return AdminHTTP(task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}
