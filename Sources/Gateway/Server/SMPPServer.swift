import NIOConcurrencyHelpers
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SMPP

/// The SMPP listeners in front of the gateway: plain TCP and TLS, each connection running
/// `SessionActivityTap` → `SMPPSessionHandler` (MC role, framing the stream) → `ClientSessionHandler`.
public final class SMPPServer: Sendable {
    private let gateway: TernGateway
    private let group: any EventLoopGroup
    /// Read for each new TLS connection, so a reload can change the certificate.
    private let tls: NIOLockedValueBox<NIOSSLContext?>
    private let channels = NIOLockedValueBox<[any Channel]>([])

    public init(gateway: TernGateway, group: any EventLoopGroup, tls: NIOSSLContext?) {
        self.gateway = gateway
        self.group = group
        self.tls = NIOLockedValueBox(tls)
    }

    /// New TLS sessions use `context`; established ones keep theirs.
    public func replaceTLS(_ context: NIOSSLContext) {
        tls.withLockedValue { $0 = context }
    }

    /// Binds the configured listeners; returns the addresses actually bound (port 0 picks one).
    @discardableResult
    public func start() async throws -> (plain: SocketAddress?, tls: SocketAddress?) {
        let settings = gateway.config.server
        var plain: SocketAddress?
        var secure: SocketAddress?
        if let address = settings.smpp {
            let channel = try await listen(on: address, secure: false)
            plain = channel.localAddress
        }
        if let address = settings.smppTLS {
            guard tls.withLockedValue({ $0 }) != nil else { throw ServerError.tlsNotConfigured }
            let channel = try await listen(on: address, secure: true)
            secure = channel.localAddress
        }
        return (plain, secure)
    }

    public enum ServerError: Error, CustomStringConvertible {
        case tlsNotConfigured

        public var description: String { "smpp_tls is set but no TLS context was given" }
    }

    private func listen(on address: HostPort, secure: Bool) async throws -> any Channel {
        let gateway = self.gateway
        let tlsBox = self.tls
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Session settings as of now: a reload applies them to new sessions.
                    let settings = gateway.config.server
                    let timers = SessionTimers(
                        sessionInit: .seconds(30),
                        enquireLink: settings.enquireLinkSeconds > 0 ? .seconds(settings.enquireLinkSeconds) : nil,
                        inactivity: settings.inactivitySeconds > 0 ? .seconds(settings.inactivitySeconds) : nil,
                        response: .seconds(max(1, settings.responseTimeoutSeconds)))
                    let sync = channel.pipeline.syncOperations
                    if secure {
                        guard let context = tlsBox.withLockedValue({ $0 }) else { throw ServerError.tlsNotConfigured }
                        try sync.addHandler(NIOSSLServerHandler(context: context))
                    }
                    let activity = SessionActivity()
                    try sync.addHandler(SessionActivityTap(activity: activity))
                    try sync.addHandler(SMPPSessionHandler(role: .messageCentre, windowSize: settings.window, timers: timers))
                    try sync.addHandler(ClientSessionHandler(gateway: gateway, settings: settings, isTLS: secure, activity: activity))
                }
            }
            .bind(host: address.host, port: address.port)
            .get()
        channels.withLockedValue { $0.append(channel) }
        gateway.logger.notice("listening", metadata: ["address": "\(channel.localAddress?.description ?? address.description)", "tls": "\(secure)"])
        return channel
    }

    /// Builds the current scripts' VM on every event loop now, so the first message on each loop
    /// after a start or a reload does not wait for every plugin's `init`.
    public func warmScripts() {
        let scripts = gateway.scripts
        let logger = gateway.logger
        for loop in group.makeIterator() {
            loop.execute {
                do {
                    _ = try scripts.engine()
                } catch {
                    logger.error("scripts could not be built on an event loop", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Stops accepting; bound sessions are unbound.
    public func stop() async {
        let listeners = channels.withLockedValue { channels in
            defer { channels = [] }
            return channels
        }
        for channel in listeners { try? await channel.close() }
        for session in gateway.registry.allSessions() { session.detach() }
    }
}
