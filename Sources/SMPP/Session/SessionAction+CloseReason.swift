extension SessionAction {
    /// Why the machine asks for the connection to be closed; for logs and metrics.
    public enum CloseReason: Hashable, Sendable {
        /// No successful bind within session_init_timer.
        case sessionInitTimeout
        /// Our enquire_link went unanswered for response_timer: the peer is presumed dead.
        case enquireLinkTimeout
        /// Our bind went unanswered for response_timer.
        case bindTimeout
        /// Our unbind went unanswered for response_timer; we close anyway.
        case unbindTimeout
        /// Our unbind was answered: the orderly end of a session.
        case unbound
        /// The application asked to leave while nothing was bound, so there is nothing to unbind.
        case closeRequested
        /// The handler reported an error it cannot recover from (I/O, unframeable input).
        case errorHappened
    }
}
