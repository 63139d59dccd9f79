/// What the hook chain decided about one message.
public struct PolicyDecision: Sendable {
    /// Set when the message must not be accepted.
    public var rejection: PolicyRejection?
    /// The sender after `rewrite_sender`, when a plugin changed it.
    public var source: String?
    /// The connectors in failover order; from a plugin's `route`, or from the config's routes.
    public var route: [String]?
    /// The plugin whose `route` answered; nil when the config's routes decided.
    public var routedBy: String?
    /// What the account pays (integer minor units); nil when no `bill` answered.
    public var price: Int?
    /// What the account's reseller pays: the price after the global plugins.
    public var resellerPrice: Int?
    /// Every hook call, when tracing was asked for.
    public var trace: [HookCall] = []

    public init() {}
}

/// Why the chain refused a message (or a bind).
public struct PolicyRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Cause: Sendable, Hashable {
        /// The script said no: `tern.reject(status, reason)`.
        case rejected(status: String, reason: String)
        /// The script failed (error, budget, memory, bad answer): the config's error status applies.
        case failed(ScriptError)
    }

    public var cause: Cause
    public var plugin: String
    public var hook: Hook

    public init(_ cause: Cause, plugin: String, hook: Hook) {
        self.cause = cause
        self.plugin = plugin
        self.hook = hook
    }

    public var description: String {
        switch cause {
        case .rejected(let status, let reason): return "\(plugin).\(hook.rawValue) rejected it: \(status) \(reason)"
        case .failed(let error): return "\(plugin).\(hook.rawValue) failed: \(error)"
        }
    }
}

/// One hook call, for `tern script test` and `tern route explain`.
public struct HookCall: Sendable, Hashable {
    public var plugin: String
    public var hook: Hook
    /// The answer as Lua notation, or the rejection or error.
    public var answer: String
    public var nanoseconds: UInt64
    public var logs: [ScriptLogLine]
}

/// How a plugin answered `authenticate`.
public enum AuthenticationVerdict: Sendable, Hashable {
    /// No plugin answered.
    case noAnswer
    case accepted(plugin: String)
    /// A status name (ESME_RBINDFAIL when the plugin said `false`).
    case refused(status: String, plugin: String)
    case failed(PolicyRejection)
}
