import ArgumentParser

/// The `tern` command: the gateway and its tools.
@main
struct Tern: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tern",
        abstract: "Tern, an SMPP 3.4/5.0 SMS gateway, and its tools.",
        subcommands: [PDUCommand.self, BenchCommand.self, CheckConfigCommand.self]
    )
}
