import NIOCore

extension PDU.Body {
    func writeJSON(into out: inout JSONObjectWriter) {
        switch self {
        case .genericNack, .unbind, .unbindResp, .enquireLink, .enquireLinkResp, .replaceSMResp, .cancelSMResp, .cancelBroadcastSMResp:
            return
        case .bindReceiver(let bind), .bindTransmitter(let bind), .bindTransceiver(let bind):
            out.string("system_id", bind.systemID)
            out.string("password", bind.password)
            out.string("system_type", bind.systemType)
            out.number("interface_version", bind.interfaceVersion)
            out.number("addr_ton", bind.addressRange.ton.rawValue)
            out.number("addr_npi", bind.addressRange.npi.rawValue)
            out.string("address_range", bind.addressRange.value)
        case .bindReceiverResp(let resp), .bindTransmitterResp(let resp), .bindTransceiverResp(let resp):
            if let systemID = resp.systemID { out.string("system_id", systemID) }
        case .outbind(let outbind):
            out.string("system_id", outbind.systemID)
            out.string("password", outbind.password)
        case .submitSM(let m), .deliverSM(let m):
            out.string("service_type", m.serviceType)
            out.address("source_addr", "source_addr", m.source)
            out.address("dest_addr", "destination_addr", m.destination)
            out.number("esm_class", m.esmClass.rawValue)
            out.number("protocol_id", m.protocolID)
            out.number("priority_flag", m.priorityFlag)
            out.string("schedule_delivery_time", m.scheduleDeliveryTime)
            out.string("validity_period", m.validityPeriod)
            out.number("registered_delivery", m.registeredDelivery.rawValue)
            out.number("replace_if_present_flag", m.replaceIfPresentFlag)
            out.number("data_coding", m.dataCoding.rawValue)
            out.number("sm_default_msg_id", m.smDefaultMsgID)
            out.shortMessage(m.shortMessage)
        case .submitSMResp(let r), .deliverSMResp(let r), .dataSMResp(let r), .broadcastSMResp(let r), .queryBroadcastSMResp(let r):
            if let messageID = r.messageID { out.string("message_id", messageID) }
        case .dataSM(let m):
            out.string("service_type", m.serviceType)
            out.address("source_addr", "source_addr", m.source)
            out.address("dest_addr", "destination_addr", m.destination)
            out.number("esm_class", m.esmClass.rawValue)
            out.number("registered_delivery", m.registeredDelivery.rawValue)
            out.number("data_coding", m.dataCoding.rawValue)
        case .querySM(let q):
            out.string("message_id", q.messageID)
            out.address("source_addr", "source_addr", q.source)
        case .querySMResp(let r):
            guard let r else { return }
            out.string("message_id", r.messageID)
            out.string("final_date", r.finalDate)
            out.number("message_state", r.messageState.rawValue)
            out.number("error_code", r.errorCode)
        case .cancelSM(let c):
            out.string("service_type", c.serviceType)
            out.string("message_id", c.messageID)
            out.address("source_addr", "source_addr", c.source)
            out.address("dest_addr", "destination_addr", c.destination)
        case .replaceSM(let r):
            out.string("message_id", r.messageID)
            out.address("source_addr", "source_addr", r.source)
            out.string("schedule_delivery_time", r.scheduleDeliveryTime)
            out.string("validity_period", r.validityPeriod)
            out.number("registered_delivery", r.registeredDelivery.rawValue)
            out.number("sm_default_msg_id", r.smDefaultMsgID)
            out.shortMessage(r.shortMessage)
        case .submitMulti(let m):
            out.string("service_type", m.serviceType)
            out.address("source_addr", "source_addr", m.source)
            out.number("number_of_dests", m.destinations.count)
            out.pairs.append(("dest_address", .array(m.destinations.map { destination in
                var entry = JSONObjectWriter()
                switch destination {
                case .sme(let address):
                    entry.number("dest_flag", 1)
                    entry.address("dest_addr", "destination_addr", address)
                case .distributionList(let name):
                    entry.number("dest_flag", 2)
                    entry.string("dl_name", name)
                }
                return .object(entry.pairs)
            })))
            out.number("esm_class", m.esmClass.rawValue)
            out.number("protocol_id", m.protocolID)
            out.number("priority_flag", m.priorityFlag)
            out.string("schedule_delivery_time", m.scheduleDeliveryTime)
            out.string("validity_period", m.validityPeriod)
            out.number("registered_delivery", m.registeredDelivery.rawValue)
            out.number("replace_if_present_flag", m.replaceIfPresentFlag)
            out.number("data_coding", m.dataCoding.rawValue)
            out.number("sm_default_msg_id", m.smDefaultMsgID)
            out.shortMessage(m.shortMessage)
        case .submitMultiResp(let r):
            guard let r else { return }
            out.string("message_id", r.messageID)
            out.number("no_unsuccess", r.unsuccessful.count)
            out.pairs.append(("unsuccess_sme", .array(r.unsuccessful.map { sme in
                var entry = JSONObjectWriter()
                entry.address("dest_addr", "destination_addr", sme.address)
                entry.number("error_status_code", sme.errorStatusCode.rawValue)
                return .object(entry.pairs)
            })))
        case .alertNotification(let a):
            out.address("source_addr", "source_addr", a.source)
            out.address("esme_addr", "esme_addr", a.esmeAddress)
        case .broadcastSM(let b):
            out.string("service_type", b.serviceType)
            out.address("source_addr", "source_addr", b.source)
            out.string("message_id", b.messageID)
            out.number("priority_flag", b.priorityFlag)
            out.string("schedule_delivery_time", b.scheduleDeliveryTime)
            out.string("validity_period", b.validityPeriod)
            out.number("replace_if_present_flag", b.replaceIfPresentFlag)
            out.number("data_coding", b.dataCoding.rawValue)
            out.number("sm_default_msg_id", b.smDefaultMsgID)
        case .queryBroadcastSM(let q):
            out.string("message_id", q.messageID)
            out.address("source_addr", "source_addr", q.source)
        case .cancelBroadcastSM(let c):
            out.string("service_type", c.serviceType)
            out.string("message_id", c.messageID)
            out.address("source_addr", "source_addr", c.source)
        }
    }

    init(json f: inout JSONObjectReader, id: CommandID) throws(PDUJSONError) {
        switch id {
        case .genericNack: self = .genericNack
        case .unbind: self = .unbind
        case .unbindResp: self = .unbindResp
        case .enquireLink: self = .enquireLink
        case .enquireLinkResp: self = .enquireLinkResp
        case .replaceSMResp: self = .replaceSMResp
        case .cancelSMResp: self = .cancelSMResp
        case .cancelBroadcastSMResp: self = .cancelBroadcastSMResp
        case .bindReceiver, .bindTransmitter, .bindTransceiver:
            let bind = Bind(systemID: try f.string("system_id"), password: try f.string("password"), systemType: try f.string("system_type"),
                            interfaceVersion: try f.uint8("interface_version"), addressRange: try f.address("addr", "address_range"))
            self = id == .bindReceiver ? .bindReceiver(bind) : id == .bindTransmitter ? .bindTransmitter(bind) : .bindTransceiver(bind)
        case .bindReceiverResp, .bindTransmitterResp, .bindTransceiverResp:
            let resp = BindResp(systemID: try f.optionalString("system_id"))
            self = id == .bindReceiverResp ? .bindReceiverResp(resp) : id == .bindTransmitterResp ? .bindTransmitterResp(resp) : .bindTransceiverResp(resp)
        case .outbind:
            self = .outbind(Outbind(systemID: try f.string("system_id"), password: try f.string("password")))
        case .submitSM, .deliverSM:
            let m = SubmitSM(
                serviceType: try f.string("service_type"), source: try f.address("source_addr", "source_addr"),
                destination: try f.address("dest_addr", "destination_addr"), esmClass: ESMClass(rawValue: try f.uint8("esm_class")),
                protocolID: try f.uint8("protocol_id"), priorityFlag: try f.uint8("priority_flag"),
                scheduleDeliveryTime: try f.string("schedule_delivery_time"), validityPeriod: try f.string("validity_period"),
                registeredDelivery: RegisteredDelivery(rawValue: try f.uint8("registered_delivery")),
                replaceIfPresentFlag: try f.uint8("replace_if_present_flag"), dataCoding: DataCoding(rawValue: try f.uint8("data_coding")),
                smDefaultMsgID: try f.uint8("sm_default_msg_id"), shortMessage: try f.hex("short_message"))
            self = id == .submitSM ? .submitSM(m) : .deliverSM(m)
        case .submitSMResp, .deliverSMResp, .dataSMResp, .broadcastSMResp, .queryBroadcastSMResp:
            let r = SubmitSMResp(messageID: try f.optionalString("message_id"))
            switch id {
            case .submitSMResp: self = .submitSMResp(r)
            case .deliverSMResp: self = .deliverSMResp(r)
            case .dataSMResp: self = .dataSMResp(r)
            case .broadcastSMResp: self = .broadcastSMResp(r)
            default: self = .queryBroadcastSMResp(r)
            }
        case .dataSM:
            self = .dataSM(DataSM(
                serviceType: try f.string("service_type"), source: try f.address("source_addr", "source_addr"),
                destination: try f.address("dest_addr", "destination_addr"), esmClass: ESMClass(rawValue: try f.uint8("esm_class")),
                registeredDelivery: RegisteredDelivery(rawValue: try f.uint8("registered_delivery")), dataCoding: DataCoding(rawValue: try f.uint8("data_coding"))))
        case .querySM:
            self = .querySM(QuerySM(messageID: try f.string("message_id"), source: try f.address("source_addr", "source_addr")))
        case .querySMResp:
            self = .querySMResp(f.has("message_id") ? QuerySMResp(
                messageID: try f.string("message_id"), finalDate: try f.string("final_date"),
                messageState: MessageState(rawValue: try f.uint8("message_state")), errorCode: try f.uint8("error_code")) : nil)
        case .cancelSM:
            self = .cancelSM(CancelSM(serviceType: try f.string("service_type"), messageID: try f.string("message_id"),
                                      source: try f.address("source_addr", "source_addr"), destination: try f.address("dest_addr", "destination_addr")))
        case .replaceSM:
            self = .replaceSM(ReplaceSM(
                messageID: try f.string("message_id"), source: try f.address("source_addr", "source_addr"),
                scheduleDeliveryTime: try f.string("schedule_delivery_time"), validityPeriod: try f.string("validity_period"),
                registeredDelivery: RegisteredDelivery(rawValue: try f.uint8("registered_delivery")),
                smDefaultMsgID: try f.uint8("sm_default_msg_id"), shortMessage: try f.hex("short_message")))
        case .submitMulti:
            guard case .array(let entries) = try f.value("dest_address") else { throw PDUJSONError(reason: "submit_multi.dest_address: expected a list") }
            var destinations: [DestinationAddress] = []
            for entry in entries {
                let e = f.nested(entry, "dest_address")
                switch try e.uint8("dest_flag") {
                case 1: destinations.append(.sme(try e.address("dest_addr", "destination_addr")))
                case 2: destinations.append(.distributionList(try e.string("dl_name")))
                case let flag: throw PDUJSONError(reason: "submit_multi.dest_address: dest_flag \(flag) is neither 1 (SME) nor 2 (distribution list)")
                }
            }
            self = .submitMulti(SubmitMulti(
                serviceType: try f.string("service_type"), source: try f.address("source_addr", "source_addr"), destinations: destinations,
                esmClass: ESMClass(rawValue: try f.uint8("esm_class")), protocolID: try f.uint8("protocol_id"), priorityFlag: try f.uint8("priority_flag"),
                scheduleDeliveryTime: try f.string("schedule_delivery_time"), validityPeriod: try f.string("validity_period"),
                registeredDelivery: RegisteredDelivery(rawValue: try f.uint8("registered_delivery")),
                replaceIfPresentFlag: try f.uint8("replace_if_present_flag"), dataCoding: DataCoding(rawValue: try f.uint8("data_coding")),
                smDefaultMsgID: try f.uint8("sm_default_msg_id"), shortMessage: try f.hex("short_message")))
        case .submitMultiResp:
            guard f.has("message_id") else { self = .submitMultiResp(nil); return }
            var unsuccessful: [UnsuccessfulSME] = []
            if f.has("unsuccess_sme") {
                guard case .array(let entries) = try f.value("unsuccess_sme") else { throw PDUJSONError(reason: "submit_multi_resp.unsuccess_sme: expected a list") }
                for entry in entries {
                    let e = f.nested(entry, "unsuccess_sme")
                    unsuccessful.append(UnsuccessfulSME(address: try e.address("dest_addr", "destination_addr"),
                                                        errorStatusCode: CommandStatus(rawValue: try e.uint32("error_status_code"))))
                }
            }
            self = .submitMultiResp(SubmitMultiResp(messageID: try f.string("message_id"), unsuccessful: unsuccessful))
        case .alertNotification:
            self = .alertNotification(AlertNotification(source: try f.address("source_addr", "source_addr"), esmeAddress: try f.address("esme_addr", "esme_addr")))
        case .broadcastSM:
            self = .broadcastSM(BroadcastSM(
                serviceType: try f.string("service_type"), source: try f.address("source_addr", "source_addr"), messageID: try f.string("message_id"),
                priorityFlag: try f.uint8("priority_flag"), scheduleDeliveryTime: try f.string("schedule_delivery_time"),
                validityPeriod: try f.string("validity_period"), replaceIfPresentFlag: try f.uint8("replace_if_present_flag"),
                dataCoding: DataCoding(rawValue: try f.uint8("data_coding")), smDefaultMsgID: try f.uint8("sm_default_msg_id")))
        case .queryBroadcastSM:
            self = .queryBroadcastSM(QueryBroadcastSM(messageID: try f.string("message_id"), source: try f.address("source_addr", "source_addr")))
        case .cancelBroadcastSM:
            self = .cancelBroadcastSM(CancelBroadcastSM(serviceType: try f.string("service_type"), messageID: try f.string("message_id"),
                                                        source: try f.address("source_addr", "source_addr")))
        default:
            throw PDUJSONError(reason: "\(id.name) is not a command this codec can build")
        }
    }
}
