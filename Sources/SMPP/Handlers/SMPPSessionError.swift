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

/// Who hears how one of our requests ended: the peer's response PDU (which may be a
/// generic_nack or carry an error status), or the `SMPPSessionError` that ended the wait.
public enum SMPPResponder: Sendable {
    /// Hears a request's end: the response, or why there is none.
    public typealias Callback = @Sendable (Result<PDU, SMPPSessionError>) -> Void

    case promise(EventLoopPromise<PDU>)
    /// Called once, on the channel's event loop. For the busiest requests (a submit upstream, a
    /// receipt to a client): a future per request, its callback list and their generic metadata
    /// were a tenth of the event loops' time under load, and a callback is one closure.
    case callback(Callback)

    func succeed(_ response: PDU) {
        switch self {
        case .promise(let promise): promise.succeed(response)
        case .callback(let callback): callback(.success(response))
        }
    }

    func fail(_ error: SMPPSessionError) {
        switch self {
        case .promise(let promise): promise.fail(error)
        case .callback(let callback): callback(.failure(error))
        }
    }
}

/// What the application writes into an `SMPPSessionHandler`.
public enum SMPPOutbound: Sendable {
    /// A request of ours; the handler numbers it and tells `responder` how it ended.
    case request(PDU.Body, tlvs: TLVList = TLVList(), responder: SMPPResponder?)
    /// Our response to a request the handler passed up (its sequence number already set).
    case response(PDU)
    /// Leave the session: unbind when bound, else close.
    case unbind

    /// A request whose response completes `promise`.
    public static func request(_ body: PDU.Body, tlvs: TLVList = TLVList(), promise: EventLoopPromise<PDU>?) -> SMPPOutbound {
        .request(body, tlvs: tlvs, responder: promise.map(SMPPResponder.promise))
    }
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
