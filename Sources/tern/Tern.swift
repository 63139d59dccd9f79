import ArgumentParser

/// The `tern` command: the gateway and its tools.
@main
struct Tern: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tern",
        abstract: "Tern, an SMPP 3.4/5.0 SMS gateway, and its tools.",
        subcommands: [ServeCommand.self, ReloadCommand.self, AdminCommand.self, CheckConfigCommand.self, ScriptCommand.self,
                      RouteCommand.self, MetricsCommand.self, PDUCommand.self, BenchCommand.self]
    )
}
