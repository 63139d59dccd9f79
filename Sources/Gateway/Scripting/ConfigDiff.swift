import Crypto
import Foundation
import Scripting

/// What a reload would change, in lines an operator reads before sending SIGHUP: routes,
/// connectors, plugins, policy files and which accounts use them, and settings that only a
/// restart applies.
public struct ConfigDiff: Sendable, Hashable {
    public var changes: [String] = []
    /// Changes a reload does not apply (listeners, store, data directory).
    public var needsRestart: [String] = []

    public var isEmpty: Bool { changes.isEmpty && needsRestart.isEmpty }

    public init(from old: RuleSetSummary, to new: RuleSetSummary) {
        diffNamed("route", old.config.routes.map { ($0.name, Self.withoutLine($0)) }, new.config.routes.map { ($0.name, Self.withoutLine($0)) })
        if old.config.routes.map(\.name) != new.config.routes.map(\.name),
           Set(old.config.routes.map(\.name)) == Set(new.config.routes.map(\.name)) {
            changes.append("routes reordered: \(new.config.routes.map(\.name).joined(separator: ", "))")
        }
        diffNamed("mo_route", old.config.moRoutes.map { ($0.name, Self.withoutLine($0)) }, new.config.moRoutes.map { ($0.name, Self.withoutLine($0)) })
        diffNamed("connector", old.config.connectors.map { ($0.name, $0.kind) }, new.config.connectors.map { ($0.name, $0.kind) },
                  changedNote: "its sessions are replaced gracefully; queued messages move to the new one",
                  removedNote: "drains what it holds, then stops")
        diffNamed("plugin", old.plugins.map { ($0.name, $0) }, new.plugins.map { ($0.name, $0) })
        if old.plugins.map(\.name) != new.plugins.map(\.name), Set(old.plugins.map(\.name)) == Set(new.plugins.map(\.name)) {
            changes.append("plugins reordered: \(new.plugins.map(\.name).joined(separator: ", "))")
        }
        diffNamed("policy file", old.policies.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                  new.policies.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        for account in Set(old.accountPolicies.keys).union(new.accountPolicies.keys).sorted() {
            let before = old.accountPolicies[account]
            let after = new.accountPolicies[account]
            if before != after {
                changes.append("account \(account): policy \(before ?? "none") → \(after ?? "none")")
            }
        }
        if old.config.accounts != new.config.accounts {
            changes.append("[accounts] changed (refunds, campaign source, session health, login lockout)")
        }
        if old.config.scripting != new.config.scripting {
            changes.append("[scripting] changed (limits, error status or authenticate mode)")
        }
        let (before, after) = (old.config.server, new.config.server)
        if before.smpp != after.smpp { needsRestart.append("[server] smpp \(Self.text(before.smpp)) → \(Self.text(after.smpp))") }
        if before.smppTLS != after.smppTLS { needsRestart.append("[server] smpp_tls \(Self.text(before.smppTLS)) → \(Self.text(after.smppTLS))") }
        if before.http != after.http { needsRestart.append("[server] http \(Self.text(before.http)) → \(Self.text(after.http))") }
        if before.dataDirectory != after.dataDirectory { needsRestart.append("[server] data_directory \(before.dataDirectory) → \(after.dataDirectory)") }
        if before.maxQueuedMessages != after.maxQueuedMessages || before.commitDelayMilliseconds != after.commitDelayMilliseconds {
            needsRestart.append("[server] max_queued_messages / commit_delay_ms")
        }
        if old.config.store != new.config.store { needsRestart.append("[store] changed") }
        if before.tlsCertificate != after.tlsCertificate || before.tlsKey != after.tlsKey {
            changes.append("TLS certificate files changed; new TLS sessions use the new certificate")
        }
        if before.window != after.window || before.enquireLinkSeconds != after.enquireLinkSeconds
            || before.inactivitySeconds != after.inactivitySeconds || before.responseTimeoutSeconds != after.responseTimeoutSeconds
            || before.defaultValiditySeconds != after.defaultValiditySeconds || before.logMessageText != after.logMessageText {
            changes.append("[server] session settings changed; they apply to sessions bound after the reload")
        }
    }

    private mutating func diffNamed<Value: Equatable>(_ kind: String, _ old: [(String, Value)], _ new: [(String, Value)],
                                                     changedNote: String? = nil, removedNote: String? = nil) {
        let before = Dictionary(old, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new, uniquingKeysWith: { first, _ in first })
        for (name, value) in new {
            guard let previous = before[name] else {
                changes.append("\(kind) added: \(name)")
                continue
            }
            if previous != value { changes.append("\(kind) changed: \(name)\(changedNote.map { " (\($0))" } ?? "")") }
        }
        for (name, _) in old where after[name] == nil {
            changes.append("\(kind) removed: \(name)\(removedNote.map { " (\($0))" } ?? "")")
        }
    }

    private static func withoutLine(_ rule: RouteRule) -> RouteRule {
        var rule = rule
        rule.line = 0
        return rule
    }

    private static func withoutLine(_ rule: MORouteRule) -> MORouteRule {
        var rule = rule
        rule.line = 0
        return rule
    }

    private static func text(_ hostPort: HostPort?) -> String { hostPort?.description ?? "off" }
}

/// The parts of a generation a diff compares: the config, each plugin's file digest and
/// settings, the policy files' digests, and which account names which policy.
public struct RuleSetSummary: Sendable, Hashable, Codable {
    public struct Plugin: Sendable, Hashable, Codable {
        public var name: String
        public var file: String
        public var digest: String
        /// The settings as text, enough to tell a change.
        public var settings: String
    }

    /// The config file's text as loaded; parsed again for the diff.
    public var configText: String
    public var configFile: String
    public var plugins: [Plugin]
    public var policies: [String: String]
    public var accountPolicies: [String: String]
    public var generation: Int

    enum CodingKeys: String, CodingKey {
        case configText, configFile, plugins, policies, accountPolicies, generation
    }

    /// Parsed lazily by `config`; a summary made in process carries it already.
    private var parsed: TernConfig?

    public var config: TernConfig {
        parsed ?? (try? TernConfig.parse(configText, file: configFile)) ?? TernConfig(sourceFile: configFile)
    }

    public init(rules: RuleSet, configText: String, accounts: [Account]) {
        configFile = rules.config.sourceFile
        self.configText = configText
        parsed = rules.config
        plugins = rules.scripts.plugins.map {
            Plugin(name: $0.name, file: $0.file, digest: Self.digest($0.text), settings: ScriptValue.table($0.settings).description)
        }
        policies = rules.scripts.policies.mapValues { Self.digest($0.text) }
        var byAccount: [String: String] = [:]
        for account in accounts { if let policy = account.policy { byAccount[account.systemID] = policy } }
        accountPolicies = byAccount
        generation = rules.generation
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public static func == (lhs: RuleSetSummary, rhs: RuleSetSummary) -> Bool {
        lhs.configText == rhs.configText && lhs.plugins == rhs.plugins && lhs.policies == rhs.policies
            && lhs.accountPolicies == rhs.accountPolicies && lhs.generation == rhs.generation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(configText)
        hasher.combine(generation)
    }
}
