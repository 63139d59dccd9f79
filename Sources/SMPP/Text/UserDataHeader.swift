/// The user data header at the start of short_message when esm_class has UDHI (0x40): UDHL, then
/// information elements (IEI, length, data). Tern reads concatenation from it and preserves everything else
/// (application ports, …) untouched.
public struct UserDataHeader: Hashable, Sendable {
    /// The information elements in wire order.
    public var elements: [InformationElement]

    public init(elements: [InformationElement] = []) {
        self.elements = elements
    }

    /// A header holding just the concatenation element for `info`.
    public init(concatenation info: ConcatenationInfo) {
        self.elements = [.concatenation(info)]
    }

    /// The concatenation element, if any; when there are several, the last one counts (TS 23.040 §9.2.3.24).
    public var concatenation: ConcatenationInfo? {
        for element in elements.reversed() {
            if let info = element.concatenationInfo { return info }
        }
        return nil
    }

    /// The octets the header takes on the wire, UDHL included.
    public var encodedLength: Int {
        elements.reduce(1) { $0 + 2 + $1.data.count }
    }

    /// The header as octets: UDHL, then each element as IEI, length, data.
    ///
    /// - Throws: `SMPPTextError` `.malformedUserDataHeader` when an element holds more than 255 octets or the
    ///   elements together exceed the 255 octets UDHL can count.
    public func encoded() throws(SMPPTextError) -> [UInt8] {
        let length = encodedLength - 1
        guard length <= 0xFF else {
            throw .malformedUDH("the information elements take \(length) octets; UDHL can count at most 255")
        }
        var octets: [UInt8] = []
        octets.reserveCapacity(length + 1)
        octets.append(UInt8(length))
        for element in elements {
            guard element.data.count <= 0xFF else {
                throw .malformedUDH(
                    "information element 0x\(SMPPTextError.hex(element.identifier, width: 2)) holds "
                        + "\(element.data.count) octets; an element can hold at most 255")
            }
            octets.append(element.identifier)
            octets.append(UInt8(element.data.count))
            octets.append(contentsOf: element.data)
        }
        return octets
    }

    /// Splits a short_message whose esm_class has UDHI into its header and the user data after it.
    ///
    /// `userData` is a slice of the input: its indices continue from the header's end rather than starting at
    /// 0, so iterate it or copy it with `Array(userData)` instead of subscripting from 0.
    ///
    /// - Throws: `SMPPTextError` `.malformedUserDataHeader` when short_message is empty, UDHL runs past its
    ///   end, an element's length runs past UDHL, or a concatenation element has the wrong length.
    public static func parse(
        _ shortMessage: some Collection<UInt8>
    ) throws(SMPPTextError) -> (header: UserDataHeader, userData: ArraySlice<UInt8>) {
        let octets = Array(shortMessage)
        guard let udhl = octets.first else {
            throw .malformedUDH("esm_class has UDHI (0x40) but short_message is empty")
        }
        let end = 1 + Int(udhl)
        guard end <= octets.count else {
            throw .malformedUDH(
                "UDHL is \(udhl) but only \(octets.count - 1) octets follow it in short_message")
        }
        var elements: [InformationElement] = []
        var index = 1
        while index < end {
            guard index + 2 <= end else {
                throw .malformedUDH(
                    "information element 0x\(SMPPTextError.hex(octets[index], width: 2)) at offset \(index) "
                        + "has no length octet inside UDHL \(udhl)")
            }
            let identifier = octets[index]
            let length = Int(octets[index + 1])
            let dataStart = index + 2
            guard dataStart + length <= end else {
                throw .malformedUDH(
                    "information element 0x\(SMPPTextError.hex(identifier, width: 2)) at offset \(index) "
                        + "claims \(length) octets but only \(end - dataStart) remain inside UDHL \(udhl)")
            }
            let element = InformationElement(identifier: identifier, data: Array(octets[dataStart..<dataStart + length]))
            if let expected = element.expectedConcatenationLength, length != expected {
                throw .malformedUDH(
                    "concatenation element 0x\(SMPPTextError.hex(identifier, width: 2)) must hold \(expected) "
                        + "octets, not \(length)")
            }
            elements.append(element)
            index = dataStart + length
        }
        return (UserDataHeader(elements: elements), octets[end...])
    }
}
