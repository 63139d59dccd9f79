import Foundation
import NIOCore
import SMPP

/// Builds the deliver_sm receipt a client gets for one of its messages: our message id in `id:`
/// and in receipted_message_id, the classic text with 10-digit dates, from the handset's number
/// to the original sender (reference/clients.md).
public enum ReceiptBuilder {
    public static func deliverSM(
        messageID: MessageID, state: MessageLifecycle, errorCode: Int, source: WireAddress, destination: WireAddress,
        dataCoding: UInt8, esmClass: UInt8, shortMessage: [UInt8], submittedAt: Date, doneAt: Date
    ) throws -> (body: PDU.Body, tlvs: TLVList) {
        let receipt = DeliveryReceipt(
            id: messageID.description,
            submitDate: receiptDate(submittedAt),
            doneDate: receiptDate(doneAt),
            stat: smppState(state),
            // The receipt writer pads a short numeric err to three digits.
            err: String(min(999, max(0, errorCode))),
            text: textStart(shortMessage, dataCoding: dataCoding, esmClass: esmClass))
        let built = try DeliverSM.receipt(
            receipt,
            originalSource: Address(ton: TypeOfNumber(rawValue: source.ton), npi: NumberingPlanIndicator(rawValue: source.npi), value: source.value),
            originalDestination: Address(ton: TypeOfNumber(rawValue: destination.ton), npi: NumberingPlanIndicator(rawValue: destination.npi), value: destination.value))
        return (.deliverSM(built.body), built.tlvs)
    }

    public static func smppState(_ state: MessageLifecycle) -> MessageState {
        switch state {
        case .delivered: return .delivered
        case .undeliverable: return .undeliverable
        case .expired: return .expired
        case .rejected: return .rejected
        case .deleted, .cancelled: return .deleted
        case .acceptedUpstream: return .accepted
        case .unknown: return .unknown
        case .accepted, .routed, .submitted, .retrying: return .enroute
        }
    }

    /// The date in UTC, computed from the epoch directly: `Calendar` costs more than the rest of
    /// the receipt put together on the hot path.
    public static func receiptDate(_ date: Date) -> ReceiptDate {
        let time = SMPPTime(utc: date)
        return ReceiptDate(year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute)
    }

    /// The first 20 characters of the message, for `text:`; empty for binary content.
    static func textStart(_ shortMessage: [UInt8], dataCoding: UInt8, esmClass: UInt8) -> String {
        var userData = shortMessage[...]
        if ESMClass(rawValue: esmClass).hasUDH, let length = shortMessage.first, Int(length) + 1 <= shortMessage.count {
            userData = shortMessage[(Int(length) + 1)...]
        }
        guard let text = try? TextDecoder().decode(userData, dataCoding: DataCoding(rawValue: dataCoding)) else { return "" }
        return printableStart(text)
    }

    /// The first 20 characters on one line, in ASCII (others become "?"): the receipt text must
    /// stay printable for the classic parsers. Most texts are ASCII, and are done octet by octet
    /// without the Unicode tables `Character` consults.
    public static func printableStart(_ text: String) -> String {
        var octets: [UInt8] = []
        octets.reserveCapacity(20)
        var afterCarriageReturn = false
        for octet in text.utf8 {
            if octet >= 0x80 { return printableStartSlowly(text) }
            // "\r\n" is one character, as `Character` counts.
            if octet == 0x0A, afterCarriageReturn {
                afterCarriageReturn = false
                continue
            }
            if octets.count == 20 { break }
            afterCarriageReturn = octet == 0x0D
            octets.append((0x0A...0x0D).contains(octet) ? UInt8(ascii: " ") : octet)
        }
        return String(decoding: octets, as: UTF8.self)
    }

    private static func printableStartSlowly(_ text: String) -> String {
        String(text.prefix(20).map { character -> Character in
            if character.isNewline { return " " }
            return character.isASCII ? character : "?"
        })
    }
}
