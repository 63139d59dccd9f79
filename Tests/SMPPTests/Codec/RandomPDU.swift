import NIOCore
@testable import SMPP

/// Builds random but valid PDUs of every command, for round-trip properties.
struct RandomPDU {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func int<T: FixedWidthInteger>(_ range: ClosedRange<T>) -> T { T.random(in: range, using: &rng) }
    mutating func bool() -> Bool { Bool.random(using: &rng) }

    /// Text of at most `maxCharacters` characters, mostly ASCII, sometimes multi-byte UTF-8,
    /// never over `maxOctets` octets.
    mutating func text(maxOctets: Int) -> String {
        let alphabet: [String] = ["a", "Z", "0", "9", " ", "+", "-", "_", "é", "€", "ж"]
        var out = ""
        let target = int(0...maxOctets)
        while true {
            let piece = bool() ? alphabet[int(0...3)] : alphabet[int(0...alphabet.count - 1)]
            if out.utf8.count + piece.utf8.count > target { return out }
            out += piece
        }
    }

    mutating func cString(_ field: CStringField) -> String { text(maxOctets: field.maxLength - 1) }

    mutating func octets(_ range: ClosedRange<Int>) -> ByteBuffer {
        var buffer = ByteBuffer()
        for _ in 0..<int(range) { buffer.writeInteger(int(UInt8(0)...UInt8.max)) }
        return buffer
    }

    mutating func ton() -> TypeOfNumber { TypeOfNumber(rawValue: int(0...6)) }
    mutating func npi() -> NumberingPlanIndicator { NumberingPlanIndicator(rawValue: [0, 1, 3, 4, 6, 8, 9, 10, 14, 18][int(0...9)]) }
    mutating func address(_ field: CStringField) -> Address { Address(ton: ton(), npi: npi(), value: cString(field)) }

    mutating func time() -> String {
        if bool() { return "" }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let date = two(int(0...99)) + two(int(1...12)) + two(int(1...28)) + two(int(0...23)) + two(int(0...59)) + two(int(0...59))
        return bool() ? date + "\(int(0...9))" + two(int(0...48)) + (bool() ? "+" : "-") : date + "000R"
    }

    mutating func tlvs() -> TLVList {
        var list = TLVList()
        let tags: [TLVTag] = [.sarMsgRefNum, .sarTotalSegments, .receiptedMessageID, .messagePayload, .networkErrorCode, .messageState,
                              .sourceTelematicsID, .msValidity, .additionalStatusInfoText, .callbackNum, .alertOnMessageDelivery,
                              TLVTag(rawValue: 0x1500), TLVTag(rawValue: 0x0099), .congestionState]
        for _ in 0..<int(0...4) {
            let tag = tags[int(0...tags.count - 1)]
            let value: ByteBuffer
            switch tag.valueKind {
            case .integer(let size)?: value = octets(size...size)
            case .integerVariable(let range)?: value = octets(range)
            case .cString(let range)?:
                var text = ByteBuffer(string: String(repeating: "x", count: int(range.lowerBound - 1...min(range.upperBound, 80) - 1)))
                text.writeInteger(UInt8(0))
                value = text
            case .octets(let range)?: value = octets(range.lowerBound...min(range.upperBound, 300))
            case nil: value = octets(0...20)
            }
            try? list.append(tag, value)
        }
        return list
    }

    mutating func submit() -> SubmitSM {
        SubmitSM(serviceType: cString(.serviceType), source: address(.sourceAddr), destination: address(.destinationAddr),
                 esmClass: ESMClass(rawValue: int(0...255)), protocolID: int(0...255), priorityFlag: int(0...4),
                 scheduleDeliveryTime: time(), validityPeriod: time(), registeredDelivery: RegisteredDelivery(rawValue: int(0...255)),
                 replaceIfPresentFlag: int(0...1), dataCoding: DataCoding(rawValue: int(0...255)), smDefaultMsgID: int(0...255),
                 shortMessage: octets(0...254))
    }

    mutating func bind() -> Bind {
        Bind(systemID: cString(.systemID), password: cString(.password), systemType: cString(.systemType),
             interfaceVersion: int(0...255), addressRange: Address(ton: TypeOfNumber(rawValue: int(0...255)), npi: NumberingPlanIndicator(rawValue: int(0...255)), value: cString(.addressRange)))
    }

    mutating func optionalID() -> String? { bool() ? cString(.messageID) : nil }

    mutating func body() -> PDU.Body {
        switch int(0...32) {
        case 0: return .genericNack
        case 1: return .bindReceiver(bind())
        case 2: return .bindReceiverResp(BindResp(systemID: bool() ? cString(.systemID) : nil))
        case 3: return .bindTransmitter(bind())
        case 4: return .bindTransmitterResp(BindResp(systemID: bool() ? cString(.systemID) : nil))
        case 5: return .querySM(QuerySM(messageID: cString(.messageID), source: address(.sourceAddr)))
        case 6: return .querySMResp(bool() ? QuerySMResp(messageID: cString(.messageID), finalDate: time(), messageState: MessageState(rawValue: int(0...9)), errorCode: int(0...255)) : nil)
        case 7: return .submitSM(submit())
        case 8: return .submitSMResp(SubmitSMResp(messageID: optionalID()))
        case 9: return .deliverSM(submit())
        case 10: return .deliverSMResp(DeliverSMResp(messageID: optionalID()))
        case 11: return .unbind
        case 12: return .unbindResp
        case 13: return .replaceSM(ReplaceSM(messageID: cString(.messageID), source: address(.sourceAddr), scheduleDeliveryTime: time(), validityPeriod: time(),
                                             registeredDelivery: RegisteredDelivery(rawValue: int(0...255)), smDefaultMsgID: int(0...255), shortMessage: octets(0...254)))
        case 14: return .replaceSMResp
        case 15: return .cancelSM(CancelSM(serviceType: cString(.serviceType), messageID: cString(.messageID), source: address(.sourceAddr), destination: address(.destinationAddr)))
        case 16: return .cancelSMResp
        case 17: return .bindTransceiver(bind())
        case 18: return .bindTransceiverResp(BindResp(systemID: bool() ? cString(.systemID) : nil))
        case 19: return .outbind(Outbind(systemID: cString(.systemID), password: cString(.password)))
        case 20: return .enquireLink
        case 21: return .enquireLinkResp
        case 22:
            let template = submit()
            let destinations: [DestinationAddress] = (0..<int(1...5)).map { _ in bool() ? .sme(address(.destinationAddr)) : .distributionList(cString(.dlName)) }
            return .submitMulti(SubmitMulti(serviceType: template.serviceType, source: template.source, destinations: destinations, esmClass: template.esmClass,
                                            protocolID: template.protocolID, priorityFlag: template.priorityFlag, scheduleDeliveryTime: template.scheduleDeliveryTime,
                                            validityPeriod: template.validityPeriod, registeredDelivery: template.registeredDelivery, replaceIfPresentFlag: template.replaceIfPresentFlag,
                                            dataCoding: template.dataCoding, smDefaultMsgID: template.smDefaultMsgID, shortMessage: template.shortMessage))
        case 23:
            let failed = (0..<int(0...3)).map { _ in UnsuccessfulSME(address: address(.destinationAddr), errorStatusCode: CommandStatus(rawValue: int(0...0x112))) }
            return .submitMultiResp(bool() ? SubmitMultiResp(messageID: cString(.messageID), unsuccessful: failed) : nil)
        case 24: return .alertNotification(AlertNotification(source: address(.sourceAddr65), esmeAddress: address(.esmeAddr)))
        case 25: return .dataSM(DataSM(serviceType: cString(.serviceType), source: address(.sourceAddr65), destination: address(.destinationAddr65),
                                       esmClass: ESMClass(rawValue: int(0...255)), registeredDelivery: RegisteredDelivery(rawValue: int(0...255)), dataCoding: DataCoding(rawValue: int(0...255))))
        case 26: return .dataSMResp(DataSMResp(messageID: optionalID()))
        case 27: return .broadcastSM(BroadcastSM(serviceType: cString(.serviceType), source: address(.sourceAddr), messageID: cString(.messageID), priorityFlag: int(0...4),
                                                 scheduleDeliveryTime: time(), validityPeriod: time(), replaceIfPresentFlag: int(0...1),
                                                 dataCoding: DataCoding(rawValue: int(0...255)), smDefaultMsgID: int(0...255)))
        case 28: return .broadcastSMResp(BroadcastSMResp(messageID: optionalID()))
        case 29: return .queryBroadcastSM(QueryBroadcastSM(messageID: cString(.messageID), source: address(.sourceAddr)))
        case 30: return .queryBroadcastSMResp(QueryBroadcastSMResp(messageID: optionalID()))
        case 31: return .cancelBroadcastSM(CancelBroadcastSM(serviceType: cString(.serviceType), messageID: cString(.messageID), source: address(.sourceAddr)))
        default: return .cancelBroadcastSMResp
        }
    }

    mutating func pdu() -> PDU {
        let body = body()
        var tlvs = tlvs()
        if case .broadcastSM = body {
            for tag in BroadcastSM.requiredTLVs where !tlvs.contains(tag) {
                switch tag.valueKind {
                case .integer(let size)?: try? tlvs.append(tag, octets(size...size))
                default: try? tlvs.append(tag, octets(3...3))
                }
            }
        }
        // Responses with no body at all cannot be followed by TLVs: they would be read as the body.
        if body.hasOptionalBodyAbsent { tlvs = TLVList() }
        let status = body.commandID.isResponse ? CommandStatus(rawValue: int(0...0x112)) : .ok
        return PDU(body, sequenceNumber: int(1...0x7FFF_FFFF), status: status, tlvs: tlvs)
    }
}

extension PDU.Body {
    /// A response whose optional body is absent (its message_id/system_id is nil).
    var hasOptionalBodyAbsent: Bool {
        switch self {
        case .bindReceiverResp(let r), .bindTransmitterResp(let r), .bindTransceiverResp(let r): return r.systemID == nil
        case .submitSMResp(let r), .deliverSMResp(let r), .dataSMResp(let r), .broadcastSMResp(let r), .queryBroadcastSMResp(let r): return r.messageID == nil
        case .querySMResp(let r): return r == nil
        case .submitMultiResp(let r): return r == nil
        default: return false
        }
    }
}
