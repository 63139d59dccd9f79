import Admin
import ArgumentParser
import Foundation
import Gateway
#if canImport(Glibc)
import Glibc
#endif

/// `tern reload`: asks the running server to reload its config and plugins, and prints what
/// changed or why nothing did.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Reload the running server's config and plugins (the same as SIGHUP), and print the outcome.",
        discussion: "Talks to the admin port ([server] http). Exits 0 when the new config is running, 1 when it was refused (the old one stays).")

    @Option(name: .shortAndLong, help: "The config file the server runs with.")
    var config = "etc/tern.toml"

    @Flag(help: "Print the server's JSON answer.")
    var json = false

    func run() throws {
        let settings = try AdminPort.settings(config)
        guard settings.server.http != nil else {
            try signalServer(dataDirectory: settings.server.dataDirectory)
            return
        }
        let answer = try AdminPort.request("POST", path: "/api/v1/reload", config: settings, command: "reload")
        if json {
            print(answer.body)
        } else if let reply = try? JSONDecoder().decode(ReloadAnswer.self, from: Data(answer.body.utf8)) {
            if reply.ok {
                print("reloaded: generation \(reply.generation ?? 0)")
                if reply.changes.isEmpty { print("  no changes") }
                for line in reply.changes { print("  \(line)") }
                for line in reply.needsRestart { print("  needs a restart: \(line)") }
            } else {
                FileHandle.standardError.write(Data("reload refused; the running config stays:\n".utf8))
                for line in reply.errors { FileHandle.standardError.write(Data("\(line)\n".utf8)) }
            }
        } else {
            FileHandle.standardError.write(Data("tern reload: HTTP \(answer.status): \(answer.body)\n".utf8))
        }
        if answer.status != 200 { throw ExitCode(1) }
    }

    /// Without an admin port: SIGHUP to the PID the server wrote, with no answer to print.
    private func signalServer(dataDirectory: String) throws {
        let pidFile = dataDirectory + "/tern.pid"
        guard let text = FileManager.default.contents(atPath: pidFile).map({ String(decoding: $0, as: UTF8.self) }),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            FileHandle.standardError.write(Data("tern reload: [server] http is off and \(pidFile) does not name a running server\n".utf8))
            throw ExitCode(1)
        }
        guard kill(pid, SIGHUP) == 0 else {
            FileHandle.standardError.write(Data("tern reload: cannot signal PID \(pid): \(String(cString: strerror(errno)))\n".utf8))
            throw ExitCode(1)
        }
        print("sent SIGHUP to PID \(pid); [server] http is off, so the outcome is only in the server's log")
    }
}
