/// Turns a text (or binary octets) into the short messages that carry it: one message when it fits, otherwise
/// concatenated parts by UDH, by SAR TLVs, or a single message_payload.
///
/// Parts never separate a GSM escape pair (ESC + extension code) or a UTF-16 surrogate pair, so every part
/// decodes on its own.
public struct MessageSplitter: Hashable, Sendable {
    /// The most octets message_payload can carry (its length field is 16 bits).
    public static let maxMessagePayloadLength = 0xFFFF
    /// The most parts a concatenation header or sar_total_segments can number.
    public static let maxParts = 255

    /// Chooses the data_coding when the caller does not force one.
    public var encoder: TextEncoder
    /// Whether GSM 7-bit user data is sent one septet per octet (SMPP's usual form) or packed.
    public var gsm7Packing: GSM7Packing

    public init(encoder: TextEncoder = TextEncoder(), gsm7Packing: GSM7Packing = .unpacked) {
        self.encoder = encoder
        self.gsm7Packing = gsm7Packing
    }

    /// Encodes `text` (in `dataCoding` if given, else the cheapest exact alphabet) and splits it.
    ///
    /// - Throws: `SMPPTextError` — `.unencodableCharacter` when a forced data_coding cannot represent the
    ///   text, `.tooManyParts` past 255 parts, `.messageTooLong` past 65 535 octets of message_payload.
    public func split(
        _ text: String, using method: ConcatenationMethod, dataCoding: DataCoding? = nil
    ) throws(SMPPTextError) -> SplitMessage {
        if let dataCoding {
            return try split(try encoder.encode(text, as: dataCoding), using: method)
        }
        return try split(encoder.encode(text), using: method)
    }

    /// Splits 8-bit data (ring tones, WAP push, …) at octet boundaries.
    public func split(
        binary octets: [UInt8], dataCoding: DataCoding = .binary, using method: ConcatenationMethod
    ) throws(SMPPTextError) -> SplitMessage {
        try split(EncodedText(dataCoding: dataCoding, octets: octets), using: method)
    }

    /// Splits already encoded text; GSM 7-bit input must be unpacked septets, as `GSM7.encode` returns.
    public func split(_ encoded: EncodedText, using method: ConcatenationMethod) throws(SMPPTextError) -> SplitMessage {
        let alphabet = encoded.dataCoding.alphabet
        let packs = alphabet == .gsm7 && gsm7Packing == .packed
        let units = encoded.octets

        if case .messagePayload = method {
            let payload = packs ? packed(units[...], headerLength: 0) : units
            guard payload.count <= Self.maxMessagePayloadLength else {
                throw SMPPTextError(
                    code: .messageTooLong,
                    reason: "the text takes \(payload.count) octets; message_payload holds at most "
                        + "\(Self.maxMessagePayloadLength) — shorten it or split it with UDH or SAR instead")
            }
            return SplitMessage(dataCoding: encoded.dataCoding, parts: [MessagePart(octets: payload, inMessagePayload: true)])
        }

        let limits = SegmentLimits.limits(for: alphabet)
        if units.count <= limits.single {
            let octets = packs ? packed(units[...], headerLength: 0) : units
            return SplitMessage(dataCoding: encoded.dataCoding, parts: [MessagePart(octets: octets)])
        }
        if alphabet == .other {
            throw .unsupported(
                encoded.dataCoding,
                "Tern cannot find character boundaries in this character set, so it cannot split "
                    + "\(units.count) octets; send it in message_payload or as UCS-2")
        }

        let ranges = Self.partRanges(units, alphabet: alphabet, capacity: limits.perPart(method))
        guard ranges.count <= Self.maxParts else {
            throw SMPPTextError(
                code: .tooManyParts,
                reason: "the text needs \(ranges.count) parts of \(limits.perPart(method)) units; concatenation "
                    + "numbers at most \(Self.maxParts) — shorten it or use message_payload")
        }

        let total = UInt8(ranges.count)
        var parts: [MessagePart] = []
        parts.reserveCapacity(ranges.count)
        for (index, range) in ranges.enumerated() {
            let sequence = UInt8(index + 1)
            let body = units[range]
            switch method {
            case .udh8(let reference):
                let header: [UInt8] = [0x05, 0x00, 0x03, reference, total, sequence]
                parts.append(MessagePart(octets: withHeader(header, body, packs: packs), hasUDH: true))
            case .udh16(let reference):
                let header: [UInt8] = [0x06, 0x08, 0x04, UInt8(reference >> 8), UInt8(truncatingIfNeeded: reference), total, sequence]
                parts.append(MessagePart(octets: withHeader(header, body, packs: packs), hasUDH: true))
            case .sar(let reference):
                parts.append(MessagePart(
                    octets: packs ? packed(body, headerLength: 0) : Array(body),
                    sar: SARInfo(reference: reference, total: total, sequence: sequence)))
            case .messagePayload:
                break  // handled above
            }
        }
        return SplitMessage(dataCoding: encoded.dataCoding, parts: parts)
    }

    /// `header` followed by the body, packed after the header's fill bits when `packs`, in one allocation.
    func withHeader(_ header: [UInt8], _ body: ArraySlice<UInt8>, packs: Bool) -> [UInt8] {
        var octets = header
        if packs {
            octets.append(contentsOf: packed(body, headerLength: header.count))
        } else {
            octets.reserveCapacity(header.count + body.count)
            octets.append(contentsOf: body)
        }
        return octets
    }

    /// Packs septets that follow a UDH of `headerLength` octets (0 for none). When the last octet would end
    /// with 7 spare bits they are filled with CR, so an MC that does not know the septet count cannot read
    /// the padding as a trailing `@` (TS 23.038 §6.1.2.3.1).
    func packed(_ septets: ArraySlice<UInt8>, headerLength: Int) -> [UInt8] {
        guard !septets.isEmpty else { return [] }
        let fill = headerLength > 0 ? GSM7.fillBits(afterHeaderOfLength: headerLength) : 0
        var octets = GSM7.pack(septets, fillBits: fill)
        if (fill + 7 * septets.count) % 8 == 1, let last = octets.indices.last {
            octets[last] |= GSM7.carriageReturn << 1
        }
        return octets
    }

    /// Cuts `units` into consecutive ranges of at most `capacity` elements, moving a cut back by one element
    /// rather than separating an escape pair (GSM) or a surrogate pair (UCS-2).
    static func partRanges(_ units: [UInt8], alphabet: DataCoding.Alphabet, capacity: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(units.count / max(1, capacity) + 1)
        var start = 0
        units.withUnsafeBufferPointer { units in
            while start < units.count {
                var end = min(start + capacity, units.count)
                if end < units.count {
                    switch alphabet {
                    case .gsm7:
                        // Pairs form left to right from the part start (never inside a pair), so within the run
                        // of ESCs that ends at the cut, the last ESC opens a pair exactly when the run is odd.
                        var runStart = end
                        while runStart > start, units[runStart - 1] == GSM7.escape { runStart -= 1 }
                        if (end - runStart) % 2 == 1 { end -= 1 }
                    case .ucs2:
                        // capacity is even, so `end` falls between two units; keep a high surrogate with its low
                        // half.
                        if end - start >= 4, UCS2.isHighSurrogate(units, at: end - 2) {
                            end -= 2
                        }
                    case .ascii, .latin1, .binary, .other:
                        break
                    }
                }
                ranges.append(start..<end)
                start = end
            }
        }
        return ranges
    }
}
