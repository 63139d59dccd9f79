import ArgumentParser
import Foundation
import Gateway

/// `tern metrics`: the running server's Prometheus metrics, as a scraper sees them.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print the running server's metrics (GET /metrics on the admin port), optionally only lines containing a text.")

    @Option(name: .shortAndLong, help: "The config file the server runs with.")
    var config = "etc/tern.toml"

    @Argument(help: "Print only the lines that contain this text (e.g. tern_submits_total).")
    var filter: String?

    func run() throws {
        let answer = try AdminPort.request("GET", path: "/metrics", config: try AdminPort.settings(config), command: "metrics")
        guard answer.status == 200 else {
            FileHandle.standardError.write(Data("tern metrics: HTTP \(answer.status)\n".utf8))
            throw ExitCode(1)
        }
        for line in answer.body.split(separator: "\n") where filter.map({ line.contains($0) }) ?? true {
            print(line)
        }
    }
}
