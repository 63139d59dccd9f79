/// Why a `host:port` string was refused, phrased for the person editing the config.
public struct HostPortError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
