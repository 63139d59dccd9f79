import ArgumentParser
import Foundation
import Gateway

/// `tern check-config`: validate a config file without starting anything, for editors, CI and
/// deploy scripts.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a config file and report every problem in it.",
        discussion: "Prints \"FILE: ok (N connectors, M routes)\" and exits 0, or prints each problem as FILE:LINE: reason on standard error and exits 1."
    )

    @Argument(help: "The config file.")
    var file: String = "etc/tern.toml"

    func run() throws {
        do {
            let config = try TernConfig.load(path: file)
            print("\(file): ok (\(Self.count(config.connectors.count, "connector")), \(Self.count(config.routes.count, "route")))")
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
