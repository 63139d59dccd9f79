extension DeliveryReceipt {
    /// One `key:value` pair outside the classic receipt fields, kept as sent.
    public struct Field: Hashable, Sendable, CustomStringConvertible {
        /// The key as sent, case included, without the colon.
        public var key: String
        /// The value as sent.
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }

        public var description: String { "\(key):\(value)" }
    }
}
