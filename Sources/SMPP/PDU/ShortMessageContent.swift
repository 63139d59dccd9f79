import NIOCore

/// The fields submit_sm, deliver_sm and submit_multi share after their addresses, in wire order
/// (esm_class … short_message), so they are written by one piece of code.
protocol ShortMessageContent {
    var esmClass: ESMClass { get }
    var protocolID: UInt8 { get }
    var priorityFlag: UInt8 { get }
    var scheduleDeliveryTime: String { get }
    var validityPeriod: String { get }
    var registeredDelivery: RegisteredDelivery { get }
    var replaceIfPresentFlag: UInt8 { get }
    var dataCoding: DataCoding { get }
    var smDefaultMsgID: UInt8 { get }
    var shortMessage: ByteBuffer { get }
}


extension SubmitSM: ShortMessageContent {}
extension SubmitMulti: ShortMessageContent {}

extension PDUWriter {
    /// Writes esm_class through short_message.
    @inline(__always)
    mutating func writeContent(_ content: some ShortMessageContent) throws(SMPPEncodingError) {
        writeInteger(content.esmClass.rawValue)
        writeInteger(content.protocolID)
        writeInteger(content.priorityFlag)
        try writeTime(content.scheduleDeliveryTime, .scheduleDeliveryTime)
        try writeTime(content.validityPeriod, .validityPeriod)
        writeInteger(content.registeredDelivery.rawValue)
        writeInteger(content.replaceIfPresentFlag)
        writeInteger(content.dataCoding.rawValue)
        writeInteger(content.smDefaultMsgID)
        try writeShortMessage(content.shortMessage)
    }
}
