extension ReceivedReceipt {
    /// The error a receipt reports, by where it came from.
    public enum ErrorCode: Hashable, Sendable {
        /// The network_error_code TLV: network type (1 ANSI-136, 2 IS-95, 3 GSM, …) and error code.
        case network(type: UInt8, code: UInt16)
        /// The text's `err:` value as sent (`"000"` usually means no error).
        case text(String)
    }
}
