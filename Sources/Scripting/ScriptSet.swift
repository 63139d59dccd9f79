import Foundation

/// The hooks a plugin may define.
public enum Hook: String, CaseIterable, Sendable, Hashable {
    case authenticate
    case filter
    case rewriteSender = "rewrite_sender"
    case route
    case bill
    case routeMO = "route_mo"

    /// The hooks that decide a message, in the order the chain runs them.
    static let messageHooks: [Hook] = [.filter, .rewriteSender, .route, .bill]

    var index: Int {
        switch self {
        case .authenticate: return 0
        case .filter: return 1
        case .rewriteSender: return 2
        case .route: return 3
        case .bill: return 4
        case .routeMO: return 5
        }
    }
}

/// One plugin file as read from disk, with its settings: what every VM of a generation loads.
public struct PluginSource: Sendable, Hashable {
    /// How logs and traces name it.
    public var name: String
    /// The path as configured (relative to the working directory); also Lua's chunk name.
    public var file: String
    public var text: String
    /// Handed to `init(config)`.
    public var settings: [String: ScriptValue]

    public init(name: String, file: String, text: String, settings: [String: ScriptValue] = [:]) {
        self.name = name
        self.file = file
        self.text = text
        self.settings = settings
    }

    /// Reads `file`; the name defaults to the file name without `.lua`.
    public static func read(file: String, name: String? = nil, settings: [String: ScriptValue] = [:]) throws(ScriptError) -> PluginSource {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .unreadable(file: file, reason: FileManager.default.fileExists(atPath: file) ? "cannot be read" : "no such file")
        }
        let stem = (file as NSString).lastPathComponent.replacingOccurrences(of: ".lua", with: "")
        return PluginSource(name: name ?? stem, file: file, text: String(decoding: data, as: UTF8.self), settings: settings)
    }
}

/// Everything the scripting layer runs for one generation of the config: global plugins in
/// order, and the policy files of accounts and resellers by path. Immutable; a reload makes a
/// new one.
public struct ScriptSet: Sendable {
    public var limits: ScriptLimits
    public var plugins: [PluginSource]
    public var policies: [String: PluginSource]
    /// Increases with every reload; VMs built for an older generation are rebuilt on next use.
    public var generation: Int

    public init(limits: ScriptLimits = ScriptLimits(), plugins: [PluginSource] = [], policies: [String: PluginSource] = [:], generation: Int = 0) {
        self.limits = limits
        self.plugins = plugins
        self.policies = policies
        self.generation = generation
    }

    public var isEmpty: Bool { plugins.isEmpty && policies.isEmpty }
}
