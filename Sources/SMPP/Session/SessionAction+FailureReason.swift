extension SessionAction {
    /// Why a request of ours ended without a response.
    public enum FailureReason: Hashable, Sendable {
        /// The response_timer ran out.
        case timeout
        /// The connection closed before the response came.
        case connectionClosed
    }
}
