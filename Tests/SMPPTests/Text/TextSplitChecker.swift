import Testing
@testable import SMPP

/// Checks one split: every part within its limit, no part needlessly short, every part decodable alone, and
/// the parts — delivered in a shuffled order — reassembling to the original text.
struct TextSplitChecker {
    var splitter: MessageSplitter
    var method: ConcatenationMethod
    var seed: UInt64

    func check(_ text: String, expect dataCoding: DataCoding) throws {
        let split = try splitter.split(text, using: method)
        #expect(split.dataCoding == dataCoding)
        let alphabet = dataCoding.alphabet
        let packed = alphabet == .gsm7 && splitter.gsm7Packing == .packed
        let decoder = TextDecoder(gsm7Packing: splitter.gsm7Packing)

        for part in split.parts {
            #expect(part.inMessagePayload == (method == .messagePayload))
            #expect(part.octets.count <= limit(for: part, alphabet: alphabet, packed: packed, whole: split.parts.count == 1))
        }

        // Each part decodes on its own (no escape or surrogate pair was cut), and the pieces join to the text.
        var pieces = ""
        for part in split.parts {
            let (userData, fill) = try userDataOf(part)
            pieces += try decoder.decode(userData, dataCoding: dataCoding, fillBits: fill)
        }
        #expect(Array(pieces.unicodeScalars) == Array(text.unicodeScalars))

        // Reassembled in a shuffled order, the parts give back the text.
        let joined = try reassembledUserData(split)
        let decoded = packed ? GSM7.decode(joined) : try decoder.decode(joined, dataCoding: dataCoding)
        #expect(Array(decoded.unicodeScalars) == Array(text.unicodeScalars))

        // No needless parts: every part but the last is full, short by at most the pair that moved on.
        let slack = alphabet == .ucs2 ? 2 : 1
        for part in split.parts.dropLast() {
            let (userData, fill) = try userDataOf(part)
            let used = packed ? GSM7.unpack(userData, fillBits: fill).count : userData.count
            #expect(used >= capacity(alphabet: alphabet) - slack)
        }
    }

    /// Reassembles the parts (unpacking packed GSM per part first) in a seed-shuffled order.
    func reassembledUserData(_ split: SplitMessage) throws -> [UInt8] {
        var order = Array(split.parts.indices)
        var rng = SplitMix64(seed: seed)
        order.shuffle(using: &rng)
        var reassembler = ConcatenationReassembler<String, TextTestInstant>(timeout: .seconds(60))
        var result: [UInt8]?
        let packed = split.dataCoding.alphabet == .gsm7 && splitter.gsm7Packing == .packed
        for index in order {
            let part = split.parts[index]
            let (userData, fill) = try userDataOf(part)
            let payload = packed ? GSM7.unpack(userData, fillBits: fill) : Array(userData)
            let (reference, total, sequence): (UInt16, UInt8, UInt8)
            if part.hasUDH {
                let info = try #require(try UserDataHeader.parse(part.octets).header.concatenation)
                (reference, total, sequence) = (info.reference, info.total, info.sequence)
            } else if let sar = part.sar {
                (reference, total, sequence) = (sar.reference, sar.total, sar.sequence)
            } else {
                #expect(split.parts.count == 1)
                (reference, total, sequence) = (0, 1, 1)
            }
            switch reassembler.add(key: "peer", reference: reference, total: total, sequence: sequence, payload: payload, now: TextTestInstant()) {
            case .complete(let octets): result = octets
            case .incomplete: break
            case let other: Issue.record("unexpected \(other)")
            }
        }
        #expect(reassembler.messagesInProgress == 0)
        return try #require(result)
    }

    private func userDataOf(_ part: MessagePart) throws -> (ArraySlice<UInt8>, Int) {
        guard part.hasUDH else { return (part.octets[...], 0) }
        let (header, userData) = try UserDataHeader.parse(part.octets)
        return (userData, GSM7.fillBits(afterHeaderOfLength: header.encodedLength))
    }

    /// The most octets a part may hold (reference §8, clients.md for unpacked GSM).
    private func limit(for part: MessagePart, alphabet: DataCoding.Alphabet, packed: Bool, whole: Bool) -> Int {
        if part.inMessagePayload { return 0xFFFF }
        let unpackedGSM = alphabet == .gsm7 && !packed
        if whole { return unpackedGSM ? 160 : 140 }
        switch method {
        case .udh8: return unpackedGSM ? 6 + 153 : 140
        case .udh16: return unpackedGSM ? 7 + 152 : 140
        case .sar: return unpackedGSM ? 153 : 134
        case .messagePayload: return 0xFFFF
        }
    }

    /// Units (septets or octets) per part for `method`.
    private func capacity(alphabet: DataCoding.Alphabet) -> Int {
        let sixteen = if case .udh16 = method { true } else { false }
        switch alphabet {
        case .gsm7: return sixteen ? 152 : 153
        case .ucs2: return sixteen ? 132 : 134
        default: return sixteen ? 133 : 134
        }
    }
}
