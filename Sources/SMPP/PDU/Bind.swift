import NIOCore

/// bind_transmitter, bind_receiver and bind_transceiver share this body.
public struct Bind: Hashable, Sendable {
    public var systemID: String
    public var password: String
    public var systemType: String
    /// 0x34 for SMPP 3.4, 0x50 for 5.0; 0x33 and below mean 3.3 or older.
    public var interfaceVersion: UInt8
    /// The addresses this ESME serves (addr_ton, addr_npi, address_range).
    public var addressRange: Address

    public init(systemID: String, password: String, systemType: String = "", interfaceVersion: UInt8 = 0x34, addressRange: Address = Address()) {
        self.systemID = systemID
        self.password = password
        self.systemType = systemType
        self.interfaceVersion = interfaceVersion
        self.addressRange = addressRange
    }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        systemID = try reader.readCString(.systemID)
        password = try reader.readCString(.password)
        systemType = try reader.readCString(.systemType)
        interfaceVersion = try reader.readUInt8("interface_version")
        let ton = try reader.readUInt8("addr_ton")
        let npi = try reader.readUInt8("addr_npi")
        addressRange = Address(ton: TypeOfNumber(rawValue: ton), npi: NumberingPlanIndicator(rawValue: npi), value: try reader.readCString(.addressRange))
    }

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`).
    var encodedLengthBound: Int {
        CStringField.systemID.maxLength + CStringField.password.maxLength + CStringField.systemType.maxLength + 1 + CStringField.addressRange.addressBound
    }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try writer.writeCString(systemID, .systemID)
        try writer.writeCString(password, .password)
        try writer.writeCString(systemType, .systemType)
        writer.writeInteger(interfaceVersion)
        try writer.writeAddress(addressRange, .addressRange)
    }
}

/// bind_*_resp: the MC's system_id. The body may be absent when the status is an error.
public struct BindResp: Hashable, Sendable {
    /// nil when the response carried no body at all.
    public var systemID: String?

    public init(systemID: String?) { self.systemID = systemID }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        systemID = try reader.readOptionalCString(.systemID)
    }

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`).
    var encodedLengthBound: Int { systemID == nil ? 0 : CStringField.systemID.maxLength }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        if let systemID { try writer.writeCString(systemID, .systemID) }
    }
}

/// outbind: an MC asks an ESME to bind to it.
public struct Outbind: Hashable, Sendable {
    public var systemID: String
    public var password: String

    public init(systemID: String, password: String) {
        self.systemID = systemID
        self.password = password
    }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        systemID = try reader.readCString(.systemID)
        password = try reader.readCString(.password)
    }

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`).
    var encodedLengthBound: Int {
        CStringField.systemID.maxLength + CStringField.password.maxLength
    }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try writer.writeCString(systemID, .systemID)
        try writer.writeCString(password, .password)
    }
}
