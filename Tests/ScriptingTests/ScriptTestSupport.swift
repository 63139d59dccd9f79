import Foundation
@testable import Scripting

/// A plugin from inline Lua text, under a made-up file name (errors report it).
func plugin(_ name: String, _ text: String, settings: [String: ScriptValue] = [:]) -> PluginSource {
    PluginSource(name: name, file: "plugins/\(name).lua", text: text, settings: settings)
}

func engine(_ plugins: [PluginSource], policies: [PluginSource] = [], limits: ScriptLimits = ScriptLimits(),
            connectors: @escaping @Sendable () -> [String: ConnectorStatus] = { [:] }) throws -> PolicyEngine {
    var byFile: [String: PluginSource] = [:]
    for policy in policies { byFile[policy.file] = policy }
    return try PolicyEngine(ScriptSet(limits: limits, plugins: plugins, policies: byFile), connectors: connectors)
}

func message(id: String = "1001", account: String = "acme", reseller: String? = nil, source: String = "ACME",
             destination: String = "447700900123", text: String? = "hello", parts: Int = 1) -> ScriptMessage {
    ScriptMessage(id: id, account: account, reseller: reseller, source: source, destination: destination, text: text, parts: parts)
}

/// The config's routes in these tests: everything goes to "default".
func configRoute(_ answer: [String]?, _ source: String) -> Result<[String], PolicyRejection> {
    .success(answer ?? ["default"])
}

/// The repository's root, for the shipped plugins.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
