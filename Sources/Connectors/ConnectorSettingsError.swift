/// A connector's settings cannot work at all (thrown by `start`); the sentence says which setting.
public struct ConnectorSettingsError: Error, Hashable, Sendable, CustomStringConvertible {
    public var connector: String
    public var reason: String

    public init(connector: String, reason: String) {
        self.connector = connector
        self.reason = reason
    }

    public var description: String { "connector \(connector): \(reason)" }
}
