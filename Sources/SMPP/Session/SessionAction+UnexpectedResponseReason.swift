extension SessionAction {
    /// Why a response from the peer could not be matched to a request of ours.
    public enum UnexpectedResponseReason: Hashable, Sendable {
        /// No request with that sequence number is outstanding (never sent, already answered,
        /// timed out, or the sequence number is 0 as in some generic_nacks).
        case unknownSequenceNumber
        /// A request with that sequence number is outstanding but it is a different command;
        /// the request stays outstanding. `expected` is the response id it waits for.
        case commandMismatch(expected: CommandID)
        /// A response id was passed to `requestReceived`; responses go to `responseReceived`.
        case notARequest
    }
}
