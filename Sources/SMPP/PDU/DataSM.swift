import NIOCore

/// data_sm: a message in either direction; its content travels in the message_payload TLV.
public struct DataSM: Hashable, Sendable {
    public var serviceType: String
    /// Up to 64 characters (the reference accepts 65 octets with the NUL).
    public var source: Address
    public var destination: Address
    public var esmClass: ESMClass
    public var registeredDelivery: RegisteredDelivery
    public var dataCoding: DataCoding

    public init(serviceType: String = "", source: Address, destination: Address, esmClass: ESMClass = ESMClass(rawValue: 0),
                registeredDelivery: RegisteredDelivery = .none, dataCoding: DataCoding = .mcDefault) {
        self.serviceType = serviceType
        self.source = source
        self.destination = destination
        self.esmClass = esmClass
        self.registeredDelivery = registeredDelivery
        self.dataCoding = dataCoding
    }

    init(from reader: inout PDUReader) throws(SMPPDecodingError) {
        serviceType = try reader.readCString(.serviceType)
        source = try reader.readSourceAddress(.sourceAddr65)
        destination = try reader.readDestinationAddress(.destinationAddr65)
        esmClass = ESMClass(rawValue: try reader.readUInt8("esm_class"))
        registeredDelivery = RegisteredDelivery(rawValue: try reader.readUInt8("registered_delivery"))
        dataCoding = DataCoding(rawValue: try reader.readUInt8("data_coding"))
    }

    /// Octets the body takes at most on the wire, for reserving the one write (`PDUWriter`).
    var encodedLengthBound: Int {
        CStringField.serviceType.maxLength + CStringField.sourceAddr65.addressBound + CStringField.destinationAddr65.addressBound + 3
    }

    func encode(into writer: inout PDUWriter) throws(SMPPEncodingError) {
        try writer.writeCString(serviceType, .serviceType)
        try writer.writeAddress(source, .sourceAddr65)
        try writer.writeAddress(destination, .destinationAddr65)
        writer.writeInteger(esmClass.rawValue)
        writer.writeInteger(registeredDelivery.rawValue)
        writer.writeInteger(dataCoding.rawValue)
    }
}
