/// A receipt's `submit date:` or `done date:`: the text exactly as sent, plus its parts when the
/// text is the usual `YYMMDDhhmm` or `YYMMDDhhmmss`.
///
/// No time zone is implied; receipts carry the MC's local time. No Foundation `Date` is needed.
public struct ReceiptDate: Hashable, Sendable, CustomStringConvertible {
    /// The value as it appeared in the receipt (or as built).
    public var text: String
    /// The parsed parts; nil when `text` is not 10 or 12 digits with plausible values.
    public var components: Components?

    /// Keeps `text` and parses it when it is `YYMMDDhhmm` or `YYMMDDhhmmss`.
    public init(_ text: String) {
        self.text = text
        self.components = Components(digits: text.utf8)
    }

    /// Keeps text and parts already known to agree (the parser's fast path).
    init(text: String, components: Components?) {
        self.text = text
        self.components = components
    }

    /// Builds a date from its parts; `text` is 10 digits, or 12 when `second` is given.
    /// Values are clamped to two digits each.
    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int? = nil) {
        let components = Components(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        self.components = components
        self.text = components.digits(includingSeconds: second != nil)
    }

    /// The date written for a receipt: from the parts with or without seconds; the original
    /// text unchanged when it could not be parsed.
    public func formatted(includingSeconds: Bool) -> String {
        guard let components else { return text }
        return components.digits(includingSeconds: includingSeconds)
    }

    public var description: String { text }
}
