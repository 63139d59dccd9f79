/// The state of a short message at the MC (reference §6): the message_state field of
/// query_sm_resp, the message_state TLV (0x0427) and, as a 7-letter word, a receipt's `stat:`.
///
/// A struct rather than an enum so that values outside the table survive a round trip.
public struct MessageState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 0, SMPP 5.0: scheduled, delivery not started (3.4 MCs say ENROUTE).
    public static let scheduled = MessageState(rawValue: 0)
    /// 1: active in the MC, possibly in retry.
    public static let enroute = MessageState(rawValue: 1)
    /// 2: delivered to the destination.
    public static let delivered = MessageState(rawValue: 2)
    /// 3: validity period expired before delivery.
    public static let expired = MessageState(rawValue: 3)
    /// 4: cancelled or deleted from the MC.
    public static let deleted = MessageState(rawValue: 4)
    /// 5: permanently undeliverable.
    public static let undeliverable = MessageState(rawValue: 5)
    /// 6: accepted on the subscriber's behalf (manually, by customer service).
    public static let accepted = MessageState(rawValue: 6)
    /// 7: the MC does not know.
    public static let unknown = MessageState(rawValue: 7)
    /// 8: rejected by a delivery interface.
    public static let rejected = MessageState(rawValue: 8)
    /// 9, SMPP 5.0: accepted but deliberately not transmitted.
    public static let skipped = MessageState(rawValue: 9)

    /// Whether no further state change will follow: delivered, expired, deleted, undeliverable,
    /// accepted, rejected and skipped. Scheduled and enroute are intermediate; unknown is not
    /// final either, since the 5.0 text says it "may be intermediate or permanent".
    @inlinable public var isFinal: Bool {
        switch rawValue {
        case 2, 3, 4, 5, 6, 8, 9: true
        default: false
        }
    }

    /// The word a delivery receipt carries in `stat:` (`DELIVRD`, `UNDELIV`, …). SCHEDULED and
    /// SKIPPED have no classic 7-letter word; they use their 5.0 names. Values outside the table
    /// give `UNKNOWN`.
    public var receiptStat: String {
        switch rawValue {
        case 0: "SCHEDULED"
        case 1: "ENROUTE"
        case 2: "DELIVRD"
        case 3: "EXPIRED"
        case 4: "DELETED"
        case 5: "UNDELIV"
        case 6: "ACCEPTD"
        case 8: "REJECTD"
        case 9: "SKIPPED"
        default: "UNKNOWN"
        }
    }

    /// The spec name (`DELIVERED`), or the number for values outside the table.
    public var name: String {
        switch rawValue {
        case 0: "SCHEDULED"
        case 1: "ENROUTE"
        case 2: "DELIVERED"
        case 3: "EXPIRED"
        case 4: "DELETED"
        case 5: "UNDELIVERABLE"
        case 6: "ACCEPTED"
        case 7: "UNKNOWN"
        case 8: "REJECTED"
        case 9: "SKIPPED"
        default: "message_state(\(rawValue))"
        }
    }

    public var description: String { name }

    /// Reads a receipt's `stat:` value, ignoring ASCII case: the classic words (`DELIVRD`),
    /// the full names (`DELIVERED`, `UNDELIVERABLE`, …) and a decimal number 0–255.
    public init?(receiptStat: some StringProtocol) {
        guard let value = Self.parse(receiptStat.utf8) else { return nil }
        self = value
    }

    /// Byte-level form of ``init(receiptStat:)``, used by the receipt parser.
    static func parse(_ bytes: some Collection<UInt8>) -> MessageState? {
        guard !bytes.isEmpty else { return nil }
        if bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard bytes.count <= 3 else { return nil }
            var value = 0
            for byte in bytes { value = value * 10 + Int(byte - UInt8(ascii: "0")) }
            return value <= 255 ? MessageState(rawValue: UInt8(value)) : nil
        }
        var word = PackedASCIIWord()
        for byte in bytes { word.append(byte) }
        guard !word.overflowed else { return nil }
        for (candidate, state) in wordTable where candidate == word {
            return state
        }
        return nil
    }

    /// Every accepted `stat:` word: the classic 7-letter forms and the full names.
    private static let wordTable: [(PackedASCIIWord, MessageState)] = [
        (PackedASCIIWord("DELIVRD"), .delivered), (PackedASCIIWord("DELIVERED"), .delivered),
        (PackedASCIIWord("UNDELIV"), .undeliverable), (PackedASCIIWord("UNDELIVERABLE"), .undeliverable),
        (PackedASCIIWord("UNDELIVERED"), .undeliverable),
        (PackedASCIIWord("EXPIRED"), .expired), (PackedASCIIWord("DELETED"), .deleted),
        (PackedASCIIWord("ACCEPTD"), .accepted), (PackedASCIIWord("ACCEPTED"), .accepted),
        (PackedASCIIWord("UNKNOWN"), .unknown),
        (PackedASCIIWord("REJECTD"), .rejected), (PackedASCIIWord("REJECTED"), .rejected),
        (PackedASCIIWord("ENROUTE"), .enroute),
        (PackedASCIIWord("SCHEDULED"), .scheduled), (PackedASCIIWord("SKIPPED"), .skipped),
    ]
}
