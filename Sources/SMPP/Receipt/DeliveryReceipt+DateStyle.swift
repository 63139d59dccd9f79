extension DeliveryReceipt {
    /// How ``DeliveryReceipt/format(dateStyle:includingExtraFields:)`` writes the two dates.
    public enum DateStyle: Hashable, Sendable {
        /// `YYMMDDhhmm`: the classic form, the one clients parse reliably (the default).
        case tenDigits
        /// `YYMMDDhhmmss`: some clients drop the connection on it; only for peers that ask.
        case twelveDigits
    }
}
