// 7-bit packing of septets into octets (3GPP TS 23.038 §6.1.2.1.1, TS 23.040 §9.2.3.24): septet n starts at
// bit 7n (+ fill bits) of the user data, least significant bit first.

extension GSM7 {
    /// The septet used to fill 7 spare bits at the end of packed text, so that a receiver that does not know
    /// the septet count cannot mistake the padding for an `@` (TS 23.038 §6.1.2.3.1).
    public static let carriageReturn: UInt8 = 0x0D

    /// Packs septets 8 to 7 octets.
    ///
    /// - Parameters:
    ///   - septets: unpacked septets; only the low 7 bits of each octet are used.
    ///   - fillBits: zero bits to put before the first septet — `fillBits(afterHeaderOfLength:)` when a UDH of
    ///     that length precedes the text in the same user data. Negative values count as 0.
    /// - Returns: `ceil((fillBits + 7 × count) / 8)` octets, unused high bits of the last octet zero; no octets
    ///   at all for no septets.
    public static func pack(_ septets: some Collection<UInt8>, fillBits: Int = 0) -> [UInt8] {
        guard !septets.isEmpty else { return [] }
        let fill = max(0, fillBits)
        let totalBits = fill + 7 * septets.count
        let octetCount = (totalBits + 7) / 8
        return UTF8Coding.withContiguous(septets) { input in
            [UInt8](unsafeUninitializedCapacity: octetCount) { out, initialized in
                var written = 0
                // Whole octets of fill are plain zeros; what remains is 0–7 bits in the accumulator.
                while written < fill / 8 {
                    out[written] = 0
                    written += 1
                }
                var accumulator: UInt32 = 0
                var bits = fill % 8
                for septet in input {
                    accumulator |= UInt32(septet & 0x7F) << bits
                    bits += 7
                    if bits >= 8 {
                        out[written] = UInt8(truncatingIfNeeded: accumulator)
                        written += 1
                        accumulator >>= 8
                        bits -= 8
                    }
                }
                if bits > 0 {
                    out[written] = UInt8(truncatingIfNeeded: accumulator)
                    written += 1
                }
                initialized = written
            }
        }
    }

    /// Unpacks 7-bit packed octets to septets, one per octet.
    ///
    /// - Parameters:
    ///   - octets: the packed user data (after the UDH, if any).
    ///   - fillBits: bits to skip before the first septet (see `fillBits(afterHeaderOfLength:)`).
    ///   - septetCount: how many septets the sender packed, when known (the air interface's UDL). When nil,
    ///     every whole septet is returned, except that a final CR filling exactly the last 7 spare bits is
    ///     taken as TS 23.038 padding and dropped. A final `@` in that position is kept: it cannot be told
    ///     apart from zero padding, so pass the count whenever you have it.
    public static func unpack(_ octets: some Collection<UInt8>, fillBits: Int = 0, septetCount: Int? = nil) -> [UInt8] {
        let fill = max(0, fillBits)
        let availableBits = octets.count * 8 - fill
        guard availableBits >= 7 else { return [] }
        let wholeSeptets = availableBits / 7
        let count = septetCount.map { min(max(0, $0), wholeSeptets) } ?? wholeSeptets
        var septets = UTF8Coding.withContiguous(octets) { input in
            [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
                for n in 0..<count {
                    let bit = fill + 7 * n
                    let byte = bit >> 3
                    let shift = bit & 7
                    var value = UInt16(input[byte]) >> shift
                    if shift > 1 {
                        value |= UInt16(input[byte + 1]) << (8 - shift)
                    }
                    out[n] = UInt8(truncatingIfNeeded: value) & 0x7F
                }
                initialized = count
            }
        }
        if septetCount == nil, availableBits % 7 == 0, septets.last == carriageReturn {
            septets.removeLast()
        }
        return septets
    }
}
