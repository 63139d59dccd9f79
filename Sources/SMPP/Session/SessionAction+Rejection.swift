extension SessionAction {
    /// Why the application may not send a request right now.
    public enum Rejection: Hashable, Sendable {
        /// As many requests are outstanding as the window allows; wait for a response or a timeout.
        case windowFull
        /// Our role may send this command, but not in this state (for instance submit_sm while
        /// BOUND_RX, anything once UNBOUND, a second bind while one is outstanding).
        case notAllowedInState(SessionState)
        /// Our role never sends this command (deliver_sm from an ESME, a response id, an unknown id).
        case notAllowedForRole(SessionRole)
    }
}
