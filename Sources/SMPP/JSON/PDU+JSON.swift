import NIOCore

/// A JSON object that cannot become a PDU: which PDU, which field and what is wrong.
public struct PDUJSONError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String { reason }
}

extension PDU {
    /// The PDU in the JSON shape of `reference/vectors/valid.jsonl` (reference §11): header
    /// fields, body fields by their spec names, octet strings as lower-case hex, TLVs as a list.
    public var json: JSONValue {
        var out = JSONObjectWriter()
        let length = (try? encoded().readableBytes) ?? 0
        out.number("command_length", UInt32(length))
        out.string("command_id", hex32(commandID.rawValue))
        out.string("command_name", commandID.name)
        out.string("command_status", hex32(commandStatus.rawValue))
        out.string("command_status_name", commandStatus.name)
        out.number("sequence_number", sequenceNumber)
        body.writeJSON(into: &out)
        if !tlvs.isEmpty {
            out.pairs.append(("tlvs", .array(tlvs.map(\.json))))
        }
        return .object(out.pairs)
    }

    /// Builds a PDU from the JSON shape of `json`; `command_length`, `sm_length`,
    /// `number_of_dests`, `no_unsuccess` and TLV lengths are computed, not read.
    public init(json: JSONValue) throws(PDUJSONError) {
        guard case .object = json else { throw PDUJSONError(reason: "expected a JSON object for the PDU") }
        let id: CommandID
        if case .string(let name)? = json["command_name"] {
            guard let known = CommandID(name: name) else { throw PDUJSONError(reason: "command_name \"\(name)\" is not an SMPP command") }
            id = known
        } else if case .string(let text)? = json["command_id"], let raw = parseHexUInt32(text) {
            id = CommandID(rawValue: raw)
        } else {
            throw PDUJSONError(reason: "the PDU needs command_name (e.g. \"submit_sm\") or command_id (e.g. \"0x00000004\")")
        }
        var fields = JSONObjectReader(object: json, pdu: id.name)
        let status: CommandStatus
        switch json["command_status"] {
        case .string(let text)?:
            guard let raw = parseHexUInt32(text) ?? CommandStatus(name: text)?.rawValue else {
                throw PDUJSONError(reason: "\(id.name).command_status: \"\(text)\" is neither 0x-hex nor a status name")
            }
            status = CommandStatus(rawValue: raw)
        case .number(let n)?:
            status = CommandStatus(rawValue: UInt32(truncatingIfNeeded: n))
        default:
            status = json["command_status_name"].flatMap { if case .string(let s) = $0 { return CommandStatus(name: s) } else { return nil } } ?? .ok
        }
        let sequence = try fields.uint32("sequence_number")
        let body = try Body(json: &fields, id: id)
        var tlvs = TLVList()
        if case .array(let items)? = json["tlvs"] {
            for item in items { try tlvs.appendJSON(item, pdu: id.name) }
        }
        self.init(body, sequenceNumber: sequence, status: status, tlvs: tlvs)
    }
}

func parseHexUInt32(_ text: String) -> UInt32? {
    guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return nil }
    return UInt32(text.dropFirst(2), radix: 16)
}

/// Lower-case hex of octets, as `tern pdu` and the vectors print them.
public func hexString(_ octets: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(octets.underestimatedCount * 2)
    for byte in octets {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Lower-case hex of a buffer's readable octets.
func hexString(_ buffer: ByteBuffer) -> String { hexString(buffer.readableBytesView) }

/// Octets from hex text (spaces allowed); nil when it is not hex.
public func bytesFromHex(_ text: String) -> [UInt8]? {
    var out = [UInt8]()
    var high: UInt8?
    for byte in text.utf8 {
        let nibble: UInt8
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - 55
        case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: ":"): continue
        default: return nil
        }
        if let h = high { out.append(h << 4 | nibble); high = nil } else { high = nibble }
    }
    return high == nil ? out : nil
}

struct JSONObjectWriter {
    var pairs: [(String, JSONValue)] = []

    mutating func string(_ key: String, _ value: String) { pairs.append((key, .string(value))) }
    mutating func number<I: BinaryInteger>(_ key: String, _ value: I) { pairs.append((key, .number(Int64(value)))) }
    mutating func hex(_ key: String, _ value: ByteBuffer) { pairs.append((key, .string(hexString(value)))) }

    mutating func address(_ prefix: String, _ key: String, _ address: Address) {
        number(prefix + "_ton", address.ton.rawValue)
        number(prefix + "_npi", address.npi.rawValue)
        string(key, address.value)
    }

    mutating func shortMessage(_ message: ByteBuffer) {
        number("sm_length", message.readableBytes)
        hex("short_message", message)
    }
}

struct JSONObjectReader {
    let object: JSONValue
    let pdu: String

    func value(_ key: String) throws(PDUJSONError) -> JSONValue {
        guard let value = object[key] else { throw PDUJSONError(reason: "\(pdu): missing field \"\(key)\"") }
        return value
    }

    func has(_ key: String) -> Bool { object[key] != nil }

    func string(_ key: String) throws(PDUJSONError) -> String {
        guard case .string(let text) = try value(key) else { throw PDUJSONError(reason: "\(pdu).\(key): expected a string") }
        return text
    }

    func integer(_ key: String, max: Int64) throws(PDUJSONError) -> Int64 {
        guard case .number(let n) = try value(key) else { throw PDUJSONError(reason: "\(pdu).\(key): expected an integer") }
        guard n >= 0, n <= max else { throw PDUJSONError(reason: "\(pdu).\(key): \(n) is outside 0…\(max)") }
        return n
    }

    func uint8(_ key: String) throws(PDUJSONError) -> UInt8 { UInt8(try integer(key, max: 0xFF)) }
    func uint32(_ key: String) throws(PDUJSONError) -> UInt32 { UInt32(try integer(key, max: 0xFFFF_FFFF)) }

    func hex(_ key: String) throws(PDUJSONError) -> ByteBuffer {
        let text = try string(key)
        guard let bytes = bytesFromHex(text) else { throw PDUJSONError(reason: "\(pdu).\(key): \"\(text)\" is not hex") }
        return ByteBuffer(bytes: bytes)
    }

    func address(_ prefix: String, _ key: String) throws(PDUJSONError) -> Address {
        Address(ton: TypeOfNumber(rawValue: try uint8(prefix + "_ton")), npi: NumberingPlanIndicator(rawValue: try uint8(prefix + "_npi")), value: try string(key))
    }

    func optionalString(_ key: String) throws(PDUJSONError) -> String? {
        has(key) ? try string(key) : nil
    }

    /// The fields of a reader over a nested object (a dest_address or unsuccess_sme entry).
    func nested(_ value: JSONValue, _ name: String) -> JSONObjectReader { JSONObjectReader(object: value, pdu: "\(pdu).\(name)") }
}

extension TLV {
    /// `{tag, name, length, value}`; the value is a number for integer tags, a string for
    /// C-string tags and lower-case hex otherwise.
    var json: JSONValue {
        let value: JSONValue
        switch tag.valueKind {
        case .integer?, .integerVariable?:
            if (1...4).contains(self.value.readableBytes) {
                value = .number(Int64(self.value.readableBytesView.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }))
            } else {
                value = .string(hexString(self.value))
            }
        case .cString?:
            // A C-string TLV prints as text only when it is well formed (one final NUL, valid
            // UTF-8); anything else an MC sent is shown as `value_hex` so it round-trips exactly.
            let bytes = self.value.readableBytesView
            if bytes.last == 0, !bytes.dropLast().contains(0), let text = String(validating: bytes.dropLast(), as: UTF8.self) {
                value = .string(text)
            } else {
                return .object([
                    ("tag", .string(hex16(tag.rawValue))), ("name", .string(tag.name)),
                    ("length", .number(Int64(self.value.readableBytes))), ("value_hex", .string(hexString(self.value))),
                ])
            }
        case .octets?, nil:
            value = .string(hexString(self.value))
        }
        return .object([
            ("tag", .string(hex16(tag.rawValue))),
            ("name", .string(tag.name)),
            ("length", .number(Int64(self.value.readableBytes))),
            ("value", value),
        ])
    }
}

extension TLVList {
    mutating func appendJSON(_ item: JSONValue, pdu: String) throws(PDUJSONError) {
        let tag: TLVTag
        if case .string(let text)? = item["tag"], let raw = parseHexUInt32(text), raw <= 0xFFFF {
            tag = TLVTag(rawValue: UInt16(raw))
        } else if case .string(let name)? = item["name"], let known = TLVTag(name: name) {
            tag = known
        } else {
            throw PDUJSONError(reason: "\(pdu).tlvs: each TLV needs \"tag\" (e.g. \"0x0424\") or a known \"name\"")
        }
        var declaredLength: Int?
        if case .number(let n)? = item["length"] { declaredLength = Int(n) }
        var bytes = ByteBuffer()
        if case .string(let text)? = item["value_hex"] {
            guard let raw = bytesFromHex(text) else { throw PDUJSONError(reason: "\(pdu).tlvs \(tag.name): value_hex \"\(text)\" is not hex") }
            bytes.writeBytes(raw)
        } else {
        switch (item["value"], tag.valueKind) {
        case (.number(let n)?, let kind):
            let width: Int
            switch kind {
            case .integer(let size)?: width = size
            default: width = declaredLength ?? 1
            }
            guard (1...4).contains(width), n >= 0, n < (Int64(1) << (8 * width)) else {
                throw PDUJSONError(reason: "\(pdu).tlvs \(tag.name): \(n) does not fit in \(width) octet(s)")
            }
            for shift in stride(from: (width - 1) * 8, through: 0, by: -8) { bytes.writeInteger(UInt8(truncatingIfNeeded: n >> Int64(shift))) }
        case (.string(let text)?, .cString?):
            bytes.writeString(text)
            bytes.writeInteger(UInt8(0))
        case (.string(let text)?, _):
            guard let raw = bytesFromHex(text) else { throw PDUJSONError(reason: "\(pdu).tlvs \(tag.name): \"\(text)\" is not hex") }
            bytes.writeBytes(raw)
        default:
            throw PDUJSONError(reason: "\(pdu).tlvs \(tag.name): missing or unusable \"value\"")
        }
        }
        do {
            try append(tag, bytes)
        } catch {
            throw PDUJSONError(reason: "\(pdu).tlvs: \(error)")
        }
    }
}
