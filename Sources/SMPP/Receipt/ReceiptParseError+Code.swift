extension ReceiptParseError {
    /// The kind of ``ReceiptParseError``; a struct so kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case missingField
            case invalidValue
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// A required field is absent or empty.
        public static let missingField = Code(.missingField)
        /// A required field's value cannot be read.
        public static let invalidValue = Code(.invalidValue)

        public var description: String {
            switch base {
            case .missingField: "missingField"
            case .invalidValue: "invalidValue"
            }
        }
    }
}
