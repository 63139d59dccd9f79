import Crypto
import Foundation
import Logging
import NIOConcurrencyHelpers
import Scripting
import SMPP

/// The gateway's domain services wired together: what a client session calls to bind and submit,
/// and what connectors report back to. Transport-free: the SMPP listeners (`SMPPServer`) sit in
/// front of it, connectors behind it.
public final class TernGateway: Sendable {
    public let store: any MessageStore
    public let committer: GroupCommitter
    public let registry: SessionRegistry
    public let delivery: ClientDelivery
    public let correlations: CorrelationCache
    public let ids: MessageIDGenerator
    public let limiter = ThroughputLimiter()
    public let logger: Logger
    /// The hooks: the current script set and each thread's VM.
    public let scripts: ScriptRuntime
    public let volume = VolumeCounter()
    public let metrics: GatewayMetrics
    private let rulesBox: NIOLockedValueBox<RuleSet>
    private let connectorBox: NIOLockedValueBox<[String: any Connector]>
    /// Serialises reloads: one builds and swaps at a time.
    let reloadLock = AsyncReloadLock()
    private let bindGuard: NIOLockedValueBox<BindGuard>
    private let verifiedPasswords = NIOLockedValueBox(Set<[UInt8]>())
    private let accountsByID = NIOLockedValueBox([Int64: Account]())
    private let dispatcherBox = NIOLockedValueBox<Dispatcher?>(nil)
    private let counters = NIOLockedValueBox(Counters())
    private let clock = ContinuousClock()
    private let origin = ContinuousClock.now

    /// Figures for logs, tests and (later) metrics.
    public struct Counters: Sendable, Hashable {
        public var submitsAccepted = 0
        public var submitsRefused = 0
        public var receiptsMatched = 0
        public var receiptsUnmatched = 0
        public var mobileOriginated = 0
        public var mobileOriginatedUnrouted = 0
        public var bindsRefused = 0
        /// Hook errors, budget and memory overruns, bad answers.
        public var hookFailures = 0
        public var reloads = 0
        public var reloadsRefused = 0
    }

    public init(config: TernConfig, store: any MessageStore, connectors: [any Connector], logger: Logger,
                scripts: ScriptSet = ScriptSet()) {
        self.store = store
        self.logger = logger
        let metrics = GatewayMetrics()
        self.metrics = metrics
        committer = GroupCommitter(store: store, logger: logger, delay: .milliseconds(config.server.commitDelayMilliseconds),
                                   observe: { metrics.storeCommit($0) })
        registry = SessionRegistry()
        delivery = ClientDelivery(registry: registry, committer: committer, store: store, logger: logger)
        correlations = CorrelationCache()
        ids = MessageIDGenerator()
        var byName: [String: any Connector] = [:]
        for connector in connectors { byName[connector.name] = connector }
        let connectorBox = NIOLockedValueBox(byName)
        self.connectorBox = connectorBox
        rulesBox = NIOLockedValueBox(RuleSet(generation: scripts.generation, config: config, scripts: scripts))
        let dispatcherBox = self.dispatcherBox
        let scriptLogger = logger
        self.scripts = ScriptRuntime(scripts, connectors: {
            let dispatcher = dispatcherBox.withLockedValue { $0 }
            return connectorBox.withLockedValue { $0 }.mapValues { connector in
                let health = connector.health
                return ConnectorStatus(up: health.link == .up, queued: dispatcher?.queueDepth(connector: connector.name) ?? 0,
                                       inFlight: health.inFlight)
            }
        }, log: { line in
            let level: Logger.Level = switch line.level {
            case "debug": .debug
            case "warning", "warn": .warning
            case "error": .error
            default: .info
            }
            scriptLogger.log(level: level, "\(line.text)", metadata: ["plugin": "\(line.plugin)"])
        })
        committer.setRefundStates(config.accounts.refundOn)
        bindGuard = NIOLockedValueBox(BindGuard(failuresBeforeBan: config.server.bindFailuresBeforeBan,
                                                banSeconds: Double(config.server.bindBanSeconds)))
    }

    public var dispatcher: Dispatcher {
        guard let dispatcher = dispatcherBox.withLockedValue({ $0 }) else {
            // The listeners start after `start()`; anything else is a wiring mistake in this process.
            preconditionFailure("TernGateway.start() must finish before sessions or connectors use the dispatcher")
        }
        return dispatcher
    }

    public var counts: Counters { counters.withLockedValue { $0 } }

    /// The generation of config and scripts new messages are decided by.
    public var rules: RuleSet { rulesBox.withLockedValue { $0 } }
    public var config: TernConfig { rules.config }
    public var connectors: [String: any Connector] { connectorBox.withLockedValue { $0 } }

    func install(rules: RuleSet, connectors: [String: any Connector]) {
        committer.setRefundStates(rules.config.accounts.refundOn)
        rulesBox.withLockedValue { $0 = rules }
        connectorBox.withLockedValue { $0 = connectors }
    }

    func countHookFailure(plugin: String) {
        counters.withLockedValue { $0.hookFailures += 1 }
        metrics.hookFailed(plugin: plugin)
    }

    func countReload(succeeded: Bool) {
        counters.withLockedValue { succeeded ? ($0.reloads += 1) : ($0.reloadsRefused += 1) }
        metrics.reload(applied: succeeded)
    }

    /// `GET /metrics`: the counters plus gauges read from the live state now.
    public func metricsText() -> String {
        var sessions: [String: Int] = [:]
        for session in registry.allSessions() { sessions[session.systemID, default: 0] += 1 }
        let connectors = self.connectors
        let dispatcher = dispatcherBox.withLockedValue { $0 }
        return metrics.render(GatewayMetrics.LiveState(
            sessionsByAccount: sessions,
            queueDepthByConnector: connectors.mapValues { dispatcher?.queueDepth(connector: $0.name) ?? 0 },
            connectorUp: connectors.mapValues { $0.health.link == .up },
            outstanding: dispatcher?.outstandingCount ?? 0))
    }

    // MARK: Life

    /// Migrates the store, starts the connectors and sends what a previous run left unsent.
    public func start() async throws {
        try await store.migrate()
        let dispatcher = Dispatcher(
            connectors: Array(connectors.values), committer: committer, observer: self,
            settings: Dispatcher.Settings(maxQueued: config.server.maxQueuedMessages), logger: logger)
        dispatcherBox.withLockedValue { $0 = dispatcher }
        for connector in connectors.values {
            try await connector.start(delegate: self)
        }
        dispatcher.start()
        try await recover()
    }

    public func stop() async {
        dispatcherBox.withLockedValue { $0 }?.stop()
        for connector in connectors.values { await connector.stop() }
        try? await committer.flush()
    }

    private func recover() async throws {
        let routes = rules.routes
        let unsent = try await store.messagesAwaitingDispatch(limit: max(config.server.maxQueuedMessages, 1))
        var recovered = 0
        for message in unsent {
            guard let route = routes.connectors(account: message.systemID, destination: message.destination.value,
                                                source: message.source.value, dataCoding: message.dataCoding) else {
                committer.enqueue(.transition(MessageTransition(messageID: message.id, state: .rejected, errorCode: 0x0B, detail: "no route after restart")))
                continue
            }
            dispatcher.adopt()
            dispatcher.dispatch(DispatchItem(message: message, connectors: route.connectors))
            recovered += 1
        }
        for connector in connectors.values {
            let waiting = try await store.messagesAwaitingReceipt(connector: connector.name, limit: 1_000_000)
            for message in waiting {
                if let upstreamID = message.upstreamID {
                    correlations.insert(connector: connector.name, upstreamID: upstreamID, Correlation(message))
                }
            }
            await connector.resume(awaitingReceipt: waiting)
        }
        if recovered > 0 { logger.notice("messages from before the restart queued again", metadata: ["count": "\(recovered)"]) }
    }

    // MARK: Binds

    public enum BindRefusal: Error, Sendable, Hashable {
        case status(CommandStatus, reason: String, delay: Double)
    }

    /// Checks a bind: brute-force guard, account, password (and `authenticate` hooks), enabled,
    /// source address.
    public func authenticate(_ bind: Bind, remote: IPAddressBytes?, remoteKey: String, bindType: String = "transceiver",
                             tls: Bool = false) async -> Result<Account, BindRefusal> {
        let now = seconds()
        let verdict = bindGuard.withLockedValue { $0.check(remoteKey, now: now) }
        var delay = 0.0
        switch verdict {
        case .banned(let remaining):
            counters.withLockedValue { $0.bindsRefused += 1 }
            return .failure(.status(.bindFailed, reason: "too many failed binds from \(remoteKey); refused for \(Int(remaining)) s more", delay: 0))
        case .proceed(let wait):
            delay = wait
        }
        let account: Account?
        var reseller: Account?
        do {
            account = try await store.account(systemID: bind.systemID)
            if let resellerID = account?.resellerID { reseller = try await store.account(id: resellerID) }
        } catch {
            logger.error("account lookup failed", metadata: ["error": "\(error)"])
            return .failure(.status(.systemError, reason: "account store unavailable", delay: 0))
        }
        func refuse(_ status: CommandStatus, _ reason: String) -> Result<Account, BindRefusal> {
            bindGuard.withLockedValue { $0.failed(remoteKey, now: now) }
            counters.withLockedValue { $0.bindsRefused += 1 }
            metrics.bind(accepted: false)
            return .failure(.status(status, reason: reason, delay: delay))
        }
        guard let account else { return refuse(.invalidSystemID, "unknown system_id") }
        if let reseller, let id = reseller.id { accountsByID.withLockedValue { $0[id] = reseller } }
        if let problem = await loadPolicies(of: [reseller, account].compactMap { $0 }) {
            logger.error("bind refused: a policy file does not load", metadata: ["system_id": "\(account.systemID)", "error": "\(problem)"])
            return .failure(.status(.bindFailed, reason: "policy does not load: \(problem)", delay: 0))
        }
        let script = ScriptBind(systemID: bind.systemID, password: bind.password, bindType: bindType, remote: remoteKey,
                                tls: tls, interfaceVersion: Int(bind.interfaceVersion))
        var hookAccepted = false
        switch authenticationHooks(script, account: account) {
        case .noAnswer: break
        case .accepted: hookAccepted = true
        case .refused(let status, let plugin): return refuse(status, "refused by \(plugin).authenticate")
        }
        let passwordWaived = hookAccepted && config.scripting.authentication == .instead
        guard passwordWaived || passwordMatches(bind.password, account: account) else { return refuse(.invalidPassword, "wrong password") }
        guard account.enabled else { return refuse(.bindFailed, "account disabled") }
        guard account.allowsBind(from: remote) else { return refuse(.bindFailed, "source address not allowed for this account") }
        bindGuard.withLockedValue { $0.succeeded(remoteKey) }
        metrics.bind(accepted: true)
        if let id = account.id {
            accountsByID.withLockedValue { $0[id] = account }
            await seedVolume(accountID: id)
        }
        return .success(account)
    }

    /// PBKDF2 is slow on purpose; a (system_id, password, stored hash) that verified once is
    /// remembered, so many binds of one account cost one derivation.
    private func passwordMatches(_ password: String, account: Account) -> Bool {
        let key = Array(SHA256.hash(data: Array((account.systemID + "\u{0}" + password + "\u{0}" + account.passwordHash.encoded).utf8)))
        if verifiedPasswords.withLockedValue({ $0.contains(key) }) { return true }
        guard account.passwordHash.verify(password) else { return false }
        verifiedPasswords.withLockedValue { set in
            if set.count > 100_000 { set.removeAll() }
            set.insert(key)
        }
        return true
    }

    public func cachedAccount(_ id: Int64) -> Account? { accountsByID.withLockedValue { $0[id] } }

    /// Makes sure the account and its reseller are in the cache the per-message decision reads
    /// (a bind does this; an HTTP send has no bind).
    func rememberAccount(_ account: Account) async {
        if let id = account.id { accountsByID.withLockedValue { $0[id] = account } }
        guard let resellerID = account.resellerID, cachedAccount(resellerID) == nil else { return }
        if let reseller = try? await store.account(id: resellerID) {
            accountsByID.withLockedValue { $0[resellerID] = reseller }
        }
    }

    /// An account changed through the API: sessions bound with it use the new settings from
    /// their next message, and a password it verified before no longer counts.
    public func accountChanged(_ account: Account) {
        guard let id = account.id else { return }
        accountsByID.withLockedValue { accounts in
            if accounts[id] != nil { accounts[id] = account }
        }
        verifiedPasswords.withLockedValue { $0.removeAll() }
    }

    // MARK: Submits

    /// Stores accepted messages (group commit) and, once durable, hands them to the dispatcher.
    /// `completion` runs when the messages are durable (or failed to be): only then may the
    /// client get its response. Messages the store refused for credit are in the outcome; they
    /// are kept as rejected and never dispatched.
    public func accept(_ items: consuming [DispatchItem], completion: @escaping @Sendable (Result<ApplyOutcome, any Error>) -> Void) {
        // Routed before it is stored: one write records both (the store keeps the routed time).
        // Set in place, while each message is the caller's alone: on a copy, each change would
        // copy the message's values into a new box.
        var items = items
        for index in items.indices {
            let connector = items[index].connector
            items[index].message.state = .routed
            items[index].message.connector = connector
        }
        let writes = items.map { StoreWrite.accept($0.message) }
        committer.enqueue(writes, outcome: { [items] result in
            switch result {
            case .success(let outcome):
                let refused = outcome.refusedForCredit
                self.counters.withLockedValue { $0.submitsAccepted += items.count - refused.count }
                if !refused.isEmpty { self.dispatcher.unreserve(refused.count) }
                for item in items {
                    if let reason = refused[item.message.id] {
                        self.logger.info("message refused for credit", metadata: ["id": "\(item.message.id)", "account": "\(item.message.systemID)", "reason": "\(reason)"])
                        continue
                    }
                    self.volume.add(1, accountID: item.message.accountID)
                    self.dispatcher.dispatch(item)
                }
            case .failure:
                self.dispatcher.unreserve(items.count)
            }
            completion(result)
        })
    }

    func countRefusedSubmit() { counters.withLockedValue { $0.submitsRefused += 1 } }

    private func seconds() -> Double {
        let elapsed = origin.duration(to: clock.now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    func receiptPreferences(accountID: Int64) -> ReceiptPreferences {
        cachedAccount(accountID)?.receipts ?? ReceiptPreferences()
    }
}

// MARK: - What connectors and the dispatcher report

extension TernGateway: ConnectorDelegate, Dispatcher.Observer {
    public func connector(_ name: String, received receipt: UpstreamReceipt, taken: @escaping @Sendable (Bool) -> Void) {
        let final = receipt.state.isFinal
        if let correlation = correlations.lookup(connector: name, upstreamID: receipt.upstreamID, remove: final) {
            settle(correlation, receipt: receipt, taken: taken)
            return
        }
        Task {
            // The receipt can overtake our own bookkeeping of the submit it answers (a fast
            // upstream answers on another thread): look again a few times before giving up.
            var message: Message?
            for attempt in 0..<5 {
                if let correlation = correlations.lookup(connector: name, upstreamID: receipt.upstreamID, remove: final) {
                    settle(correlation, receipt: receipt, taken: taken)
                    return
                }
                message = try? await store.message(connector: name, upstreamIDs: UpstreamMessageID.candidates(receipt.upstreamID))
                if message != nil { break }
                try? await Task.sleep(for: .milliseconds(100 * (attempt + 1)))
            }
            guard let message else {
                counters.withLockedValue { $0.receiptsUnmatched += 1 }
                logger.warning("receipt matches no message", metadata: ["connector": "\(name)", "upstream_id": "\(receipt.upstreamID)", "stat": "\(receipt.state.rawValue)"])
                // Nothing to keep: asking the upstream for it again would not make it match.
                taken(true)
                return
            }
            settle(Correlation(message), receipt: receipt, taken: taken)
        }
    }

    private func settle(_ correlation: Correlation, receipt: UpstreamReceipt, taken: @escaping @Sendable (Bool) -> Void) {
        counters.withLockedValue { $0.receiptsMatched += 1 }
        metrics.receipt(receipt.state)
        // The client hears of the new state only once it is durable, so a query_sm right after
        // the receipt tells the same state; the upstream gets its answer at the same moment.
        let preferences = receiptPreferences(accountID: correlation.accountID)
        committer.enqueue(.transition(MessageTransition(messageID: correlation.messageID, at: receipt.doneAt ?? Date(), state: receipt.state,
                                                        errorCode: receipt.errorCode, detail: "receipt",
                                                        accountID: correlation.accountID))) { result in
            guard case .success = result else {
                taken(false)
                return
            }
            taken(true)
            self.delivery.receipt(for: correlation, state: receipt.state, errorCode: receipt.errorCode, doneAt: receipt.doneAt ?? Date(),
                                  preferences: preferences)
        }
    }

    public func connector(_ name: String, receivedMobileOriginated message: MobileOriginatedMessage, taken: @escaping @Sendable (Bool) -> Void) {
        counters.withLockedValue { $0.mobileOriginated += 1 }
        let text = (try? TextDecoder().decode(message.shortMessage, dataCoding: DataCoding(rawValue: message.dataCoding))) ?? ""
        guard let systemID = mobileOriginatedAccount(message, connector: name, text: text) else {
            counters.withLockedValue { $0.mobileOriginatedUnrouted += 1 }
            logger.warning("MO matches no mo_route; dropped", metadata: ["connector": "\(name)", "to": "\(message.destination.value)"])
            // Acknowledged: the upstream sending it again would not give it a route.
            taken(true)
            return
        }
        Task {
            let account: Account?
            do {
                account = try await store.account(systemID: systemID)
            } catch {
                logger.error("MO not taken: the account store is unavailable", metadata: ["error": "\(error)"])
                taken(false)
                return
            }
            guard let account, let id = account.id else {
                counters.withLockedValue { $0.mobileOriginatedUnrouted += 1 }
                logger.warning("mo_route names an account that does not exist; MO dropped", metadata: ["account": "\(systemID)"])
                taken(true)
                return
            }
            delivery.mobileOriginated(message, accountID: id, taken: taken)
        }
    }

    public func dispatcher(submitted message: Message, connector: String, upstreamID: String) {
        correlations.insert(connector: connector, upstreamID: upstreamID, Correlation(message))
    }

    public func dispatcher(finished message: Message, state: MessageLifecycle, errorCode: Int) {
        delivery.receipt(for: Correlation(message), state: state, errorCode: errorCode, doneAt: Date(),
                         preferences: receiptPreferences(accountID: message.accountID))
    }
}
