/// Type of number of an SME address (reference §6).
public struct TypeOfNumber: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let unknown = TypeOfNumber(rawValue: 0)
    public static let international = TypeOfNumber(rawValue: 1)
    public static let national = TypeOfNumber(rawValue: 2)
    public static let networkSpecific = TypeOfNumber(rawValue: 3)
    public static let subscriberNumber = TypeOfNumber(rawValue: 4)
    public static let alphanumeric = TypeOfNumber(rawValue: 5)
    public static let abbreviated = TypeOfNumber(rawValue: 6)

    /// Whether SMPP defines this value (0–6).
    @inlinable public var isDefined: Bool { rawValue <= 6 }
}

/// Numbering plan indicator of an SME address (reference §6).
public struct NumberingPlanIndicator: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let unknown = NumberingPlanIndicator(rawValue: 0)
    public static let isdn = NumberingPlanIndicator(rawValue: 1)
    public static let data = NumberingPlanIndicator(rawValue: 3)
    public static let telex = NumberingPlanIndicator(rawValue: 4)
    public static let landMobile = NumberingPlanIndicator(rawValue: 6)
    public static let national = NumberingPlanIndicator(rawValue: 8)
    public static let `private` = NumberingPlanIndicator(rawValue: 9)
    public static let ermes = NumberingPlanIndicator(rawValue: 10)
    public static let internet = NumberingPlanIndicator(rawValue: 14)
    public static let wapClientID = NumberingPlanIndicator(rawValue: 18)

    /// Whether SMPP defines this value.
    @inlinable public var isDefined: Bool {
        switch rawValue {
        case 0, 1, 3, 4, 6, 8, 9, 10, 14, 18: return true
        default: return false
        }
    }
}

/// An SME address as it travels in a PDU: TON, NPI and the address text.
public struct Address: Hashable, Sendable {
    public var ton: TypeOfNumber
    public var npi: NumberingPlanIndicator
    public var value: String

    public init(ton: TypeOfNumber = .unknown, npi: NumberingPlanIndicator = .unknown, value: String = "") {
        self.ton = ton
        self.npi = npi
        self.value = value
    }

    /// An international E.164 number (TON 1, NPI 1).
    public static func international(_ number: String) -> Address {
        Address(ton: .international, npi: .isdn, value: number)
    }

    /// An alphanumeric sender ID (TON 5, NPI 0).
    public static func alphanumeric(_ text: String) -> Address {
        Address(ton: .alphanumeric, npi: .unknown, value: text)
    }
}
