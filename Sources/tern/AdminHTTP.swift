import Admin
import Connectors
import Foundation
import Gateway
import Hummingbird
import Logging
import Scripting

/// Tern's HTTP port: the admin REST API, the receipt webhooks of HTTP connectors, and metrics.
struct AdminHTTP: Sendable {
    private let task: Task<Void, any Error>

    static func start(gateway: TernGateway, configuration: TernConfig, reloader: GatewayReloader?, logger: Logger) async throws -> AdminHTTP? {
        guard let address = configuration.server.http else { return nil }
        let router = Router(context: APIContext.self)
        ReceiptWebhookRoutes { name, body in
            // Looked up per request: a reload may have added or replaced the connector.
            guard let sink = gateway.connectors[name] as? HTTPSinkConnector else { throw ReceiptWebhookError.unknownConnector(name) }
            let receipt: UpstreamReceipt
            do {
                receipt = try HTTPSinkConnector.receipt(fromJSON: body)
            } catch {
                throw ReceiptWebhookError.invalidReceipt("\(error)")
            }
            guard await sink.deliverWebhookReceipt(receipt) else {
                throw ReceiptWebhookError(code: .notKept, message: "the receipt could not be stored now; send it again")
            }
        }.register(on: router)
        MetricsRoutes { gateway.metricsText() }.register(on: router)
        let localToken = try LocalAdminToken.create(dataDirectory: configuration.server.dataDirectory)
        let authenticator = APIAuthenticator(store: gateway.store, localToken: localToken, settings: { gateway.config.accounts })
        var reload: AdminAPI.Reload?
        if let reloader { reload = { await reloader.reload() } }
        AdminAPI(gateway: gateway, authenticator: authenticator, reload: reload, checkPolicy: PolicyCheck.problem(inFile:),
                 logger: logger).register(on: router)
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

/// Whether a policy file would load: compiled and its `init` run, as a reload does.
enum PolicyCheck {
    static func problem(inFile path: String) -> String? {
        do {
            let source = try PluginSource.read(file: path)
            _ = try PolicyEngine(ScriptSet(policies: [path: source]))
            return nil
        } catch {
            return ConfigError(scriptError: error).description
        }
    }
}

/// The admin token of this machine: a fresh random token written at every start to
/// `var/admin.token`, readable by the gateway's user only. `tern admin` and `tern reload`
/// read it, so the operator at the gateway's shell is the admin without a password, as with
/// `psql` over a Unix socket.
enum LocalAdminToken {
    static func path(dataDirectory: String) -> String { dataDirectory + "/admin.token" }

    static func create(dataDirectory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let token = "local_" + APIToken.newSecret() + APIToken.newSecret()
        let file = path(dataDirectory: dataDirectory)
        try? FileManager.default.removeItem(atPath: file)
        guard FileManager.default.createFile(atPath: file, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw LocalHTTP.Failure(description: "cannot write \(file)")
        }
        return token
    }

    static func read(dataDirectory: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path(dataDirectory: dataDirectory)) else { return nil }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }
}
