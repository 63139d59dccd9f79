import Foundation
import Scripting

/// One generation of what a reload replaces: the config, the route tables built from it, and the
/// scripts (global plugins and every account's and reseller's policy file). Immutable; sessions
/// read the current one once per message, so a message is decided by one generation throughout.
///
/// A class: every submit takes the current generation, and copying a struct holding the whole
/// config retained each of its arrays and strings (1.3 % of the event loops under load).
public final class RuleSet: Sendable {
    public let generation: Int
    public let config: TernConfig
    public let scripts: ScriptSet
    let routes: RouteTable
    let moRoutes: MORouteTable
    let connectorNames: Set<String>

    public init(generation: Int, config: TernConfig, scripts: ScriptSet) {
        self.generation = generation
        self.config = config
        self.scripts = scripts
        routes = RouteTable(config.routes)
        moRoutes = MORouteTable(config.moRoutes)
        connectorNames = Set(config.connectors.map(\.name))
    }

    /// Whether any hook can run: with none, messages take the config's routes at no cost.
    public var hasScripts: Bool { !scripts.isEmpty }

    /// Reads every plugin the config names and every policy file `policyFiles` lists, and builds
    /// them once (each file compiles, each `init` succeeds). Problems come back as
    /// `FILE:LINE: reason`, as config problems do.
    public static func load(config: TernConfig, policyFiles: Set<String>, generation: Int) throws(ConfigErrors) -> RuleSet {
        var problems: [ConfigError] = []
        var plugins: [PluginSource] = []
        for settings in config.plugins {
            do {
                plugins.append(try PluginSource.read(file: settings.file, name: settings.name, settings: settings.settings))
            } catch {
                problems.append(ConfigError(file: config.sourceFile, line: settings.line,
                                            reason: "[[plugin]] \"\(settings.name)\": \(error)"))
            }
        }
        var policies: [String: PluginSource] = [:]
        for file in policyFiles.sorted() {
            do {
                policies[file] = try PluginSource.read(file: file)
            } catch {
                problems.append(ConfigError(file: file, line: 0, reason: "policy file of an account: \(error)"))
            }
        }
        if !problems.isEmpty { throw ConfigErrors(problems) }
        let scripts = ScriptSet(limits: config.scripting.limits, plugins: plugins, policies: policies, generation: generation)
        do {
            _ = try PolicyEngine(scripts)
        } catch {
            throw ConfigErrors([ConfigError(scriptError: error)])
        }
        return RuleSet(generation: generation, config: config, scripts: scripts)
    }
}

extension RuleSet {
    /// This set plus policy files it does not have yet (an account that names a new policy
    /// binds): the plugins stay exactly as loaded, only the new files are read, and the whole
    /// set is built once to check it.
    public func adding(policyFiles: Set<String>, generation: Int) throws(ConfigErrors) -> RuleSet {
        var policies = scripts.policies
        for file in policyFiles.subtracting(policies.keys).sorted() {
            do {
                policies[file] = try PluginSource.read(file: file)
            } catch {
                throw ConfigErrors([ConfigError(file: file, line: 0, reason: "policy file of an account: \(error)")])
            }
        }
        let next = ScriptSet(limits: scripts.limits, plugins: scripts.plugins, policies: policies, generation: generation)
        do {
            _ = try PolicyEngine(next)
        } catch {
            throw ConfigErrors([ConfigError(scriptError: error)])
        }
        return RuleSet(generation: generation, config: config, scripts: next)
    }
}

extension ConfigError {
    /// Lua reports "plugins/x.lua:12: reason"; split it so every problem reads the same way.
    public init(scriptError: ScriptError) {
        let text: String
        switch scriptError {
        case .syntax(let message): text = message
        case .unreadable(let file, let reason):
            self.init(file: file, line: 0, reason: reason)
            return
        default: text = scriptError.description
        }
        let pieces = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        if pieces.count == 3, let line = Int(pieces[1]), pieces[0].hasSuffix(".lua") {
            let reason = pieces[2].trimmingCharacters(in: .whitespaces)
            self.init(file: String(pieces[0]), line: line, reason: Self.isSyntax(scriptError) ? "syntax error: \(reason)" : reason)
        } else if let range = text.range(of: ".lua: ") {
            self.init(file: String(text[..<range.lowerBound]) + ".lua", line: 0, reason: String(text[range.upperBound...]))
        } else {
            self.init(file: "plugin", line: 0, reason: text)
        }
    }

    private static func isSyntax(_ error: ScriptError) -> Bool {
        if case .syntax = error { return true }
        return false
    }
}
