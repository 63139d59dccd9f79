/// A message on its way out, with the connectors it may take in failover order.
public struct DispatchItem: Sendable {
    public var message: Message
    /// The route's connectors, in failover order.
    public var connectors: [String]
    /// Index into `connectors` of the one to try next.
    public var next: Int
    /// Failovers in a row since the last time every connector was tried (decides the backoff).
    public var triedInRound: Int

    public init(message: Message, connectors: [String], next: Int = 0, triedInRound: Int = 0) {
        self.message = message
        self.connectors = connectors
        self.next = next
        self.triedInRound = triedInRound
    }

    public var connector: String { connectors[next % max(1, connectors.count)] }
}
