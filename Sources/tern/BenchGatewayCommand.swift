import ArgumentParser
import Connectors
import Foundation
import Gateway
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Scripting
import SMPP
import Store

/// One box, everything real: load generator (SMPP clients) → Tern (SQLite store, dispatcher,
/// SMPP upstream connector) → a sink SMSC that answers and sends receipts → receipts back to
/// the clients.
struct BenchRig {
    let directory: String
    let sink: SinkSMSC
    let store: SQLiteMessageStore
    let gateway: TernGateway
    let server: SMPPServer
    let port: Int
    let serverGroup: MultiThreadedEventLoopGroup
    let otherGroup: MultiThreadedEventLoopGroup
    static let systemID = "bench"
    static let password = "bench"

    static func start(durability: StoreSettings.Durability, upstreamSessions: Int, upstreamWindow: Int, window: Int,
                      plugins: [PluginSource] = [], charged: Bool = false,
                      commitDelayMilliseconds: Int = ServerSettings.defaultCommitDelayMilliseconds,
                      upstreamIDs: SinkSMSC.Configuration.MessageIDFormat = .decimal) async throws -> BenchRig {
        var logger = Logger(label: "tern-bench")
        logger.logLevel = .error
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let otherGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let sink = SinkSMSC(configuration: .init(credentials: ["tern": "up"], receiptDelay: .milliseconds(5), messageIDFormat: upstreamIDs),
                            group: otherGroup)
        try await sink.start()
        let upstreamSettings = SMPPUpstreamSettings(host: "127.0.0.1", port: sink.port, systemID: "tern", password: "up",
                                                    sessions: upstreamSessions, window: upstreamWindow)
        let config = TernConfig(
            server: ServerSettings(smpp: HostPort(host: "127.0.0.1", port: 0), smppTLS: nil, http: nil, window: window,
                                   maxQueuedMessages: 1_000_000, commitDelayMilliseconds: commitDelayMilliseconds, dataDirectory: directory),
            store: StoreSettings(path: directory + "/tern.sqlite", durability: durability),
            connectors: [ConnectorSettings(name: "sink", kind: .smpp(upstreamSettings))],
            routes: [RouteRule(name: "default", connectors: ["sink"])], sourceFile: "bench")
        let upstream = SMPPUpstreamConnector(name: "sink", settings: upstreamSettings, group: serverGroup, logger: logger)
        let store = try SQLiteMessageStore(settings: config.store)
        let gateway = TernGateway(config: config, store: store, connectors: [upstream], logger: logger,
                                  scripts: ScriptSet(plugins: plugins, generation: 1))
        try await gateway.start()
        if charged {
            // A reseller's user: every message debits both balances in the accepting transaction.
            var reseller = Account(systemID: "bench-reseller", passwordHash: PasswordHash(hashing: password), maxBinds: 0)
            reseller.role = .reseller
            reseller.pricePlan = PricePlan(defaultPrice: 1)
            let resellerID = try await store.insertAccount(reseller).id ?? 0
            var user = Account(systemID: systemID, passwordHash: PasswordHash(hashing: password), maxBinds: 0, resellerID: resellerID)
            user.pricePlan = PricePlan(defaultPrice: 2)
            let userID = try await store.insertAccount(user).id ?? 0
            for id in [resellerID, userID] {
                _ = try await store.changeCredit(.topUp(accountID: id, amount: 1_000_000_000, reason: "bench", actor: "bench"))
            }
        } else {
            let id = try await store.insertAccount(Account(systemID: systemID, passwordHash: PasswordHash(hashing: password), maxBinds: 0)).id ?? 0
            if !plugins.isEmpty {
                // prefix_pricing bills every message: without credit each would be refused.
                _ = try await store.changeCredit(.topUp(accountID: id, amount: 1_000_000_000, reason: "bench", actor: "bench"))
            }
        }
        let server = SMPPServer(gateway: gateway, group: serverGroup, tls: nil)
        let addresses = try await server.start()
        return BenchRig(directory: directory, sink: sink, store: store, gateway: gateway, server: server,
                        port: addresses.plain?.port ?? 0, serverGroup: serverGroup, otherGroup: otherGroup)
    }

    func stop() async {
        await server.stop()
        await gateway.stop()
        try? await store.close()
        await sink.stop()
        try? await serverGroup.shutdownGracefully()
        try? await otherGroup.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Resident memory of this process, from /proc.
    static func residentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let digits = line.split(separator: " ").compactMap { Int($0) }
            if let kilobytes = digits.first { return Double(kilobytes) / 1024 }
        }
        return nil
    }
}

extension BenchCommand {
    struct GatewayLoad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gateway",
            abstract: "End to end on this box: clients → Tern (SQLite) → sink SMSC → receipts back to the clients.",
            discussion: "Reports acknowledged messages per second, submit_sm_resp latency percentiles, receipts per second, and the CPU each message cost (in total and by thread), the steadier figure on a shared machine. Use a release build (scripts/run bench gateway).")

        @Option(help: "Client sessions (transceivers).") var sessions = 4
        @Option(help: "Outstanding submits per client session.") var window = 256
        @Option(help: "Messages to send in all.") var count = 200_000
        @Option(help: "Messages per second over all sessions (0: as fast as Tern answers).") var rate = 0
        @Option(help: "Sessions from Tern to the sink.") var upstreamSessions = 2
        @Option(help: "Window of each upstream session.") var upstreamWindow = 1024
        @Option(help: "Store durability: full or normal.") var durability = "normal"
        @Option(help: "Seconds to wait for the last receipts.") var receiptTimeout = 60.0
        @Flag(help: "Run the shipped plugins (content filter, sender rules, prefix router, prefix pricing) on every message.") var plugins = false
        @Option(help: "The shipped plugins' directory.") var pluginDirectory = "plugins"
        @Flag(help: "Charge every message to a reseller's user (price plans, credit, ledger).") var charged = false
        @Option(help: "Destination numbers the messages are spread over. 1 sends every message to one number, which flatters the store: the tracking indexes then only ever append; real traffic is closer to a million.") var numbers = 1

        @Option(help: "How long a small batch waits for company before its commit (the config's commit_delay_ms).")
        var commitDelay = ServerSettings.defaultCommitDelayMilliseconds

        @Flag(name: .customLong("scattered-upstream-ids"), help: "The sink hands out message ids in no order, as many SMSCs do, instead of counting up: Tern's index on upstream ids then takes random inserts.")
        var scatteredUpstreamIDs = false

        func run() async throws {
            #if DEBUG
            print("note: this is a debug build; use scripts/run bench gateway for real figures")
            #endif
            let delays = ServerSettings.commitDelayMillisecondsRange
            guard delays.contains(commitDelay) else {
                throw ValidationError("--commit-delay must be between \(delays.lowerBound) and \(delays.upperBound) milliseconds")
            }
            guard let durability = StoreSettings.Durability(rawValue: durability) else { throw ValidationError("--durability must be full or normal") }
            guard sessions > 0, window > 0, count > 0 else { throw ValidationError("--sessions, --window and --count must be positive") }
            guard numbers > 0, numbers <= 100_000_000 else { throw ValidationError("--numbers must be between 1 and 100000000") }
            let sources = plugins ? try BenchPlugins.sources(directory: pluginDirectory, connector: "sink", contentFilter: true) : []
            let rig = try await BenchRig.start(durability: durability, upstreamSessions: upstreamSessions, upstreamWindow: upstreamWindow,
                                               window: window, plugins: sources, charged: charged, commitDelayMilliseconds: commitDelay,
                                               upstreamIDs: scatteredUpstreamIDs ? .scattered : .decimal)
            let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            var clients: [SMPPClient] = []
            for _ in 0..<sessions {
                let client = try await SMPPClient.connect(host: "127.0.0.1", port: rig.port, group: clientGroup, windowSize: window, keepDeliveries: false)
                let bound = try await client.bind(.transceiver, systemID: BenchRig.systemID, password: BenchRig.password)
                guard bound.commandStatus == .ok else { throw ValidationError("bench bind refused: \(bound.commandStatus)") }
                clients.append(client)
            }
            print("tern bench gateway: \(count) messages, \(sessions) sessions × window \(window), upstream \(upstreamSessions) × \(upstreamWindow), store \(durability.rawValue), commit delay \(commitDelay) ms\(rate > 0 ? ", rate \(rate)/s" : "")\(plugins ? ", plugins: \(sources.map(\.name).joined(separator: ", "))" : "")\(numbers > 1 ? ", \(numbers) destination numbers" : "")\(scatteredUpstreamIDs ? ", scattered upstream ids" : "")")
            let started = ContinuousClock.now
            let cpuAtStart = BenchCPU.now()
            let perSession = (count + sessions - 1) / sessions
            let results = try await withThrowingTaskGroup(of: LoadResult.self) { tasks in
                for (index, client) in clients.enumerated() {
                    let quota = min(perSession, count - index * perSession)
                    let sessionRate = rate > 0 ? Double(rate) / Double(sessions) : 0
                    let first = index * perSession
                    tasks.addTask {
                        try await LoadResult.drive(client: client, quota: max(0, quota), window: window, rate: sessionRate,
                                                   destinations: numbers, first: first)
                    }
                }
                var all: [LoadResult] = []
                for try await result in tasks { all.append(result) }
                return all
            }
            let acknowledgedAt = ContinuousClock.now
            let accepted = results.reduce(0) { $0 + $1.accepted }
            let deadline = acknowledgedAt.advanced(by: .seconds(receiptTimeout))
            var receipts = 0
            while ContinuousClock.now < deadline {
                receipts = clients.reduce(0) { $0 + $1.deliveryCount }
                if receipts >= accepted { break }
                try await Task.sleep(for: .milliseconds(5))
            }
            let receiptsAt = ContinuousClock.now
            let cpu = BenchCPU.now().perMessage(since: cpuAtStart, messages: receipts)
            let commits = rig.gateway.metrics.storeCommits
            let memory = BenchRig.residentMegabytes()
            let latencies = results.flatMap(\.latencies).sorted()
            func percentile(_ p: Double) -> String {
                guard !latencies.isEmpty else { return "-" }
                let value = latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
                return String(format: "%.2f ms", Double(value) / 1000)
            }
            let ackSeconds = seconds(started.duration(to: acknowledgedAt))
            let receiptSeconds = seconds(started.duration(to: receiptsAt))
            var refused: [String: Int] = [:]
            for result in results { for (status, n) in result.refused { refused[status, default: 0] += n } }
            print(String(format: "acknowledged: %d in %.2f s = %.0f msg/s", accepted, ackSeconds, Double(accepted) / ackSeconds))
            print("submit_sm_resp latency: p50 \(percentile(0.50))  p95 \(percentile(0.95))  p99 \(percentile(0.99))  max \(percentile(1.0))")
            print(String(format: "receipts back at the clients: %d in %.2f s = %.0f receipts/s (end to end)", receipts, receiptSeconds, Double(receipts) / receiptSeconds))
            if !refused.isEmpty { print("refused: \(refused.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))") }
            print("sink: \(rig.sink.counters.submitsReceived) submits received, \(rig.sink.counters.receiptsSent) receipts sent; unmatched receipts at Tern: \(rig.gateway.counts.receiptsUnmatched)")
            print(cpu)
            if commits.count > 0 {
                let busy = seconds(commits.total)
                print(String(format: "store: %d group commits, %.2f ms each on average; the writer was committing %.0f %% of the run",
                             commits.count, busy * 1000 / Double(commits.count), busy / receiptSeconds * 100))
            }
            if let memory { print(String(format: "resident memory (whole process: clients, Tern and sink): %.0f MB", memory)) }
            for client in clients { await client.unbind() }
            await rig.stop()
            try? await clientGroup.shutdownGracefully()
        }

        private func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
    }

    struct IdleSessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "idle",
            abstract: "Bind many idle sessions and report the memory they take.")

        @Option(help: "Sessions to bind.") var sessions = 1000

        func run() async throws {
            let rig = try await BenchRig.start(durability: .normal, upstreamSessions: 1, upstreamWindow: 10, window: 10)
            let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let before = BenchRig.residentMegabytes() ?? 0
            var clients: [SMPPClient] = []
            let started = ContinuousClock.now
            for _ in 0..<sessions {
                let client = try await SMPPClient.connect(host: "127.0.0.1", port: rig.port, group: clientGroup, windowSize: 10, keepDeliveries: false)
                let bound = try await client.bind(.transceiver, systemID: BenchRig.systemID, password: BenchRig.password)
                guard bound.commandStatus == .ok else { throw ValidationError("bind \(clients.count + 1) refused: \(bound.commandStatus)") }
                clients.append(client)
            }
            let elapsed = started.duration(to: .now)
            let after = BenchRig.residentMegabytes() ?? 0
            print("bound \(clients.count) sessions in \(elapsed); Tern sees \(rig.gateway.registry.count)")
            print(String(format: "resident memory: %.0f MB before, %.0f MB with every session bound (whole process: the %d clients too)", before, after, sessions))
            for client in clients { await client.close() }
            await rig.stop()
            try? await clientGroup.shutdownGracefully()
        }
    }
}

/// One client session's share of the load: keeps `window` submits outstanding, records each
/// submit_sm_resp latency in microseconds.
struct LoadResult: Sendable {
    var accepted = 0
    var refused: [String: Int] = [:]
    var latencies: [UInt32] = []

    /// `destinations` spreads the submits over that many numbers; `first` is this session's
    /// first message in the whole run, so sessions do not repeat each other's numbers.
    static func drive(client: SMPPClient, quota: Int, window: Int, rate: Double,
                      destinations: Int = 1, first: Int = 0) async throws -> LoadResult {
        let loop = client.channel.eventLoop
        let promise = loop.makePromise(of: LoadResult.self)
        loop.execute {
            let driver = LoadDriver(client: client, quota: quota, window: window, rate: rate, promise: promise,
                                    destinations: destinations, first: first)
            driver.start()
        }
        return try await promise.futureResult.get()
    }
}

/// Runs on the client's event loop: every response sends the next submit, so the window stays full
/// without a task per message.
private final class LoadDriver {
    let client: SMPPClient
    let quota: Int
    let window: Int
    let interval: Double
    let promise: EventLoopPromise<LoadResult>
    var sent = 0
    var done = 0
    var result = LoadResult()
    var flushScheduled = false
    let startedAt = NIODeadline.now()
    let body: PDU.Body
    let destinations: Int
    let first: Int

    init(client: SMPPClient, quota: Int, window: Int, rate: Double, promise: EventLoopPromise<LoadResult>,
         destinations: Int, first: Int) {
        self.client = client
        self.destinations = destinations
        self.first = first
        self.quota = quota
        self.window = window
        interval = rate > 0 ? 1 / rate : 0
        self.promise = promise
        result.latencies.reserveCapacity(quota)
        body = .submitSM(SubmitSM(
            source: Address(ton: .alphanumeric, value: "Bench"),
            destination: Address(ton: .international, npi: .isdn, value: "447700900123"),
            registeredDelivery: .receipt, shortMessage: ByteBuffer(string: "Tern bench message, 42 characters long..")))
    }

    func start() {
        if quota == 0 { return promise.succeed(result) }
        if interval > 0 { return pace() }
        for _ in 0..<min(window, quota) { sendNext() }
        client.flush()
    }

    /// Paced: every `pacingTick`, the submits due by now go out together (as many as the window
    /// has room for) with one flush, like a real client's sending loop. A timer and a flush per
    /// submit had cost the load generator more than all of Tern's event loops at 50,000 msg/s.
    private func pace() {
        let elapsed = Double((NIODeadline.now() - startedAt).nanoseconds) / 1e9
        let due = min(quota, Int(elapsed / interval) + 1)
        let before = sent
        while sent < due, sent - done < window { sendNext() }
        if sent > before { client.flush() }
        if sent < quota {
            client.channel.eventLoop.assumeIsolated().scheduleTask(in: Self.pacingTick) { self.pace() }
        }
    }

    static let pacingTick = TimeAmount.milliseconds(1)

    private func sendNext() {
        guard sent < quota else { return }
        send(sent)
        sent += 1
    }

    /// The submit for this session's `index`th message: the shared one, or a copy to a number of
    /// its own, scattered over the range by a multiplicative hash so consecutive messages land far apart.
    private func submit(_ index: Int) -> PDU.Body {
        guard destinations > 1, case .submitSM(var submit) = body else { return body }
        let number = (UInt64(first + index) &* 2_654_435_761) % UInt64(destinations)
        submit.destination = Address(ton: .international, npi: .isdn, value: String(447_700_000_000 + number))
        return .submitSM(submit)
    }

    private func send(_ index: Int) {
        let sentAt = NIODeadline.now()
        let driver = NIOLoopBound(self, eventLoop: client.channel.eventLoop)
        client.send(submit(index), flush: false) { result in
            driver.value.answered(result, sentAt: sentAt)
        }
    }

    private func answered(_ result: Result<PDU, SMPPSessionError>, sentAt: NIODeadline) {
        done += 1
        switch result {
        case .success(let response) where response.commandStatus == .ok:
            self.result.accepted += 1
            let micros = (NIODeadline.now() - sentAt).nanoseconds / 1000
            self.result.latencies.append(UInt32(clamping: micros))
        case .success(let response):
            self.result.refused["\(response.commandStatus)", default: 0] += 1
        case .failure(let error):
            self.result.refused["\(error)", default: 0] += 1
        }
        if done == quota {
            promise.succeed(self.result)
        } else if interval == 0 {
            sendNext()
            // One flush for all the submits that responses in this read made room for.
            if !flushScheduled {
                flushScheduled = true
                client.channel.eventLoop.assumeIsolated().execute {
                    self.flushScheduled = false
                    self.client.flush()
                }
            }
        }
    }
}
