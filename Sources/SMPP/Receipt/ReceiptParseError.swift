/// Why a text could not be read as a delivery receipt: which field, and what was wrong with it.
public struct ReceiptParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var code: Code
    /// The receipt field concerned (`id`, `stat`).
    public var field: String
    /// The offending value, for ``Code/invalidValue``.
    public var value: String?

    public init(code: Code, field: String, value: String? = nil) {
        self.code = code
        self.field = field
        self.value = value
    }

    /// A required field (`id`, `stat`) is absent or empty: the text is probably not a receipt.
    @inline(never)
    public static func missingField(_ field: String) -> ReceiptParseError {
        ReceiptParseError(code: .missingField, field: field)
    }

    /// A required field is there but cannot be read (a `stat:` word nobody defines).
    @inline(never)
    public static func invalidValue(field: String, value: String) -> ReceiptParseError {
        ReceiptParseError(code: .invalidValue, field: field, value: value)
    }

    public var description: String {
        switch code {
        case .invalidValue:
            "delivery receipt has an unreadable \(field): value \"\(value ?? "")\""
        default:
            "not a delivery receipt: the required field \(field): is missing"
        }
    }
}
