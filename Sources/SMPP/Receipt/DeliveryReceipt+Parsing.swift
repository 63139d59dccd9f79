extension DeliveryReceipt {
    /// Reads a receipt text as real MCs send it (see ``ReceiptFields`` for what is tolerated).
    ///
    /// Throws ``ReceiptParseError`` naming the field when `id` or `stat` is missing, empty or
    /// unreadable: such a text is not a receipt. Everything else is optional.
    public static func parse(_ text: String) throws(ReceiptParseError) -> DeliveryReceipt {
        try ReceiptFields(text).receipt()
    }

    /// Reads a receipt from its bytes (a deliver_sm's short_message), assumed ASCII / UTF-8.
    public static func parse(utf8 bytes: some Collection<UInt8>) throws(ReceiptParseError) -> DeliveryReceipt {
        try ReceiptFields(utf8: bytes).receipt()
    }
}
