extension SessionAction {
    /// A request of ours still waiting for its response, as handed back when the session ends.
    public struct PendingRequest: Hashable, Sendable, CustomStringConvertible {
        /// The sequence number the request was sent with.
        public var sequenceNumber: UInt32
        /// The request's command id (`submit_sm`, …).
        public var commandID: CommandID

        public init(sequenceNumber: UInt32, commandID: CommandID) {
            self.sequenceNumber = sequenceNumber
            self.commandID = commandID
        }

        public var description: String { "\(commandID.name)#\(sequenceNumber)" }
    }
}
