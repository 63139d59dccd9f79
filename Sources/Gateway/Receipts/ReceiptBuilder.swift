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

    /// The date in UTC, computed from the epoch directly: `Calendar` costs more than the rest of
    /// the receipt put together on the hot path.
    public static func receiptDate(_ date: Date) -> ReceiptDate {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civilDate(daysSince1970: days)
        return ReceiptDate(year: year % 100, month: month, day: day, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60)
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func civilDate(daysSince1970: Int64) -> (year: Int, month: Int, day: Int) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
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
