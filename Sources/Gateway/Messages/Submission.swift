import Foundation
import NIOCore
import SMPP

/// A message a client submitted, in wire terms, before Tern accepts it: the common part of
/// submit_sm, data_sm and each destination of submit_multi.
public struct Submission: Sendable {
    public var serviceType: String
    public var source: Address
    public var destination: Address
    public var esmClass: ESMClass
    public var protocolID: UInt8
    public var priority: UInt8
    public var scheduleDeliveryTime: String
    public var validityPeriod: String
    public var registeredDelivery: RegisteredDelivery
    public var dataCoding: DataCoding
    public var shortMessage: ByteBuffer
    public var tlvs: TLVList

    public init(_ submit: SubmitSM, tlvs: TLVList) {
        serviceType = submit.serviceType
        source = submit.source
        destination = submit.destination
        esmClass = submit.esmClass
        protocolID = submit.protocolID
        priority = submit.priorityFlag
        scheduleDeliveryTime = submit.scheduleDeliveryTime
        validityPeriod = submit.validityPeriod
        registeredDelivery = submit.registeredDelivery
        dataCoding = submit.dataCoding
        shortMessage = submit.shortMessage
        self.tlvs = tlvs
    }

    public init(_ data: DataSM, tlvs: TLVList) {
        serviceType = data.serviceType
        source = data.source
        destination = data.destination
        esmClass = data.esmClass
        protocolID = 0
        priority = 0
        scheduleDeliveryTime = ""
        validityPeriod = ""
        registeredDelivery = data.registeredDelivery
        dataCoding = data.dataCoding
        shortMessage = ByteBuffer()
        self.tlvs = tlvs
    }

    public init(_ multi: SubmitMulti, destination: Address, tlvs: TLVList) {
        serviceType = multi.serviceType
        source = multi.source
        self.destination = destination
        esmClass = multi.esmClass
        protocolID = multi.protocolID
        priority = multi.priorityFlag
        scheduleDeliveryTime = multi.scheduleDeliveryTime
        validityPeriod = multi.validityPeriod
        registeredDelivery = multi.registeredDelivery
        dataCoding = multi.dataCoding
        shortMessage = multi.shortMessage
        self.tlvs = tlvs
    }
}

/// Why Tern refuses a submission: the status for the response and words for the log.
public struct SubmissionRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: CommandStatus
    public var reason: String

    public init(_ status: CommandStatus, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status): \(reason)" }
}

extension Submission {
    /// Checks the submission against the SMPP rules Tern enforces and turns it into a `Message`.
    public func message(id: MessageID, account: Account, now: Date, defaultValiditySeconds: Int) throws(SubmissionRejection) -> Message {
        let destinationValue = destination.value
        guard !destinationValue.isEmpty else { throw SubmissionRejection(.invalidDestinationAddress, "destination_addr is empty") }
        let digits = destinationValue.hasPrefix("+") ? destinationValue.dropFirst() : Substring(destinationValue)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw SubmissionRejection(.invalidDestinationAddress, "destination_addr must be digits (an optional leading '+')")
        }
        if source.ton == .alphanumeric {
            guard source.value.count <= 11 else {
                throw SubmissionRejection(.invalidSourceAddress, "an alphanumeric source_addr has at most 11 characters")
            }
        } else if !source.value.isEmpty {
            let sourceDigits = source.value.hasPrefix("+") ? source.value.dropFirst() : Substring(source.value)
            guard sourceDigits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) || source.ton == .unknown else {
                throw SubmissionRejection(.invalidSourceAddress, "a numeric source_addr (TON \(source.ton.rawValue)) must be digits")
            }
        }
        guard esmClass.messageType == 0 else {
            throw SubmissionRejection(.invalidESMClass, "esm_class message type \(esmClass.messageType) is not a plain message")
        }
        let payload = tlvs.messagePayload
        if let payload, payload.readableBytes > 0, shortMessage.readableBytes > 0 {
            throw SubmissionRejection(.invalidMessageLength, "short_message and message_payload must not both carry data")
        }
        if shortMessage.readableBytes == 0, (payload?.readableBytes ?? 0) == 0 {
            throw SubmissionRejection(.invalidMessageLength, "the message is empty (no short_message, no message_payload)")
        }

        var concatenation: Concatenation?
        if esmClass.hasUDH {
            let octets = shortMessage.readableBytesView.count > 0 ? Array(shortMessage.readableBytesView) : Array(payload?.readableBytesView ?? ByteBuffer().readableBytesView)
            do {
                let (header, _) = try UserDataHeader.parse(octets)
                if let info = header.concatenation {
                    concatenation = Concatenation(reference: Int(info.reference), total: Int(info.total), sequence: Int(info.sequence))
                }
            } catch {
                throw SubmissionRejection(.invalidESMClass, "esm_class has UDHI but the user data header is malformed: \(error)")
            }
        } else if let sar = tlvs.sar {
            concatenation = Concatenation(reference: Int(sar.reference), total: Int(sar.total), sequence: Int(sar.sequence))
        }
        if let concatenation, concatenation.total == 0 || concatenation.sequence == 0 || concatenation.sequence > concatenation.total {
            throw SubmissionRejection(.invalidESMClass, "part \(concatenation.sequence) of \(concatenation.total) is not a valid part number")
        }

        let expiresAt: Date
        switch Self.resolve(validityPeriod, now: now) {
        case .none: expiresAt = now.addingTimeInterval(Double(defaultValiditySeconds))
        case .some(.success(let date)):
            guard date > now else { throw SubmissionRejection(.invalidExpiry, "validity_period \(validityPeriod) is already over") }
            expiresAt = date
        case .some(.failure): throw SubmissionRejection(.invalidExpiry, "validity_period \"\(validityPeriod)\" is not a valid SMPP time")
        }
        var scheduledAt: Date?
        switch Self.resolve(scheduleDeliveryTime, now: now) {
        case .none: break
        case .some(.success(let date)): scheduledAt = date > now ? date : nil
        case .some(.failure): throw SubmissionRejection(.invalidScheduleDeliveryTime, "schedule_delivery_time \"\(scheduleDeliveryTime)\" is not a valid SMPP time")
        }
        if let scheduledAt, scheduledAt >= expiresAt {
            throw SubmissionRejection(.invalidScheduleDeliveryTime, "schedule_delivery_time is after the end of the validity period")
        }

        var forwarded = tlvs
        // Our own bookkeeping TLVs are not forwarded as such; everything else travels on.
        forwarded.remove(.moreMessagesToSend)
        return Message(
            id: id, accountID: account.id ?? 0, systemID: account.systemID, serviceType: serviceType,
            source: WireAddress(ton: source.ton.rawValue, npi: source.npi.rawValue, value: source.value),
            destination: WireAddress(ton: destination.ton.rawValue, npi: destination.npi.rawValue, value: destinationValue),
            esmClass: esmClass.rawValue, protocolID: protocolID, priority: priority,
            registeredDelivery: registeredDelivery.rawValue, dataCoding: dataCoding.rawValue,
            shortMessage: Array(shortMessage.readableBytesView), tlvs: forwarded.encodedBytes,
            concatenation: concatenation, receivedAt: now, scheduledAt: scheduledAt, expiresAt: expiresAt)
    }

    struct TimeProblem: Error {}

    /// An SMPP time field as an absolute date; nil for the empty value.
    static func resolve(_ text: String, now: Date) -> Result<Date, TimeProblem>? {
        if text.isEmpty { return nil }
        guard let time = SMPPTime(text) else { return .failure(TimeProblem()) }
        switch time.kind {
        case .relative:
            let seconds = Double(time.year) * 365 * 86_400 + Double(time.month) * 30 * 86_400 + Double(time.day) * 86_400
                + Double(time.hour) * 3600 + Double(time.minute) * 60 + Double(time.second) + Double(time.tenths) / 10
            return .success(now.addingTimeInterval(seconds))
        case .absolute(let quarterHours):
            // The fields are local time at UTC + quarterHours × 15 minutes.
            guard let local = UTCCalendar.date(year: 2000 + time.year, month: time.month, day: time.day,
                                           hour: time.hour, minute: time.minute, second: time.second) else { return .failure(TimeProblem()) }
            return .success(local.addingTimeInterval(Double(time.tenths) / 10 - Double(quarterHours * 15 * 60)))
        }
    }
}

extension Message {
    /// The message as a submit_sm to an upstream (its TLVs restored from the stored octets).
    public func submitSM() -> (body: SubmitSM, tlvs: TLVList) {
        let body = SubmitSM(
            serviceType: serviceType,
            source: Address(ton: TypeOfNumber(rawValue: source.ton), npi: NumberingPlanIndicator(rawValue: source.npi), value: source.value),
            destination: Address(ton: TypeOfNumber(rawValue: destination.ton), npi: NumberingPlanIndicator(rawValue: destination.npi), value: destination.value),
            esmClass: ESMClass(rawValue: esmClass), protocolID: protocolID, priorityFlag: priority,
            // The upstream may drop it when the client's validity ends, rather than deliver late.
            validityPeriod: expiresAt.map { SMPPTime(utc: $0).text } ?? "",
            // Tern tracks every message to its end, whatever the client asked for.
            registeredDelivery: .receipt,
            dataCoding: DataCoding(rawValue: dataCoding), shortMessage: ByteBuffer(bytes: shortMessage))
        let tlvs = (try? TLVList(encoded: tlvs)) ?? TLVList()
        return (body, tlvs)
    }
}
