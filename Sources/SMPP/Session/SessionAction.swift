/// What the channel handler must do after feeding an event to ``SessionStateMachine``.
///
/// Cases are imperatives; the handler runs them in one `switch` and holds no protocol rules of
/// its own. Sequence numbers are always the ones of the PDU concerned, so each case is complete
/// without looking back at the input.
public enum SessionAction: Hashable, Sendable {
    /// Nothing to do.
    case wait

    /// The peer's request is allowed here: hand it to the application, which answers it.
    case forward

    /// Answer the peer's request with its own response PDU (`submit_sm_resp`, …) carrying this
    /// status and an empty body; the application is not involved.
    case respond(CommandID, CommandStatus, sequenceNumber: UInt32)

    /// Answer with generic_nack: the command is unknown, or it is one the peer's role may never send.
    case sendGenericNack(CommandStatus, sequenceNumber: UInt32)

    /// The peer unbound: write unbind_resp (ESME_ROK), close the connection once it is written,
    /// and fail these requests of ours as `.connectionClosed`.
    case sendUnbindResponseAndClose(sequenceNumber: UInt32, failing: [PendingRequest])

    /// Write the request the application asked to send, numbered with this sequence number.
    case sendRequest(CommandID, sequenceNumber: UInt32)

    /// The application may not send this request now; fail it (or queue it when `.windowFull`).
    case rejectRequest(CommandID, Rejection)

    /// The session went quiet: write an enquire_link with this sequence number (the machine owns it).
    case sendEnquireLink(sequenceNumber: UInt32)

    /// Write an unbind with this sequence number (the machine owns it; its answer closes the session).
    case sendUnbind(sequenceNumber: UInt32)

    /// The response (or a generic_nack) for one of our requests arrived: complete that request.
    /// The command id is the request's (`submit_sm`), the status the response's.
    case completeRequest(sequenceNumber: UInt32, CommandID, CommandStatus)

    /// One of our requests got no answer in time; fail it. Its window slot is already free.
    case failRequest(sequenceNumber: UInt32, CommandID, FailureReason)

    /// The connection closed under us: fail all these requests.
    case failRequests([PendingRequest], FailureReason)

    /// A response that matches nothing outstanding: log it and drop it. Never answer a response.
    case unexpectedResponse(CommandID, sequenceNumber: UInt32, UnexpectedResponseReason)

    /// Close the connection and fail these requests of ours as `.connectionClosed`.
    case close(CloseReason, failing: [PendingRequest])
}
