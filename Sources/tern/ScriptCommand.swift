import ArgumentParser
import Foundation
import Gateway
import Scripting

/// `tern script test`: runs a plugin's hooks outside the server.
struct ScriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "script",
        abstract: "Tools for plugin authors.",
        subcommands: [Test.self]
    )

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a plugin's hooks on messages and print each hook's answer, its time and its log lines.",
            discussion: """
                A message is JSON with the fields hooks see (account, source, destination, text; optional: id, reseller, \
                parts, data_coding, volume, client_ip, route, price), e.g. \
                '{"account":"acme","source":"ACME","destination":"447700900123","text":"hello"}'. \
                --messages reads a file with one such object per line, or a JSON array. The plugin's settings come from \
                --settings, else from its [[plugin]] block in --config when it is listed there; tern.connectors() \
                reports the config's connectors, all up. Times are of a warm VM (one untimed pass runs first).
                """)

        @Argument(help: "The plugin file.")
        var plugin: String

        @Option(help: "One message as JSON.")
        var message: String?

        @Option(help: "A file of messages: a JSON array, or one JSON object per line.")
        var messages: String?

        @Option(help: "The plugin's settings as a JSON object (what init(config) receives).")
        var settings: String?

        @Option(name: .shortAndLong, help: "A config file whose [[plugin]] block for this file gives the settings.")
        var config = "etc/tern.toml"

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let inputs = try readMessages()
            guard !inputs.isEmpty else { throw ValidationError("give --message JSON or --messages FILE") }
            var pluginSettings: [String: ScriptValue] = [:]
            var name: String?
            var limits = ScriptLimits()
            // Without a server, scripts see the config's connectors, all up.
            var connectors: [String: ConnectorStatus] = [:]
            if let configured = try? TernConfig.load(path: config) {
                limits = configured.scripting.limits
                for connector in configured.connectors { connectors[connector.name] = ConnectorStatus(up: true) }
                if settings == nil, let block = configured.plugins.first(where: {
                    $0.file == plugin || URL(fileURLWithPath: $0.file).standardized == URL(fileURLWithPath: plugin).standardized
                }) {
                    pluginSettings = block.settings
                    name = block.name
                }
            }
            if let settings {
                guard case .table(let object)? = try? JSONDecoder().decode(ScriptValue.self, from: Data(settings.utf8)) else {
                    throw ValidationError("--settings must be a JSON object")
                }
                pluginSettings = object
            }
            let statuses = connectors
            let engine: PolicyEngine
            do {
                let source = try PluginSource.read(file: plugin, name: name, settings: pluginSettings)
                engine = try PolicyEngine(ScriptSet(limits: limits, plugins: [source]), connectors: { statuses })
            } catch {
                FileHandle.standardError.write(Data("\(ConfigError(scriptError: error))\n".utf8))
                throw ExitCode(1)
            }
            var results: [[String: Any]] = []
            // One untimed pass first, so the times printed are those of a warm VM, as in the server.
            _ = engine.evaluate(inputs[0], policies: [], trace: false) { answer, _ in .success(answer ?? []) }
            for (index, input) in inputs.enumerated() {
                let decision = engine.evaluate(input, policies: [], trace: true) { answer, _ in .success(answer ?? []) }
                if json {
                    results.append(ScriptJSON.object(decision, message: input))
                    continue
                }
                print("message \(index + 1): \(input.source) → \(input.destination)\(input.text.map { " \"\($0)\"" } ?? " (binary)")")
                for call in decision.trace {
                    let hook = call.hook.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)
                    print("  \(hook) \(call.answer)  (\(String(format: "%.1f", Double(call.nanoseconds) / 1000)) µs)")
                    for line in call.logs { print("    log \(line.level): \(line.text)") }
                }
                print("  → " + ScriptJSON.verdict(decision))
            }
            if json {
                let data = try JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            }
        }

        private func readMessages() throws -> [ScriptMessage] {
            var texts: [String] = []
            if let message { texts.append(message) }
            if let messages {
                guard let data = FileManager.default.contents(atPath: messages) else { throw ValidationError("--messages \(messages): cannot be read") }
                let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if text.hasPrefix("[") {
                    guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
                        throw ValidationError("--messages \(messages): not a JSON array")
                    }
                    for element in array {
                        texts.append(String(decoding: try JSONSerialization.data(withJSONObject: element), as: UTF8.self))
                    }
                } else {
                    texts += text.split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                }
            }
            return try texts.enumerated().map { index, text in
                do {
                    return try JSONDecoder().decode(ScriptMessage.self, from: Data(text.utf8))
                } catch {
                    throw ValidationError("message \(index + 1): \(ScriptJSON.explain(error)) (needs at least account, source and destination)")
                }
            }
        }
    }
}

/// JSON in and out for the script tools.
enum ScriptJSON {
    static func verdict(_ decision: PolicyDecision) -> String {
        if let rejection = decision.rejection {
            switch rejection.cause {
            case .rejected(let status, let reason): return "rejected by \(rejection.plugin).\(rejection.hook.rawValue): \(status) \(reason)"
            case .failed(let error): return "failed in \(rejection.plugin).\(rejection.hook.rawValue): \(error) (the message gets [scripting] error_status)"
            }
        }
        var parts: [String] = ["accepted"]
        if let source = decision.source { parts.append("sender \(source)") }
        if let route = decision.route, !route.isEmpty {
            parts.append("route \(route.joined(separator: ", "))\(decision.routedBy.map { " (by \($0))" } ?? "")")
        } else {
            parts.append("no route answer (the config's [[route]] decides)")
        }
        parts.append("price \(decision.price.map(String.init) ?? "none")")
        if let reseller = decision.resellerPrice { parts.append("reseller price \(reseller)") }
        return parts.joined(separator: "; ")
    }

    static func object(_ decision: PolicyDecision, message: ScriptMessage) -> [String: Any] {
        var object: [String: Any] = [
            "destination": message.destination,
            "hooks": decision.trace.map { call -> [String: Any] in
                ["plugin": call.plugin, "hook": call.hook.rawValue, "answer": call.answer,
                 "microseconds": Double(call.nanoseconds) / 1000, "logs": call.logs.map { ["level": $0.level, "text": $0.text] }]
            },
        ]
        if let rejection = decision.rejection {
            switch rejection.cause {
            case .rejected(let status, let reason): object["rejected"] = ["plugin": rejection.plugin, "status": status, "reason": reason]
            case .failed(let error): object["failed"] = ["plugin": rejection.plugin, "error": "\(error)"]
            }
        }
        object["source"] = decision.source ?? message.source
        object["route"] = decision.route ?? []
        object["price"] = decision.price ?? NSNull()
        object["reseller_price"] = decision.resellerPrice ?? NSNull()
        return object
    }

    static func explain(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context): return "not JSON: \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}
