import Connectors
import Foundation
import Gateway
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SMPP
import Store

/// A real gateway on loopback for end-to-end tests: a temporary directory with its SQLite file,
/// listeners on ephemeral ports, the connectors the test asks for, and an account to bind with.
final class GatewayHarness: Sendable {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    let directory: String
    let gateway: TernGateway
    let server: SMPPServer
    let store: SQLiteMessageStore
    let port: Int
    let tlsPort: Int?
    let systemID = "client1"
    let password = "secret1"

    /// `configure` edits the config before start (connectors, routes, limits).
    init(directory: String? = nil, tls: Bool = false, account: (inout Account) -> Void = { _ in },
         connectors: [any Connector]? = nil, configure: (inout TernConfig) -> Void = { _ in }) async throws {
        let directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("tern-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        var config = TernConfig(
            server: ServerSettings(smpp: HostPort(host: "127.0.0.1", port: 0), smppTLS: tls ? HostPort(host: "127.0.0.1", port: 0) : nil,
                                   http: nil, window: 50, dataDirectory: directory),
            store: StoreSettings(path: directory + "/tern.sqlite", durability: .normal),
            connectors: [ConnectorSettings(name: "simulator", kind: .simulator(SimulatorSettings(minDelayMilliseconds: 10, maxDelayMilliseconds: 50)))],
            routes: [RouteRule(name: "default", connectors: ["simulator"])],
            sourceFile: "test")
        configure(&config)
        var logger = Logger(label: "tern-test")
        logger.logLevel = .warning
        store = try SQLiteMessageStore(settings: config.store)
        let built = connectors ?? config.connectors.compactMap { settings -> (any Connector)? in
            if case .simulator(let simulator) = settings.kind {
                return SimulatorConnector(name: settings.name, settings: simulator, logger: logger)
            }
            return nil
        }
        gateway = TernGateway(config: config, store: store, connectors: built, logger: logger)
        try await gateway.start()
        if try await store.account(systemID: systemID) == nil {
            var client = Account(systemID: systemID, passwordHash: PasswordHash(hashing: password, rounds: 1000), maxBinds: 4)
            account(&client)
            _ = try await store.insertAccount(client)
        }
        var context: NIOSSLContext?
        if tls { context = try TLSIdentity.load(settings: config.server).context }
        server = SMPPServer(gateway: gateway, group: Self.group, tls: context)
        let addresses = try await server.start()
        port = addresses.plain?.port ?? 0
        tlsPort = addresses.tls?.port
    }

    func client(tls: NIOSSLContext? = nil, window: Int = 10) async throws -> SMPPClient {
        try await SMPPClient.connect(host: "127.0.0.1", port: tls == nil ? port : (tlsPort ?? 0), group: Self.group, tls: tls, windowSize: window)
    }

    func boundClient(_ type: BindType = .transceiver, window: Int = 10) async throws -> SMPPClient {
        let client = try await client(window: window)
        let response = try await client.bind(type, systemID: systemID, password: password)
        guard response.commandStatus == .ok else { throw HarnessError.bindRefused(response.commandStatus) }
        return client
    }

    func stop(removeFiles: Bool = true) async {
        await server.stop()
        await gateway.stop()
        try? await store.close()
        if removeFiles { try? FileManager.default.removeItem(atPath: directory) }
    }

    enum HarnessError: Error { case bindRefused(CommandStatus), timeout(String), noAccount(String) }
}

func submitSM(to destination: String = "447700900123", from source: String = "Tern", text: String = "hello",
              registeredDelivery: RegisteredDelivery = .receipt) -> PDU.Body {
    .submitSM(SubmitSM(source: Address(ton: .alphanumeric, npi: .unknown, value: source),
                       destination: Address(ton: .international, npi: .isdn, value: destination),
                       registeredDelivery: registeredDelivery, shortMessage: ByteBuffer(string: text)))
}

struct MissingMessage: Error, CustomStringConvertible {
    let id: String?
    var description: String { "no stored message for id \(id ?? "nil")" }
}

extension GatewayHarness {
    /// Tern's id in a submit_sm_resp; nil when it has none.
    static func messageID(in response: PDU) -> MessageID? {
        guard case .submitSMResp(let resp) = response.body, let text = resp.messageID else { return nil }
        return MessageID(text)
    }

    /// The receipts stored for the test account, read every 20 ms (for at most 5 s) until
    /// `done` accepts the count; returns the last count read.
    func pendingReceipts(until done: (Int) -> Bool) async throws -> Int {
        guard let accountID = try await store.account(systemID: systemID)?.id else { throw HarnessError.noAccount(systemID) }
        var count = try await store.pendingReceiptCount(accountID: accountID)
        for _ in 0..<250 where !done(count) {
            try await Task.sleep(for: .milliseconds(20))
            count = try await store.pendingReceiptCount(accountID: accountID)
        }
        return count
    }

    /// The stored message behind an id from a submit response.
    func stored(_ id: String?) async throws -> Message {
        guard let id, let messageID = MessageID(id), let message = try await store.message(messageID) else { throw MissingMessage(id: id) }
        return message
    }
}
