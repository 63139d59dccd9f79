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
            err: String(format: "%03d", min(999, max(0, errorCode))),
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

    static func receiptDate(_ date: Date) -> ReceiptDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return ReceiptDate(year: (c.year ?? 2000) % 100, month: c.month ?? 1, day: c.day ?? 1,
                           hour: c.hour ?? 0, minute: c.minute ?? 0)
    }

    /// The first 20 characters of the message, for `text:`; empty for binary content.
    static func textStart(_ shortMessage: [UInt8], dataCoding: UInt8, esmClass: UInt8) -> String {
        var userData = shortMessage[...]
        if ESMClass(rawValue: esmClass).hasUDH, let length = shortMessage.first, Int(length) + 1 <= shortMessage.count {
            userData = shortMessage[(Int(length) + 1)...]
        }
        guard let text = try? TextDecoder().decode(userData, dataCoding: DataCoding(rawValue: dataCoding)) else { return "" }
        // The receipt text must stay printable single-line ASCII-ish for the classic parsers.
        let cleaned = text.prefix(20).map { character -> Character in
            if character.isNewline { return " " }
            return character.isASCII ? character : "?"
        }
        return String(cleaned)
    }
}
