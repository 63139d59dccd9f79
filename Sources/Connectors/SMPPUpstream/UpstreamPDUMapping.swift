import Foundation
import Gateway
import NIOCore
import SMPP

/// Translations between the gateway's values and SMPP PDUs for the upstream link: the submit_sm
/// built from a `Message`, the outcome read from its response, receipts and MO messages read
/// from deliver_sm and data_sm.
enum UpstreamPDUMapping {
    /// The message as the upstream gets it: always with a receipt requested (Tern follows every
    /// message to its end, whatever the client asked for) and with the client's validity.
    static func submitSM(_ message: Message) -> SubmitSM {
        message.submitSM().body
    }

    static func address(_ wire: WireAddress) -> Address {
        Address(ton: TypeOfNumber(rawValue: wire.ton), npi: NumberingPlanIndicator(rawValue: wire.npi), value: wire.value)
    }

    static func wireAddress(_ address: Address) -> WireAddress {
        WireAddress(ton: address.ton.rawValue, npi: address.npi.rawValue, value: address.value)
    }

    /// Statuses that say "not now" rather than "never": retrying (here or elsewhere) may succeed.
    static func isTemporary(_ status: CommandStatus) -> Bool {
        status == .throttled || status == .messageQueueFull || status == .systemError
            || status == .temporaryApplicationError
    }

    /// What a submit_sm response (or the error instead of one) means for the dispatcher.
    static func outcome(of response: PDU) -> SubmitOutcome {
        let status = response.commandStatus
        if status == .ok {
            if case .submitSMResp(let resp) = response.body, let id = resp.messageID, !id.isEmpty {
                return .accepted(upstreamID: id)
            }
            // An ok without an id cannot be matched to a receipt; the upstream is misbehaving
            // now, which is worth another try rather than a silently lost receipt.
            return .temporaryFailure(status: status.rawValue, reason: "\(response.commandID.name) ok without a message_id")
        }
        if isTemporary(status) {
            return .temporaryFailure(status: status.rawValue, reason: status.name)
        }
        return .permanentFailure(status: status.rawValue, reason: status.name)
    }

    static func outcome(of error: any Error) -> SubmitOutcome {
        guard let session = error as? SMPPSessionError else {
            return .temporaryFailure(status: nil, reason: "\(error)")
        }
        switch session.code {
        case .encoding(let encoding):
            // The message itself breaks a field limit: no upstream will take it.
            return .permanentFailure(status: CommandStatus.invalidMessageLength.rawValue, reason: encoding.description)
        case .timeout, .connectionClosed, .windowFull, .notAllowedInState, .notAllowedForRole:
            return .temporaryFailure(status: nil, reason: session.description)
        }
    }

    /// Whether an inbound deliver_sm or data_sm is a receipt rather than an MO message.
    static func isReceipt(_ pdu: PDU) -> Bool {
        let esmClass: ESMClass
        switch pdu.body {
        case .deliverSM(let deliver): esmClass = deliver.esmClass
        case .dataSM(let data): esmClass = data.esmClass
        default: return false
        }
        return esmClass.isDeliveryReceipt || esmClass.isIntermediateNotification || pdu.tlvs.contains(.receiptedMessageID)
    }

    /// The receipt an inbound deliver_sm or data_sm carries (TLVs first, then the text).
    static func receipt(_ pdu: PDU) throws -> UpstreamReceipt {
        let text: ByteBuffer?
        switch pdu.body {
        case .deliverSM(let deliver):
            text = deliver.shortMessage.readableBytes > 0 ? deliver.shortMessage : pdu.tlvs.messagePayload
        default:
            text = pdu.tlvs.messagePayload
        }
        let received = try DeliveryReceipt.resolve(
            text: text.map { String(decoding: $0.readableBytesView, as: UTF8.self) },
            receiptedMessageID: pdu.tlvs.receiptedMessageID,
            messageState: pdu.tlvs.messageState.map(MessageState.init(rawValue:)),
            networkErrorCode: pdu.tlvs.networkErrorCode)
        return UpstreamReceipt(upstreamID: received.messageID, state: lifecycle(received.state),
                               errorCode: errorCode(received.error), doneAt: received.parsedText?.doneDate.flatMap(date))
    }

    static func lifecycle(_ state: MessageState) -> MessageLifecycle {
        switch state {
        case .delivered: return .delivered
        case .undeliverable: return .undeliverable
        case .expired: return .expired
        case .rejected: return .rejected
        case .deleted: return .deleted
        case .accepted: return .acceptedUpstream
        case .enroute, .scheduled: return .submitted
        // Accepted but deliberately never transmitted (5.0): it will not arrive.
        case .skipped: return .undeliverable
        default: return .unknown
        }
    }

    static func errorCode(_ error: ReceivedReceipt.ErrorCode?) -> Int {
        switch error {
        case .network(_, let code): return Int(code)
        case .text(let text): return decimal(text) ?? 0
        case nil: return 0
        }
    }

    /// The receipt's `err:` digits (spaces around them allowed); nil when it holds anything else.
    /// By octets: Foundation's trimming costs more than the rest of reading a receipt.
    static func decimal(_ text: String) -> Int? {
        var value = 0
        var digits = 0
        var trailing = false
        for octet in text.utf8 {
            switch octet {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                if digits > 0 { trailing = true }
            case UInt8(ascii: "0")...UInt8(ascii: "9") where !trailing && digits < 18:
                value = value * 10 + Int(octet - UInt8(ascii: "0"))
                digits += 1
            default:
                return nil
            }
        }
        return digits > 0 ? value : nil
    }

    /// A receipt date (UTC by convention; receipts carry no zone) as a `Date`.
    static func date(_ receiptDate: ReceiptDate) -> Date? {
        guard let c = receiptDate.components else { return nil }
        return UTCCalendar.date(year: c.year < 100 ? 2000 + c.year : c.year, month: c.month, day: c.day,
                            hour: c.hour, minute: c.minute, second: c.second ?? 0)
    }

    static func mobileOriginated(_ pdu: PDU) -> MobileOriginatedMessage? {
        switch pdu.body {
        case .deliverSM(let deliver):
            return MobileOriginatedMessage(
                source: wireAddress(deliver.source), destination: wireAddress(deliver.destination),
                esmClass: deliver.esmClass.rawValue, dataCoding: deliver.dataCoding.rawValue,
                shortMessage: Array(deliver.shortMessage.readableBytesView), tlvs: pdu.tlvs.encodedBytes)
        case .dataSM(let data):
            return MobileOriginatedMessage(
                source: wireAddress(data.source), destination: wireAddress(data.destination),
                esmClass: data.esmClass.rawValue, dataCoding: data.dataCoding.rawValue,
                shortMessage: [], tlvs: pdu.tlvs.encodedBytes)
        default:
            return nil
        }
    }
}
