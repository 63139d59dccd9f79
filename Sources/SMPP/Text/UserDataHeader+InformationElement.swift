extension UserDataHeader {
    /// One information element of a UDH: an identifier (IEI) and its data.
    public struct InformationElement: Hashable, Sendable {
        /// IEI 0x00: concatenated short message, 8-bit reference.
        public static let concatenation8BitReference: UInt8 = 0x00
        /// IEI 0x04: application port addressing, 8-bit ports.
        public static let applicationPort8Bit: UInt8 = 0x04
        /// IEI 0x05: application port addressing, 16-bit ports.
        public static let applicationPort16Bit: UInt8 = 0x05
        /// IEI 0x08: concatenated short message, 16-bit reference.
        public static let concatenation16BitReference: UInt8 = 0x08

        /// The information element identifier.
        public var identifier: UInt8
        /// The element's data, without IEI and length.
        public var data: [UInt8]

        public init(identifier: UInt8, data: [UInt8]) {
            self.identifier = identifier
            self.data = data
        }

        /// The concatenation element for `info`: IEI 0x08 with a two-octet reference, or IEI 0x00 with the low
        /// octet of the reference.
        public static func concatenation(_ info: ConcatenationInfo) -> InformationElement {
            if info.is16BitReference {
                return InformationElement(
                    identifier: concatenation16BitReference,
                    data: [UInt8(info.reference >> 8), UInt8(truncatingIfNeeded: info.reference), info.total, info.sequence])
            }
            return InformationElement(
                identifier: concatenation8BitReference,
                data: [UInt8(truncatingIfNeeded: info.reference), info.total, info.sequence])
        }

        /// The concatenation this element describes, or nil for other elements (and for a concatenation
        /// element of the wrong length).
        public var concatenationInfo: ConcatenationInfo? {
            switch identifier {
            case Self.concatenation8BitReference where data.count == 3:
                return ConcatenationInfo(reference: UInt16(data[0]), total: data[1], sequence: data[2], is16BitReference: false)
            case Self.concatenation16BitReference where data.count == 4:
                return ConcatenationInfo(
                    reference: UInt16(data[0]) << 8 | UInt16(data[1]), total: data[2], sequence: data[3], is16BitReference: true)
            default:
                return nil
            }
        }

        /// The data length TS 23.040 fixes for a concatenation element, nil for other identifiers.
        var expectedConcatenationLength: Int? {
            switch identifier {
            case Self.concatenation8BitReference: 3
            case Self.concatenation16BitReference: 4
            default: nil
            }
        }
    }
}
