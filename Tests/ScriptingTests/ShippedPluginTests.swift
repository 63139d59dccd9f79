import Foundation
import Testing
@testable import Scripting

/// Runs every case file under plugins/tests through the real engine: each shipped plugin, with
/// its settings, against the answers its cases expect.
@Suite struct ShippedPluginTests {
    struct CaseFile: Decodable {
        var plugin: String
        var settings: [String: ScriptValue]?
        var connectors: [String: Status]?
        var cases: [Case]
    }

    struct Status: Decodable {
        var up: Bool
        var queued: Int?
        var in_flight: Int?
    }

    struct Case: Decodable {
        var name: String
        var hook: String
        var message: ScriptMessage
        var expect: Expectation
    }

    struct Expectation: Decodable {
        var pass: Bool?
        var reject: String?
        var answer: ScriptValue?

        enum CodingKeys: String, CodingKey { case pass, reject, answer }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            pass = try c.decodeIfPresent(Bool.self, forKey: .pass)
            reject = try c.decodeIfPresent(String.self, forKey: .reject)
            // `"answer": null` means "answers nothing"; a missing key means another expectation.
            answer = c.contains(.answer) ? try c.decode(ScriptValue.self, forKey: .answer) : nil
        }
    }

    static let caseFiles: [String] = {
        let directory = repositoryRoot.appendingPathComponent("plugins/tests")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }()

    @Test func everyShippedPluginHasCases() {
        let plugins = ((try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("plugins").path)) ?? [])
            .filter { $0.hasSuffix(".lua") }
        #expect(plugins.count >= 5)
        for plugin in plugins {
            let stem = String(plugin.dropLast(4))
            #expect(Self.caseFiles.contains { $0 == "\(stem).json" || $0.hasPrefix("\(stem)-") }, "\(plugin) has no case file")
        }
    }

    @Test(arguments: caseFiles)
    func cases(_ file: String) throws {
        let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("plugins/tests/\(file)"))
        let suite = try JSONDecoder().decode(CaseFile.self, from: data)
        let path = repositoryRoot.appendingPathComponent(suite.plugin).path
        let source = try PluginSource.read(file: path, name: "plugin", settings: suite.settings ?? [:])
        let statuses = (suite.connectors ?? [:]).mapValues { ConnectorStatus(up: $0.up, queued: $0.queued ?? 0, inFlight: $0.in_flight ?? 0) }
        let engine = try PolicyEngine(ScriptSet(plugins: [source]), connectors: { statuses })
        #expect(!suite.cases.isEmpty)
        for item in suite.cases {
            let hook = try #require(Hook(rawValue: item.hook), "\(file): \(item.name): unknown hook \(item.hook)")
            let answer = engine.call(hook, plugin: "plugin", message: item.message)
            if item.expect.pass == true {
                switch answer {
                case .answer, .notDefined: break
                default: Issue.record("\(file): \(item.name): expected to pass, got \(answer)")
                }
            } else if let status = item.expect.reject {
                guard case .rejected(let got, _) = answer, got == status else {
                    Issue.record("\(file): \(item.name): expected reject \(status), got \(answer)")
                    continue
                }
            } else if let expected = item.expect.answer {
                #expect(answer == .answer(expected), "\(file): \(item.name)")
            } else {
                Issue.record("\(file): \(item.name): the case expects nothing")
            }
        }
    }
}
