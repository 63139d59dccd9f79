import Foundation
import Logging
import Scripting

/// What a reload did.
public struct ReloadReport: Sendable, Hashable {
    public var generation: Int
    public var diff: ConfigDiff
    public var summary: RuleSetSummary
}

extension TernGateway {
    /// Reads `configPath`, every plugin and every policy file accounts name, validates the whole
    /// set, starts the connectors that are new or changed, and swaps everything in at once for
    /// new messages. Unchanged connectors keep their sessions; replaced and removed ones finish
    /// what they hold, then stop. Any problem leaves the running set as it was.
    public func reload(configPath: String, makeConnector: @escaping @Sendable (ConnectorSettings) -> any Connector,
                       prepare: @escaping @Sendable (TernConfig) throws -> Void = { _ in }) async -> Result<ReloadReport, ConfigErrors> {
        let result = await reloadLock.withLock { () -> Result<ReloadReport, ConfigErrors> in
            await self.reloadLocked(configPath: configPath, makeConnector: makeConnector, prepare: prepare)
        }
        switch result {
        case .success(let report):
            countReload(succeeded: true)
            logger.notice("reloaded", metadata: ["generation": "\(report.generation)", "changes": "\(report.diff.changes.count)"])
            for line in report.diff.changes { logger.notice("reload: \(line)") }
            for line in report.diff.needsRestart { logger.warning("reload: \(line) — takes effect after a restart") }
        case .failure(let errors):
            countReload(succeeded: false)
            for error in errors.errors { logger.error("reload refused; the running config stays: \(error)") }
        }
        return result
    }

    private func reloadLocked(configPath: String, makeConnector: @Sendable (ConnectorSettings) -> any Connector,
                              prepare: (TernConfig) throws -> Void) async -> Result<ReloadReport, ConfigErrors> {
        let current = rules
        let config: TernConfig
        let configText: String
        let accounts: [Account]
        let next: RuleSet
        do {
            config = try TernConfig.load(path: configPath)
            configText = String(decoding: FileManager.default.contents(atPath: configPath) ?? Data(), as: UTF8.self)
            do {
                accounts = try await store.accounts()
            } catch {
                return .failure(ConfigErrors([ConfigError(file: config.store.path, line: 0, reason: "cannot read accounts: \(error)")]))
            }
            next = try RuleSet.load(config: config, policyFiles: Set(accounts.compactMap(\.policy)), generation: current.generation + 1)
        } catch {
            return .failure(error)
        }
        do {
            try prepare(config)
        } catch let errors as ConfigErrors {
            return .failure(errors)
        } catch {
            return .failure(ConfigErrors([ConfigError(file: configPath, line: 0, reason: "\(error)")]))
        }

        // Connectors: the same object where the settings did not change.
        let running = connectors
        let previous = Dictionary(current.config.connectors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var nextConnectors: [String: any Connector] = [:]
        var started: [any Connector] = []
        for settings in config.connectors {
            if let old = previous[settings.name], old.kind == settings.kind, let connector = running[settings.name] {
                nextConnectors[settings.name] = connector
                continue
            }
            let connector = makeConnector(settings)
            do {
                try await connector.start(delegate: self)
            } catch {
                for connector in started { await connector.stop() }
                return .failure(ConfigErrors([ConfigError(file: config.sourceFile, line: settings.line,
                                                          reason: "[[connector]] \"\(settings.name)\" cannot start: \(error)")]))
            }
            started.append(connector)
            nextConnectors[settings.name] = connector
        }

        scripts.install(next.scripts)
        install(rules: next, connectors: nextConnectors)
        let retired = dispatcher.install(connectors: config.connectors.compactMap { nextConnectors[$0.name] })
        for connector in retired { retire(connector) }

        let summary = RuleSetSummary(rules: next, configText: configText, accounts: accounts)
        let before = RuleSetSummary(rules: current, configText: "", accounts: accounts)
        return .success(ReloadReport(generation: next.generation, diff: ConfigDiff(from: before, to: summary), summary: summary))
    }

    /// Lets a replaced or removed connector finish what it holds, then stops it.
    private func retire(_ connector: any Connector) {
        let dispatcher = self.dispatcher
        let logger = self.logger
        Task {
            let deadline = ContinuousClock.now.advanced(by: .seconds(600))
            while !dispatcher.isDrained(connector), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(100))
            }
            await connector.stop()
            dispatcher.forget(connector)
            logger.notice("connector retired by a reload", metadata: ["connector": "\(connector.name)"])
        }
    }
}
