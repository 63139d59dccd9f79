import Gateway
import NIOCore
import NIOPosix
import SMPP
import NIOConcurrencyHelpers

/// A fast upstream SMSC for tests, `tern bench` and operators who need a peer: binds ESMEs,
/// answers every submit_sm at once with an id, and sends the receipt after a delay to a
/// receiving session of the same system_id. It can refuse binds, throttle, and inject MO messages.
///
/// Per-message work stays on the connection's event loop; shared state (switches, counters,
/// sessions) is read and published once per read batch or receipt tick, not once per message.
public final class SinkSMSC: Sendable {
    public let configuration: Configuration
    private let group: any EventLoopGroup
    let shared: Shared

    public init(configuration: Configuration = Configuration(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
        shared = Shared(configuration: configuration)
    }

    /// The port the sink listens on (the chosen one when configured with 0); 0 before `start`.
    public var port: Int { shared.state.withLockedValue { $0.port } }

    public var counters: Counters { shared.state.withLockedValue { $0.counters } }

    /// Starts listening. Throws when the address cannot be bound.
    public func start() async throws {
        let shared = self.shared
        let configuration = self.configuration
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        SMPPSessionHandler(role: .messageCentre, windowSize: max(1, configuration.receiptWindow),
                                           timers: SessionTimers(enquireLink: nil, inactivity: nil, response: .seconds(10),
                                                                 tickInterval: .milliseconds(500))),
                        SinkSMSCHandler(shared: shared),
                    ])
                    shared.opened(channel)
                }
            }
            .bind(host: configuration.host, port: configuration.port).get()
        shared.state.withLockedValue { state in
            state.server = server
            state.port = server.localAddress?.port ?? 0
        }
    }

    /// Closes the listener and every connection (without unbinding: an SMSC going away).
    public func stop() async {
        let (server, channels) = shared.state.withLockedValue { state -> ((any Channel)?, [any Channel]) in
            let server = state.server
            state.server = nil
            return (server, Array(state.channels.values))
        }
        try? await server?.close().get()
        for channel in channels {
            channel.close(promise: nil)
            try? await channel.closeFuture.get()
        }
    }

    /// Answers ESME_RTHROTTLED to `share` (0…1) of the submits from now on, spread evenly.
    public func throttle(share: Double) {
        shared.state.withLockedValue { $0.switches.throttledShare = min(1, max(0, share)) }
    }

    /// Answers ESME_RTHROTTLED to every submit for `duration` from now.
    public func throttle(for duration: Duration) {
        let until = NIODeadline.now() + TimeAmount(duration)
        shared.state.withLockedValue { $0.switches.throttledUntil = until }
    }

    /// Refuses (ESME_RBINDFAIL) or accepts binds from now on; bound sessions stay bound.
    public func refuseBinds(_ refuse: Bool) {
        shared.state.withLockedValue { $0.switches.refuseBinds = refuse }
    }

    /// Sends a deliver_sm to a receiving session bound as `systemID` and returns the ESME's
    /// response (whatever its status).
    public func sendDeliverSM(to systemID: String, _ body: DeliverSM, tlvs: TLVList = TLVList()) async throws -> PDU {
        guard let receiver = shared.receiver(for: systemID) else { throw SinkSMSCError.noReceiver(systemID) }
        let response = try await receiver.eventLoop.flatSubmit {
            receiver.value.sendRequest(.deliverSM(body), tlvs: tlvs, on: receiver.eventLoop)
        }.get()
        shared.state.withLockedValue { $0.counters.mobileOriginatedSent += 1 }
        return response
    }

    /// Injects a mobile-originated message toward the ESME bound as `systemID`.
    public func sendMobileOriginated(to systemID: String, from source: Address, to destination: Address,
                                     shortMessage: [UInt8], dataCoding: DataCoding = .mcDefault) async throws -> PDU {
        try await sendDeliverSM(to: systemID, DeliverSM(source: source, destination: destination, dataCoding: dataCoding,
                                                        shortMessage: ByteBuffer(bytes: shortMessage)))
    }
}

/// Why the sink could not do what it was asked.
public enum SinkSMSCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No receiver or transceiver session is bound with that system_id.
    case noReceiver(String)

    public var description: String {
        switch self {
        case .noReceiver(let systemID): return "no receiving session is bound as \(systemID)"
        }
    }
}

extension SinkSMSC {
    /// The state connections share, behind one lock taken once per batch.
    final class Shared: Sendable {
        struct Switches: Sendable {
            var throttledShare: Double
            var throttledUntil: NIODeadline?
            var refuseBinds: Bool
        }

        struct State {
            var switches: Switches
            var counters = Counters()
            var nextMessageID: UInt64
            var receivers: [String: [(id: ObjectIdentifier, link: NIOLoopBound<SinkSMSCHandler>)]] = [:]
            var nextReceiver = 0
            var channels: [ObjectIdentifier: any Channel] = [:]
            var server: (any Channel)?
            var port = 0
        }

        let configuration: Configuration
        let state: NIOLockedValueBox<State>
        /// Ids are handed to connections in blocks so that allocating one takes no lock.
        static let idBlock: UInt64 = 4096

        init(configuration: Configuration) {
            self.configuration = configuration
            state = NIOLockedValueBox(State(
                switches: Switches(throttledShare: configuration.throttledShare, throttledUntil: nil, refuseBinds: configuration.refuseBinds),
                nextMessageID: configuration.firstMessageID))
        }

        func opened(_ channel: any Channel) {
            let key = ObjectIdentifier(channel)
            state.withLockedValue { state in
                state.channels[key] = channel
                state.counters.connections += 1
            }
            channel.closeFuture.whenComplete { [self] _ in
                _ = state.withLockedValue { $0.channels.removeValue(forKey: key) }
            }
        }

        /// Publishes a connection's counts and returns the switches in force now.
        func sync(_ delta: Counters) -> Switches {
            state.withLockedValue { state in
                if !delta.isZero { state.counters.add(delta) }
                return state.switches
            }
        }

        func allocateIDs() -> Range<UInt64> {
            state.withLockedValue { state in
                let start = state.nextMessageID
                state.nextMessageID += Self.idBlock
                return start..<(start + Self.idBlock)
            }
        }

        func register(receiver: NIOLoopBound<SinkSMSCHandler>, id: ObjectIdentifier, systemID: String) {
            state.withLockedValue { $0.receivers[systemID, default: []].append((id, receiver)) }
        }

        func unregister(id: ObjectIdentifier, systemID: String) {
            state.withLockedValue { state in
                state.receivers[systemID]?.removeAll { $0.id == id }
                if state.receivers[systemID]?.isEmpty == true { state.receivers[systemID] = nil }
            }
        }

        /// A receiving session of `systemID`, round-robin among several.
        func receiver(for systemID: String) -> NIOLoopBound<SinkSMSCHandler>? {
            state.withLockedValue { state in
                guard let list = state.receivers[systemID], !list.isEmpty else { return nil }
                state.nextReceiver &+= 1
                return list[state.nextReceiver % list.count].link
            }
        }
    }
}
