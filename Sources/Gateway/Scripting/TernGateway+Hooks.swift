import Foundation
import Logging
import Scripting
import SMPP

/// The hooks that are not about a submitted message: binds and mobile-originated messages, and
/// loading a policy file the first time an account that names it binds.
extension TernGateway {
    enum HookAuthentication {
        case noAnswer
        case accepted
        case refused(CommandStatus, plugin: String)
    }

    func authenticationHooks(_ bind: ScriptBind, account: Account) -> HookAuthentication {
        let rules = self.rules
        let policies = policyFiles(for: account)
        guard rules.hasScripts || !policies.isEmpty else { return .noAnswer }
        let engine: PolicyEngine
        do {
            engine = try scripts.engine()
        } catch {
            countHookFailure(plugin: "scripts")
            logger.error("scripts could not be built on this thread", metadata: ["error": "\(error)"])
            return .refused(rules.config.scripting.errorStatus, plugin: "scripts")
        }
        let reseller = account.resellerID.flatMap { cachedAccount($0)?.systemID }
        switch engine.authenticate(bind, policies: policies, account: Self.scriptAccount(account, reseller: reseller)) {
        case .noAnswer: return .noAnswer
        case .accepted: return .accepted
        case .refused(let name, let plugin):
            guard let status = CommandStatus(name: name), status != .ok else {
                logger.error("authenticate answered an unknown status name", metadata: ["plugin": "\(plugin)", "status": "\(name)"])
                return .refused(.bindFailed, plugin: plugin)
            }
            return .refused(status, plugin: plugin)
        case .failed(let rejection):
            countHookFailure(plugin: rejection.plugin)
            logger.error("authenticate hook failed; bind refused", metadata: ["plugin": "\(rejection.plugin)", "error": "\(rejection)"])
            return .refused(rules.config.scripting.errorStatus, plugin: rejection.plugin)
        }
    }

    /// Which account receives an MO: the global `route_mo` hooks first, then `[[mo_route]]`.
    func mobileOriginatedAccount(_ message: MobileOriginatedMessage, connector: String, text: String) -> String? {
        let rules = self.rules
        if rules.hasScripts {
            do {
                let engine = try scripts.engine()
                let decodedText = try? TextDecoder().decode(message.shortMessage, dataCoding: DataCoding(rawValue: message.dataCoding))
                let mo = ScriptMO(source: message.source.value, destination: message.destination.value, text: decodedText,
                                  dataCoding: Int(message.dataCoding), connector: connector)
                switch engine.routeMO(mo) {
                case .success(let answer?): return answer.account
                case .success(nil): break
                case .failure(let rejection):
                    countHookFailure(plugin: rejection.plugin)
                    logger.error("route_mo hook failed; [[mo_route]] decides", metadata: ["plugin": "\(rejection.plugin)", "error": "\(rejection)"])
                }
            } catch {
                countHookFailure(plugin: "scripts")
                logger.error("scripts could not be built on this thread", metadata: ["error": "\(error)"])
            }
        }
        return rules.moRoutes.account(destination: message.destination.value, text: text)
    }

    /// Makes sure the policy files these accounts name are loaded; loads the missing ones into
    /// a new generation (the same validation as a reload). Returns the problem, if any.
    func loadPolicies(of accounts: [Account]) async -> String? {
        let wanted = Set(accounts.compactMap(\.policy))
        guard !wanted.isEmpty, !wanted.isSubset(of: Set(rules.scripts.policies.keys)) else { return nil }
        return await reloadLock.withLock {
            let current = self.rules
            let missing = wanted.subtracting(current.scripts.policies.keys)
            guard !missing.isEmpty else { return nil }
            do {
                let next = try current.adding(policyFiles: missing, generation: current.generation + 1)
                self.scripts.install(next.scripts)
                self.install(rules: next, connectors: self.connectors)
                logger.notice("policy loaded", metadata: ["files": "\(missing.sorted().joined(separator: ", "))", "generation": "\(next.generation)"])
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    /// This month's message count for volume tiers, from the store once per account.
    func seedVolume(accountID: Int64) async {
        guard rules.hasScripts, !volume.isSeeded(accountID: accountID) else { return }
        let since = VolumeCounter.startOfMonth(Date())
        if let count = try? await store.messageCount(accountID: accountID, since: MessageIDGenerator.firstID(at: since)) {
            volume.seed(count, accountID: accountID)
        }
    }
}

/// One reload (or policy load) at a time; waiting callers queue in order.
actor AsyncReloadLock {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func withLock<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        while busy {
            await withCheckedContinuation { waiters.append($0) }
        }
        busy = true
        let result = await body()
        busy = false
        if !waiters.isEmpty { waiters.removeFirst().resume() }
        return result
    }
}
