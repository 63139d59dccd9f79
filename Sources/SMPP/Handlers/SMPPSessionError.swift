import NIOCore

/// Why a request sent through `SMPPSessionHandler` did not get its response.
public struct SMPPSessionError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// As many requests as the window allows already wait for responses.
        case windowFull
        /// The session's state does not allow this request (e.g. submit_sm before bind).
        case notAllowedInState(SessionState)
        /// Our role never sends this request (an MC does not submit_sm).
        case notAllowedForRole(SessionRole)
        /// No response came within the response timer.
        case timeout
        /// The connection closed before the response came.
        case connectionClosed
        /// The PDU breaks a field limit and was not sent.
        case encoding(SMPPEncodingError)
    }

    public var code: Code
    /// The request concerned.
    public var commandID: CommandID

    public init(_ code: Code, commandID: CommandID) {
        self.code = code
        self.commandID = commandID
    }

    public var description: String {
        switch code {
        case .windowFull: return "\(commandID.name) not sent: the window of outstanding requests is full"
        case .notAllowedInState(let state): return "\(commandID.name) not sent: not allowed in state \(state)"
        case .notAllowedForRole(let role): return "\(commandID.name) not sent: an \(role) does not send it"
        case .timeout: return "\(commandID.name): no response within the response timer"
        case .connectionClosed: return "\(commandID.name): the connection closed before the response"
        case .encoding(let error): return "\(commandID.name) not sent: \(error)"
        }
    }
}

/// What the application writes into an `SMPPSessionHandler`.
public enum SMPPOutbound: Sendable {
    /// A request of ours; the handler numbers it. The promise receives the peer's response PDU
    /// (which may be a generic_nack or carry an error status), or an `SMPPSessionError`.
    case request(PDU.Body, tlvs: TLVList = TLVList(), promise: EventLoopPromise<PDU>?)
    /// Our response to a request the handler passed up (its sequence number already set).
    case response(PDU)
    /// Leave the session: unbind when bound, else close.
    case unbind
}

/// What the session tells the application besides the peer's requests.
public enum SMPPSessionEvent: Sendable, Hashable {
    /// The session reached a new state (bound, unbound, …).
    case stateChanged(SessionState)
    /// The peer sent something malformed that was answered (or, for a response, dropped).
    case malformedPDU(SMPPDecodingError)
    /// A response that matched no request of ours was dropped.
    case unexpectedResponse(CommandID, sequenceNumber: UInt32)
    /// The session is closing, and why.
    case closing(SessionAction.CloseReason)
}
