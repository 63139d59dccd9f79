import Foundation
import Gateway
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOConcurrencyHelpers

/// Hands messages to an HTTP endpoint: one JSON POST per message over a pool of keep-alive
/// connections (up to `settings.concurrency`), retried inside the connector with backoff on
/// 429, 5xx and timeouts. Receipts come back through Tern's own HTTP port
/// (`receipt(fromJSON:)`, then `deliverWebhookReceipt`).
///
/// `Sendable` because its mutable state sits in one `NIOLockedValueBox`.
public final class HTTPSinkConnector: Connector {
    public let name: String
    public let settings: HTTPSinkSettings
    private let logger: Logger
    private let group: any EventLoopGroup
    private let state: NIOLockedValueBox<State>

    private struct Endpoint: Sendable {
        var tls: Bool
        var host: String
        var port: Int
        var target: String
    }

    /// An open connection; its pipeline ends in an `HTTPExchangeHandler`.
    private struct Connection: Sendable {
        var channel: any Channel
    }

    private struct State {
        var delegate: (any ConnectorDelegate)?
        var endpoint: Endpoint?
        var sslContext: NIOSSLContext?
        var idle: [Connection] = []
        var open = 0
        var inFlight = 0
        var started = false
        var stopped = false
    }

    public init(name: String, settings: HTTPSinkSettings, group: any EventLoopGroup, logger: Logger) {
        self.name = name
        self.settings = settings
        self.group = group
        var logger = logger
        logger[metadataKey: "connector"] = "\(name)"
        self.logger = logger
        state = NIOLockedValueBox(State())
    }

    public var capacity: Int { max(1, settings.concurrency) }

    public var health: ConnectorHealth {
        state.withLockedValue { state in
            let link: ConnectorHealth.Link = state.stopped ? .stopped : state.started ? .up : .down
            return ConnectorHealth(link: link, sessionsUp: link == .up ? 1 : 0, inFlight: state.inFlight)
        }
    }

    public func start(delegate: any ConnectorDelegate) async throws {
        let endpoint = try Self.endpoint(settings.url, connector: name)
        var sslContext: NIOSSLContext?
        if endpoint.tls {
            do {
                sslContext = try NIOSSLContext(configuration: .makeClientConfiguration())
            } catch {
                throw ConnectorSettingsError(connector: name, reason: "TLS cannot be set up: \(error)")
            }
        }
        state.withLockedValue { state in
            state.delegate = delegate
            state.endpoint = endpoint
            state.sslContext = sslContext
            state.started = true
            state.stopped = false
        }
    }

    public func stop() async {
        state.withLockedValue { $0.stopped = true }
        let deadline = Date().addingTimeInterval(Double(settings.timeoutMilliseconds) / 1000 + 1)
        while Date() < deadline, state.withLockedValue({ $0.inFlight > 0 }) {
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        let idle = state.withLockedValue { state -> [Connection] in
            let idle = state.idle
            state.idle.removeAll()
            state.open -= idle.count
            return idle
        }
        for connection in idle { try? await connection.channel.close() }
    }

    /// Forwards a receipt posted to Tern's webhook for this connector to the gateway; returns
    /// once the gateway has kept it (true), or could not (false: the poster should retry).
    public func deliverWebhookReceipt(_ receipt: UpstreamReceipt) async -> Bool {
        guard let delegate = state.withLockedValue({ $0.delegate }) else { return false }
        return await withCheckedContinuation { continuation in
            delegate.connector(name, received: receipt) { taken in continuation.resume(returning: taken) }
        }
    }

    // MARK: Submitting

    public func submit(_ message: Message) async -> SubmitOutcome {
        let ready = state.withLockedValue { state -> Endpoint? in
            guard !state.stopped, let endpoint = state.endpoint else { return nil }
            state.inFlight += 1
            return endpoint
        }
        guard let endpoint = ready else { return .temporaryFailure(status: nil, reason: "connector not running") }
        defer { state.withLockedValue { $0.inFlight -= 1 } }

        let body = HTTPSinkPayload(message).encoded()
        let attempts = 1 + max(0, settings.retries)
        var outcome = SubmitOutcome.temporaryFailure(status: nil, reason: "not sent")
        for attempt in 0..<attempts {
            if attempt > 0 {
                // 100 ms, 200 ms, 400 ms … up to 2 s, each drawn from [half, full].
                let full = min(2.0, 0.1 * pow(2, Double(attempt - 1)))
                try? await Task.sleep(nanoseconds: UInt64(Double.random(in: (full / 2)...full) * 1e9))
                if state.withLockedValue({ $0.stopped }) { return outcome }
            }
            outcome = await post(body, to: endpoint, ourID: message.id.description)
            if case .temporaryFailure = outcome { continue }
            return outcome
        }
        logger.warning("HTTP sink gave up after retries", metadata: ["id": "\(message.id)", "outcome": "\(outcome)"])
        return outcome
    }

    /// One POST and what its answer means.
    private func post(_ body: [UInt8], to endpoint: Endpoint, ourID: String) async -> SubmitOutcome {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: endpoint.target)
        let defaultPort = endpoint.tls ? 443 : 80
        head.headers.add(name: "Host", value: endpoint.port == defaultPort ? endpoint.host : "\(endpoint.host):\(endpoint.port)")
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(body.count))
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "User-Agent", value: "Tern")
        for (name, value) in settings.headers.sorted(by: { $0.key < $1.key }) { head.headers.replaceOrAdd(name: name, value: value) }
        let timeout = TimeAmount.milliseconds(Int64(max(1, settings.timeoutMilliseconds)))

        // A kept-alive connection the server closed while idle fails before any response; that
        // is not the server's answer, so it gets one more go on a fresh connection.
        for reuseAttempt in 0..<2 {
            let acquired: (connection: Connection, reused: Bool)
            do {
                guard let got = try await acquire(endpoint, forceNew: reuseAttempt > 0) else {
                    return .busy(reason: "all \(capacity) connections busy")
                }
                acquired = got
            } catch {
                return .temporaryFailure(status: nil, reason: "cannot connect to \(endpoint.host):\(endpoint.port): \(error)")
            }
            let connection = acquired.connection
            let promise = connection.channel.eventLoop.makePromise(of: HTTPSinkResponse.self)
            var buffer = connection.channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            connection.channel.writeAndFlush(HTTPExchange(head: head, body: buffer, timeout: timeout, promise: promise), promise: nil)
            do {
                let response = try await promise.futureResult.get()
                release(connection, keep: response.keepAlive)
                return Self.outcome(of: response, ourID: ourID)
            } catch let error as HTTPExchangeError {
                release(connection, keep: false)
                if error.code == .connectionClosed && acquired.reused { continue }
                if error.code == .timeout {
                    return .temporaryFailure(status: nil, reason: "HTTP timeout after \(settings.timeoutMilliseconds) ms")
                }
                return .temporaryFailure(status: nil, reason: error.description)
            } catch {
                release(connection, keep: false)
                return .temporaryFailure(status: nil, reason: "\(error)")
            }
        }
        return .temporaryFailure(status: nil, reason: "the connection closed before the response")
    }

    /// What an HTTP answer means: 2xx taken (the body's `"id"`, else ours), 429 and 5xx later,
    /// any other status never. The HTTP status stands in for the SMPP status.
    static func outcome(of response: HTTPSinkResponse, ourID: String) -> SubmitOutcome {
        switch response.status {
        case 200..<300:
            var upstreamID = ourID
            if !response.body.isEmpty,
               let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
               let id = scalarString(object["id"]), !id.isEmpty {
                upstreamID = id
            }
            return .accepted(upstreamID: upstreamID)
        case 429, 500..<600:
            return .temporaryFailure(status: UInt32(response.status), reason: "HTTP \(response.status)")
        default:
            return .permanentFailure(status: UInt32(max(0, response.status)), reason: "HTTP \(response.status)")
        }
    }

    // MARK: Connection pool

    /// An idle connection, or a new one while under `concurrency`; nil when all are busy.
    private func acquire(_ endpoint: Endpoint, forceNew: Bool) async throws -> (connection: Connection, reused: Bool)? {
        enum Pick { case idle(Connection), open, busy }
        let pick = state.withLockedValue { state -> Pick in
            while !forceNew, let connection = state.idle.popLast() {
                if connection.channel.isActive { return .idle(connection) }
                state.open -= 1
            }
            guard state.open < capacity else { return .busy }
            state.open += 1
            return .open
        }
        switch pick {
        case .idle(let connection): return (connection, true)
        case .busy: return nil
        case .open:
            do {
                return (try await connect(endpoint), false)
            } catch {
                state.withLockedValue { $0.open -= 1 }
                throw error
            }
        }
    }

    private func release(_ connection: Connection, keep: Bool) {
        let close = state.withLockedValue { state -> Bool in
            if keep && !state.stopped && connection.channel.isActive {
                state.idle.append(connection)
                return false
            }
            state.open -= 1
            return true
        }
        if close { connection.channel.close(promise: nil) }
    }

    private func connect(_ endpoint: Endpoint) async throws -> Connection {
        let sslContext = state.withLockedValue { $0.sslContext }
        let serverHostname = (try? SocketAddress(ipAddress: endpoint.host, port: 0)) == nil ? endpoint.host : nil
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(max(1, settings.timeoutMilliseconds))))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(HTTPExchangeHandler())
                }
            }
            .connect(host: endpoint.host, port: endpoint.port).get()
        return Connection(channel: channel)
    }

    private static func endpoint(_ url: String, connector: String) throws -> Endpoint {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw ConnectorSettingsError(connector: connector, reason: "url \"\(url)\" must be http://host[:port]/path or https://…")
        }
        let tls = scheme == "https"
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }
        return Endpoint(tls: tls, host: host, port: components.port ?? (tls ? 443 : 80), target: target)
    }
}
