/// A text ready to submit: the data_coding for every part and the parts in sequence order.
public struct SplitMessage: Hashable, Sendable {
    /// The data_coding to put in every part's PDU.
    public var dataCoding: DataCoding
    /// The parts, first to last; a single element when the text fits one message or travels in message_payload.
    public var parts: [MessagePart]

    public init(dataCoding: DataCoding, parts: [MessagePart]) {
        self.dataCoding = dataCoding
        self.parts = parts
    }
}
