// TEMPORARY until Text/DataCoding.swift and Receipt/MessageState.swift land.
public struct DataCoding: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let mcDefault = DataCoding(rawValue: 0)
}
public struct MessageState: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
}
