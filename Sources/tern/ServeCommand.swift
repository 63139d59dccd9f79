import ArgumentParser
import Connectors
import Foundation
import Gateway
import Logging
import NIOCore
import NIOPosix
import Store

#if canImport(Glibc)
import Glibc
#endif

/// `tern serve`: runs the gateway.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway (SMPP and SMPP over TLS listeners, store, connectors).",
        discussion: "With no arguments it reads etc/tern.toml. The first start creates an account and prints its system_id and password once.")

    @Option(name: .shortAndLong, help: "The config file.")
    var config = "etc/tern.toml"

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel = "info"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "tern")
        let configuration: TernConfig
        do {
            configuration = try TernConfig.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        try FileManager.default.createDirectory(atPath: configuration.server.dataDirectory, withIntermediateDirectories: true)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let store = try GatewayAssembly.makeStore(configuration)
        let rules: RuleSet
        let accounts: [Account]
        do {
            (rules, accounts) = try await GatewayAssembly.initialRules(configuration, store: store)
        } catch let errors as ConfigErrors {
            FileHandle.standardError.write(Data("\(errors)\n".utf8))
            throw ExitCode(1)
        }
        let connectors = GatewayAssembly.makeConnectors(configuration, group: group, logger: logger)
        let gateway = TernGateway(config: configuration, store: store, connectors: connectors, logger: logger, scripts: rules.scripts)
        try await gateway.start()
        try await createFirstAccountIfNeeded(store: store)
        let configText = String(decoding: FileManager.default.contents(atPath: config) ?? Data(), as: UTF8.self)
        ActiveRules.write(RuleSetSummary(rules: gateway.rules, configText: configText, accounts: accounts),
                          dataDirectory: configuration.server.dataDirectory, logger: logger)
        if !rules.scripts.plugins.isEmpty {
            logger.notice("plugins loaded", metadata: ["plugins": "\(rules.scripts.plugins.map(\.name).joined(separator: ", "))",
                                                       "policies": "\(rules.scripts.policies.count)"])
        }

        var tlsContext: NIOSSLContextBox?
        if configuration.server.smppTLS != nil {
            let identity = try TLSIdentity.load(settings: configuration.server)
            logger.notice("TLS certificate", metadata: [
                "file": "\(identity.certificatePath)", "sha256": "\(identity.fingerprint)",
                "generated": "\(identity.generated)"])
            tlsContext = NIOSSLContextBox(identity.context)
        }
        let server = SMPPServer(gateway: gateway, group: group, tls: tlsContext?.context)
        try await server.start()
        server.warmScripts()
        let reloader = GatewayReloader(gateway: gateway, configPath: config, group: group, logger: logger)
        reloader.attach(server)
        let http = try await AdminHTTP.start(gateway: gateway, configuration: configuration, reloader: reloader, logger: logger)
        let pidFile = configuration.server.dataDirectory + "/tern.pid"
        try? Data("\(getpid())\n".utf8).write(to: URL(fileURLWithPath: pidFile))
        ReloadSignal.install {
            logger.notice("SIGHUP: reloading", metadata: ["config": "\(config)"])
            _ = await reloader.reload()
        }

        await ShutdownSignal.wait()
        logger.notice("shutting down")
        try? FileManager.default.removeItem(atPath: pidFile)
        await server.stop()
        await http?.stop()
        await gateway.stop()
        try? await store.close()
        try? await group.shutdownGracefully()
    }

    private func createFirstAccountIfNeeded(store: SQLiteMessageStore) async throws {
        guard try await store.accounts().isEmpty else { return }
        let password = GatewayAssembly.randomPassword()
        let loginPassword = GatewayAssembly.randomPassword(length: 16)
        // The aggregator's own account: it binds over SMPP, and logs in to the API as the admin.
        var account = Account(systemID: "tern", passwordHash: PasswordHash(hashing: password), maxBinds: 0)
        account.role = .admin
        account.loginPasswordHash = PasswordHash(hashing: loginPassword)
        _ = try await store.insertAccount(account)
        // Printed once, on standard output, so a script can pick it up; never logged.
        FileHandle.standardOutput.write(Data(("first start: created account system_id: \(account.systemID) password: \(password) (transceiver allowed, no throughput limit)"
            + " login password: \(loginPassword) (admin, for the HTTP API)\n").utf8))
    }
}

import NIOSSL

/// Carries a TLS context across the optional binding above without making it a `var` of a
/// non-Sendable type in an async function.
struct NIOSSLContextBox: Sendable {
    let context: NIOSSLContext
    init(_ context: NIOSSLContext) { self.context = context }
}

/// Waits for SIGINT or SIGTERM.
enum ShutdownSignal {
    static func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            var sources: [DispatchSourceSignal] = []
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    if once.set() { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            // The sources must outlive this scope; they live until the process ends.
            SignalSources.keep(sources)
        }
    }
}

final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false

    /// True the first time only.
    func set() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}

/// SIGHUP reloads; each signal runs one reload after the one before it finished.
enum ReloadSignal {
    static func install(_ reload: @escaping @Sendable () async -> Void) {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler {
            Task { await reload() }
        }
        source.resume()
        SignalSources.keep([source])
    }
}

enum SignalSources {
    nonisolated(unsafe) private static var kept: [DispatchSourceSignal] = []
    static func keep(_ sources: [DispatchSourceSignal]) { kept.append(contentsOf: sources) }
}
