import ArgumentParser
import Foundation
import Gateway
import Scripting
import Store

/// `tern admin`: manage what the gateway keeps in its store. Works on the store file named by
/// the config, alongside a running server (SQLite WAL lets both in at once).
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Manage accounts.",
        subcommands: [Accounts.self])

    struct Accounts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "accounts",
            abstract: "Add, list, change and remove the accounts clients bind with.",
            subcommands: [Add.self, List.self, Set.self, Remove.self])
    }

    struct StoreOptions: ParsableArguments {
        @Option(name: .shortAndLong, help: "The config file whose [store] to use.")
        var config = "etc/tern.toml"

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func open() async throws -> SQLiteMessageStore {
            let configuration: TernConfig
            do {
                configuration = try TernConfig.load(path: config)
            } catch {
                throw ValidationError("\(error)")
            }
            let store = try SQLiteMessageStore(settings: configuration.store)
            try await store.migrate()
            return store
        }
    }

    struct Limits: ParsableArguments {
        @Option(help: "Sessions that may be bound at once (0: unlimited).")
        var maxBinds: Int?

        @Option(help: "Messages per second over all sessions (0: unlimited).")
        var throughput: Int?

        @Option(name: .customLong("allow"), help: "A network the account may bind from (CIDR; repeat for more). 'any' clears the list.")
        var allowedNetworks: [String] = []

        @Option(help: "Hours a receipt waits for a receiver session.")
        var receiptHours: Int?

        @Option(help: "Send delivery receipts to this account's clients: on or off.")
        var receipts: String?

        @Option(help: "A Lua policy file for this account's messages (checked before it is saved); 'none' clears it.")
        var policy: String?

        @Option(help: "The system_id of the reseller account this account belongs to; 'none' clears it.")
        var reseller: String?

        /// The options that need the store or the scripting layer.
        func applyLinks(to account: inout Account, store: SQLiteMessageStore) async throws {
            if let policy {
                if policy == "none" {
                    account.policy = nil
                } else {
                    do {
                        let source = try PluginSource.read(file: policy)
                        _ = try PolicyEngine(ScriptSet(policies: [policy: source]))
                    } catch {
                        throw ValidationError("--policy \(ConfigError(scriptError: error))")
                    }
                    account.policy = policy
                }
            }
            if let reseller {
                if reseller == "none" {
                    account.resellerID = nil
                } else {
                    guard let owner = try await store.account(systemID: reseller), let id = owner.id else {
                        throw ValidationError("--reseller \(reseller): no account with that system_id")
                    }
                    guard id != account.id else { throw ValidationError("--reseller: an account cannot be its own reseller") }
                    account.resellerID = id
                }
            }
        }

        func apply(to account: inout Account) throws {
            if let maxBinds {
                guard maxBinds >= 0 else { throw ValidationError("--max-binds must be 0 or more") }
                account.maxBinds = maxBinds
            }
            if let throughput {
                guard throughput >= 0 else { throw ValidationError("--throughput must be 0 or more") }
                account.throughput = throughput == 0 ? nil : throughput
            }
            if !allowedNetworks.isEmpty {
                if allowedNetworks == ["any"] {
                    account.allowedNetworks = []
                } else {
                    account.allowedNetworks = try allowedNetworks.map { text in
                        guard let network = IPNetwork(text) else { throw ValidationError("--allow \(text): not an IP address or CIDR network") }
                        return network
                    }
                }
            }
            if let receiptHours {
                guard receiptHours > 0 else { throw ValidationError("--receipt-hours must be at least 1") }
                account.receipts.keepSeconds = receiptHours * 3600
            }
            switch receipts {
            case nil: break
            case "on": account.receipts.enabled = true
            case "off": account.receipts.enabled = false
            case let other?: throw ValidationError("--receipts \(other): say on or off")
            }
        }
    }

    static func validate(systemID: String) throws {
        guard !systemID.isEmpty, systemID.utf8.count <= 15 else {
            throw ValidationError("system_id must be 1 to 15 characters (SMPP limit)")
        }
    }

    static func validate(password: String) throws {
        guard !password.isEmpty, password.utf8.count <= 8 else {
            throw ValidationError("password must be 1 to 8 characters (SMPP 3.4 limit, which many clients enforce)")
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account; prints its password when one is generated.")

        @Argument(help: "The system_id clients bind with.")
        var systemID: String

        @Option(help: "The password (1–8 characters); generated when omitted.")
        var password: String?

        @Flag(help: "Create it disabled.")
        var disabled = false

        @OptionGroup var limits: Limits
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try AdminCommand.validate(systemID: systemID)
            let clear = password ?? GatewayAssembly.randomPassword()
            try AdminCommand.validate(password: clear)
            var account = Account(systemID: systemID, passwordHash: PasswordHash(hashing: clear), enabled: !disabled)
            try limits.apply(to: &account)
            let store = try await options.open()
            defer { Task { try? await store.close() } }
            try await limits.applyLinks(to: &account, store: store)
            do {
                account = try await store.insertAccount(account)
            } catch let error as StoreError {
                throw ValidationError(error.description)
            }
            if options.json {
                print(AdminCommand.json(account, password: password == nil ? clear : nil))
            } else {
                print(AdminCommand.describe(account))
                if password == nil { print("password: \(clear)") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let store = try await options.open()
            let accounts = try await store.accounts()
            try? await store.close()
            if options.json {
                print("[" + accounts.map { AdminCommand.json($0, password: nil) }.joined(separator: ",") + "]")
            } else if accounts.isEmpty {
                print("no accounts")
            } else {
                for account in accounts { print(AdminCommand.describe(account)) }
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an account.")

        @Argument(help: "The account's system_id.")
        var systemID: String

        @Option(help: "A new password (1–8 characters).")
        var password: String?

        @Flag(help: "Refuse binds from now on (bound sessions stay until they unbind).")
        var disable = false

        @Flag(help: "Allow binds again.")
        var enable = false

        @OptionGroup var limits: Limits
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let store = try await options.open()
            guard var account = try await store.account(systemID: systemID) else {
                try? await store.close()
                throw ValidationError("no account with system_id '\(systemID)'")
            }
            if let password {
                try AdminCommand.validate(password: password)
                account.passwordHash = PasswordHash(hashing: password)
            }
            if disable && enable { throw ValidationError("--enable and --disable contradict each other") }
            if disable { account.enabled = false }
            if enable { account.enabled = true }
            try limits.apply(to: &account)
            try await limits.applyLinks(to: &account, store: store)
            try await store.updateAccount(account)
            try? await store.close()
            print(options.json ? AdminCommand.json(account, password: nil) : AdminCommand.describe(account))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an account (its messages stay for tracking).")

        @Argument(help: "The account's system_id.")
        var systemID: String

        @OptionGroup var options: StoreOptions

        func run() async throws {
            let store = try await options.open()
            let removed = try await store.removeAccount(systemID: systemID)
            try? await store.close()
            guard removed else { throw ValidationError("no account with system_id '\(systemID)'") }
            print(options.json ? "{\"removed\":\"\(systemID)\"}" : "removed \(systemID)")
        }
    }

    static func describe(_ account: Account) -> String {
        let networks = account.allowedNetworks.isEmpty ? "any" : account.allowedNetworks.map(\.description).joined(separator: ",")
        return "\(account.systemID)  \(account.enabled ? "enabled" : "disabled")  max_binds=\(account.maxBinds == 0 ? "unlimited" : String(account.maxBinds))"
            + "  throughput=\(account.throughput.map { "\($0)/s" } ?? "unlimited")  allow=\(networks)"
            + "  receipts=\(account.receipts.enabled ? "on" : "off") receipts_kept=\(account.receipts.keepSeconds / 3600)h"
            + (account.policy.map { "  policy=\($0)" } ?? "") + (account.resellerID.map { "  reseller_id=\($0)" } ?? "")
    }

    static func json(_ account: Account, password: String?) -> String {
        var object: [String: Any] = [
            "system_id": account.systemID, "enabled": account.enabled, "max_binds": account.maxBinds,
            "allowed_networks": account.allowedNetworks.map(\.description), "receipt_keep_seconds": account.receipts.keepSeconds,
            "receipts": account.receipts.enabled,
        ]
        object["throughput"] = account.throughput ?? NSNull()
        object["policy"] = account.policy ?? NSNull()
        object["reseller_id"] = account.resellerID ?? NSNull()
        if let id = account.id { object["id"] = id }
        if let password { object["password"] = password }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
