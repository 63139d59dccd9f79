/// The esm_class octet (reference §6): messaging mode, message type and GSM features.
public struct ESMClass: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The UDH indicator: short_message starts with a user data header.
    public static let udhi = ESMClass(rawValue: 0x40)
    /// A deliver_sm / data_sm that carries an MC delivery receipt.
    public static let deliveryReceipt = ESMClass(rawValue: 0x04)
    /// An intermediate delivery notification.
    public static let intermediateNotification = ESMClass(rawValue: 0x20)

    /// Bits 5..2.
    @inlinable public var messageType: UInt8 { (rawValue >> 2) & 0x0F }
    /// Bits 1..0.
    @inlinable public var messagingMode: UInt8 { rawValue & 0x03 }
    @inlinable public var hasUDH: Bool { rawValue & 0x40 != 0 }
    @inlinable public var hasReplyPath: Bool { rawValue & 0x80 != 0 }
    /// True for an MC delivery receipt (message type 0001).
    @inlinable public var isDeliveryReceipt: Bool { messageType == 0x01 }
    /// True for an intermediate delivery notification (message type 1000).
    @inlinable public var isIntermediateNotification: Bool { messageType == 0x08 }

    @inlinable public func union(_ other: ESMClass) -> ESMClass { ESMClass(rawValue: rawValue | other.rawValue) }
}

/// The registered_delivery octet (reference §6): which receipts and acks the sender wants.
public struct RegisteredDelivery: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// What kind of MC delivery receipt is asked for (bits 1..0).
    public enum ReceiptRequest: UInt8, Sendable {
        case none = 0
        case onSuccessOrFailure = 1
        case onFailure = 2
        case onSuccess = 3
    }

    public static let none = RegisteredDelivery(rawValue: 0)
    public static let receipt = RegisteredDelivery(rawValue: 1)

    @inlinable public var receiptRequest: ReceiptRequest {
        ReceiptRequest(rawValue: rawValue & 0x03) ?? .none
    }
    /// Bit 4: intermediate notification requested.
    @inlinable public var wantsIntermediateNotification: Bool { rawValue & 0x10 != 0 }

    /// Whether a receipt must be sent for a message that ended in the given outcome.
    @inlinable public func wantsReceipt(delivered: Bool) -> Bool {
        switch receiptRequest {
        case .none: return false
        case .onSuccessOrFailure: return true
        case .onFailure: return !delivered
        case .onSuccess: return delivered
        }
    }
}
