import Scripting
import SMPP

/// `[scripting]`: how hooks run.
public struct ScriptingSettings: Sendable, Hashable {
    public enum Authentication: String, Sendable, Hashable {
        /// The stored password is checked first; `authenticate` hooks may still refuse.
        case after
        /// A hook that answers `true` replaces the password check; with no answer the password decides.
        case instead
    }

    public var limits: ScriptLimits
    /// What a client gets when a hook fails (error, budget, memory, bad answer).
    public var errorStatus: CommandStatus
    public var authentication: Authentication

    public init(limits: ScriptLimits = ScriptLimits(), errorStatus: CommandStatus = .systemError, authentication: Authentication = .after) {
        self.limits = limits
        self.errorStatus = errorStatus
        self.authentication = authentication
    }
}

/// One `[[plugin]]`: a global plugin, run for every message in the order written.
public struct PluginSettings: Sendable, Hashable {
    public var name: String
    /// Path of the Lua file, relative to the working directory.
    public var file: String
    /// Every other key of the block, handed to the plugin's `init(config)`.
    public var settings: [String: ScriptValue]
    public var line: Int

    public init(name: String, file: String, settings: [String: ScriptValue] = [:], line: Int = 0) {
        self.name = name
        self.file = file
        self.settings = settings
        self.line = line
    }
}
