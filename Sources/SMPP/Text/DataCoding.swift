/// The data_coding octet of submit_sm, deliver_sm and data_sm: which alphabet short_message is written in
/// (reference §6), including the GSM DCS groups 0xC0–0xFF.
public struct DataCoding: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 0x00: the MC's default alphabet, in practice GSM 03.38 7-bit carried one septet per octet.
    public static let mcDefault = DataCoding(rawValue: 0x00)
    /// 0x01: IA5, i.e. 7-bit ASCII.
    public static let ia5 = DataCoding(rawValue: 0x01)
    /// 0x02: 8-bit binary whose meaning the MC does not know.
    public static let octetUnspecified = DataCoding(rawValue: 0x02)
    /// 0x03: ISO-8859-1.
    public static let latin1 = DataCoding(rawValue: 0x03)
    /// 0x04: 8-bit binary (ring tones, WAP push, SIM data).
    public static let binary = DataCoding(rawValue: 0x04)
    /// 0x05: JIS X 0208-1990.
    public static let jis = DataCoding(rawValue: 0x05)
    /// 0x06: ISO-8859-5.
    public static let cyrillic = DataCoding(rawValue: 0x06)
    /// 0x07: ISO-8859-8.
    public static let hebrew = DataCoding(rawValue: 0x07)
    /// 0x08: UCS-2 big-endian; Tern sends UTF-16BE, so characters beyond the BMP travel as surrogate pairs.
    public static let ucs2 = DataCoding(rawValue: 0x08)
    /// 0x09: pictogram encoding.
    public static let pictogram = DataCoding(rawValue: 0x09)
    /// 0x0A: music codes (ISO-2022-JP).
    public static let musicCodes = DataCoding(rawValue: 0x0A)
    /// 0x0D: extended Kanji JIS X 0212-1990.
    public static let extendedKanji = DataCoding(rawValue: 0x0D)
    /// 0x0E: KS C 5601 (Korean).
    public static let korean = DataCoding(rawValue: 0x0E)

    /// The alphabet the octets are written in, so callers can pick an encoder without knowing every DCS group.
    @inlinable public var alphabet: Alphabet {
        switch rawValue {
        case 0x00: return .gsm7
        case 0x01: return .ascii
        case 0x02, 0x04: return .binary
        case 0x03: return .latin1
        case 0x08: return .ucs2
        // GSM DCS message waiting groups: 1100 discard / 1101 store use the default alphabet,
        // 1110 store uses UCS-2 (3GPP TS 23.038 §4).
        case 0xC0...0xDF: return .gsm7
        case 0xE0...0xEF: return .ucs2
        // GSM DCS data coding / message class group: bit 2 picks 7-bit default or 8-bit data.
        case 0xF0...0xFF: return rawValue & 0x04 == 0 ? .gsm7 : .binary
        default: return .other
        }
    }

    /// The GSM message class 0–3 carried in bits 1..0 of the 0xF0–0xFF group (class 0 = flash SMS),
    /// or nil for values that do not carry one.
    @inlinable public var messageClass: UInt8? {
        rawValue >= 0xF0 ? rawValue & 0x03 : nil
    }

    /// A short human name for logs and the admin UI, e.g. `MC default (GSM 7-bit)` or `UCS-2`.
    public var name: String {
        switch rawValue {
        case 0x00: return "MC default (GSM 7-bit)"
        case 0x01: return "IA5 (ASCII)"
        case 0x02: return "8-bit binary (unspecified)"
        case 0x03: return "Latin-1"
        case 0x04: return "8-bit binary"
        case 0x05: return "JIS"
        case 0x06: return "Cyrillic (ISO-8859-5)"
        case 0x07: return "Hebrew (ISO-8859-8)"
        case 0x08: return "UCS-2"
        case 0x09: return "pictogram"
        case 0x0A: return "music codes (ISO-2022-JP)"
        case 0x0D: return "extended Kanji JIS"
        case 0x0E: return "KS C 5601 (Korean)"
        case 0xC0...0xCF: return "message waiting, discard (GSM 7-bit)"
        case 0xD0...0xDF: return "message waiting, store (GSM 7-bit)"
        case 0xE0...0xEF: return "message waiting, store (UCS-2)"
        case 0xF0...0xFF:
            let alphabet = rawValue & 0x04 == 0 ? "GSM 7-bit" : "8-bit"
            return "\(alphabet), class \(rawValue & 0x03)"
        default: return "reserved"
        }
    }

    /// `0x08 (UCS-2)`: the value first, because that is what appears on the wire and in traces.
    public var description: String { "0x\(SMPPTextError.hex(rawValue, width: 2)) (\(name))" }
}
