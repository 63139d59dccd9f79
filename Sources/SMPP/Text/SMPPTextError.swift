/// Why a text could not be encoded, split, parsed or reassembled.
///
/// A struct with a code rather than a public enum (postgres-nio's `PSQLError` shape), so new codes can be
/// added without breaking callers; `reason` is the sentence to log or show to an operator.
public struct SMPPTextError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; match on it, never on `reason`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case unencodableCharacter
            case unsupportedDataCoding
            case malformedUserDataHeader
            case tooManyParts
            case messageTooLong
            case invalidConcatenation
            case reassemblyCapacityReached
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A character of the text has no representation in the chosen alphabet.
        public static let unencodableCharacter = Code(.unencodableCharacter)
        /// The data_coding does not name a text alphabet this layer can encode or decode.
        public static let unsupportedDataCoding = Code(.unsupportedDataCoding)
        /// The user data header at the start of short_message does not parse or cannot be built.
        public static let malformedUserDataHeader = Code(.malformedUserDataHeader)
        /// The text needs more than 255 parts, the most a concatenation header can number.
        public static let tooManyParts = Code(.tooManyParts)
        /// The octets do not fit where they must go (message_payload holds at most 65 535 octets).
        public static let messageTooLong = Code(.messageTooLong)
        /// A concatenated part contradicts itself or the parts already received.
        public static let invalidConcatenation = Code(.invalidConcatenation)
        /// The reassembler already holds as many incomplete messages as it is allowed to.
        public static let reassemblyCapacityReached = Code(.reassemblyCapacityReached)

        public var description: String {
            switch base {
            case .unencodableCharacter: "unencodable character"
            case .unsupportedDataCoding: "unsupported data_coding"
            case .malformedUserDataHeader: "malformed user data header"
            case .tooManyParts: "too many parts"
            case .messageTooLong: "message too long"
            case .invalidConcatenation: "invalid concatenation"
            case .reassemblyCapacityReached: "reassembly capacity reached"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// Which value broke which rule, in words an operator can act on.
    public var reason: String

    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}

extension SMPPTextError {
    // Cold-path constructors, kept out of line so the encoders' loops stay small (swift-nio-ssh's pattern).

    @inline(never)
    static func unencodable(_ scalar: Unicode.Scalar, at offset: Int, in alphabet: String) -> SMPPTextError {
        SMPPTextError(
            code: .unencodableCharacter,
            reason: "character \(scalar.debugDescription) (U+\(hex(scalar.value, width: 4))) at scalar offset \(offset) "
                + "is not in the \(alphabet) alphabet; send the text as UCS-2 (data_coding 0x08) instead"
        )
    }

    @inline(never)
    static func malformedUDH(_ reason: String) -> SMPPTextError {
        SMPPTextError(code: .malformedUserDataHeader, reason: reason)
    }

    @inline(never)
    static func unsupported(_ dataCoding: DataCoding, _ what: String) -> SMPPTextError {
        SMPPTextError(code: .unsupportedDataCoding, reason: "data_coding \(dataCoding): \(what)")
    }

    /// Upper-case hexadecimal, zero-padded to `width` digits (no Foundation `String(format:)`).
    static func hex(_ value: some BinaryInteger, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
