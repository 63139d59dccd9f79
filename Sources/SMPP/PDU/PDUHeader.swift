/// The 16-octet header every PDU starts with (reference §1).
public struct PDUHeader: Hashable, Sendable {
    /// The whole PDU's length, header included.
    public var commandLength: UInt32
    public var commandID: CommandID
    public var commandStatus: CommandStatus
    public var sequenceNumber: UInt32

    /// The header's size on the wire.
    public static let size = 16

    public init(commandLength: UInt32, commandID: CommandID, commandStatus: CommandStatus, sequenceNumber: UInt32) {
        self.commandLength = commandLength
        self.commandID = commandID
        self.commandStatus = commandStatus
        self.sequenceNumber = sequenceNumber
    }
}
