// TEMPORARY until Receipt/MessageState.swift lands.
public struct MessageState: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
}
