import ArgumentParser
import Foundation
import Gateway
import Scripting
import Store

/// `tern admin`: the admin API of a running server from the shell (accounts, credit, tokens,
/// sessions, messages, campaigns, stats, audit). The accounts commands also work with no server
/// running, on the store file itself, so a gateway can be set up before its first start.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Manage accounts, credit and sessions; look up messages, campaigns and consumption.",
        subcommands: [Accounts.self, CreditCommand.self, TokensCommand.self, SessionsCommand.self, MessagesCommand.self,
                      CampaignsCommand.self, StatsCommand.self, AuditCommand.self])

    struct Accounts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "accounts",
            abstract: "Add, list, show, change and remove accounts (through the running server, else on the store file).",
            subcommands: [Add.self, List.self, Show.self, Set.self, Remove.self])
    }

    struct StoreOptions: ParsableArguments {
        @OptionGroup var connection: AdminConnection

        var config: String { connection.config }
        var json: Bool { connection.json }

        /// Whether to go through the running server's API (it answers) or the store file.
        func useAPI() -> Bool {
            if connection.serverAnswers() { return true }
            if !json {
                FileHandle.standardError.write(Data("tern admin: no server answers on the config's HTTP port; changing the store file directly\n".utf8))
            }
            return false
        }

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

        @Option(help: "admin, reseller or user.")
        var role: String?

        @Option(help: "What people call the account (a company name).")
        var name: String?

        @Option(help: "The web and API login password (at least 10 characters).")
        var loginPassword: String?

        @Option(name: .customLong("sender"), help: "A sender ID the account may use (repeat for more). 'any' clears the list.")
        var senders: [String] = []

        @Option(help: "Price of a message part, in minor units, where no prefix price applies; 'none' clears the price plan.")
        var price: String?

        @Option(name: .customLong("price-prefix"), help: "PREFIX=PRICE: the price of a part to numbers starting with PREFIX (repeat for more).")
        var pricePrefixes: [String] = []

        /// The price plan the options describe, on top of `current`; nil when they say nothing.
        func pricePlan(over current: PricePlan?) throws -> PricePlan?? {
            if price == nil && pricePrefixes.isEmpty { return .none }
            if price == "none" { return .some(nil) }
            var plan = current ?? PricePlan()
            if let price {
                guard let value = Int(price), value >= 0 else { throw ValidationError("--price \(price): a whole number of minor units, or none") }
                plan.defaultPrice = value
            }
            for entry in pricePrefixes {
                let parts = entry.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let value = Int(parts[1]), value >= 0, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw ValidationError("--price-prefix \(entry): write PREFIX=PRICE, e.g. 44=3")
                }
                plan.prefixes[String(parts[0])] = value
            }
            return .some(plan)
        }

        /// The options as an API request body.
        func requestBody() throws -> [String: Any] {
            var body: [String: Any] = [:]
            if let maxBinds { body["max_binds"] = maxBinds }
            if let throughput { body["throughput"] = throughput == 0 ? NSNull() : throughput as Any }
            if !allowedNetworks.isEmpty { body["allowed_networks"] = allowedNetworks == ["any"] ? [] : allowedNetworks }
            if !senders.isEmpty { body["allowed_senders"] = senders == ["any"] ? [] : senders }
            var receiptsBody: [String: Any] = [:]
            if let receiptHours { receiptsBody["keep_hours"] = receiptHours }
            switch receipts {
            case nil: break
            case "on": receiptsBody["enabled"] = true
            case "off": receiptsBody["enabled"] = false
            case let other?: throw ValidationError("--receipts \(other): say on or off")
            }
            if !receiptsBody.isEmpty { body["receipts"] = receiptsBody }
            if let policy { body["policy"] = policy == "none" ? NSNull() : policy as Any }
            if let reseller { body["reseller"] = reseller }
            if let role { body["role"] = role }
            if let name { body["name"] = name }
            if let loginPassword { body["login_password"] = loginPassword }
            if price == "none" {
                body["price_plan"] = NSNull()
            } else if price != nil || !pricePrefixes.isEmpty {
                // The server merges nothing: the plan sent is the plan kept.
                if let plan = try pricePlan(over: nil) ?? nil {
                    body["price_plan"] = ["default": plan.defaultPrice as Any? ?? NSNull(), "prefixes": plan.prefixes]
                }
            }
            return body
        }

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
            if let role {
                guard let parsed = AccountRole(rawValue: role) else { throw ValidationError("--role \(role): admin, reseller or user") }
                account.role = parsed
            }
            if let name { account.name = name }
            if let loginPassword {
                guard loginPassword.count >= 10 else { throw ValidationError("--login-password must have at least 10 characters") }
                account.loginPasswordHash = PasswordHash(hashing: loginPassword)
            }
            if !senders.isEmpty { account.allowedSenders = senders == ["any"] ? [] : senders }
            if let plan = try pricePlan(over: account.pricePlan) { account.pricePlan = plan }
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

        @Option(help: "The SMPP password (1–8 characters); generated when omitted.")
        var password: String?

        @Flag(help: "Create it disabled.")
        var disabled = false

        @OptionGroup var limits: Limits
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try AdminCommand.validate(systemID: systemID)
            let clear = password ?? GatewayAssembly.randomPassword()
            try AdminCommand.validate(password: clear)
            if options.useAPI() {
                var body = try limits.requestBody()
                body["system_id"] = systemID
                body["password"] = clear
                if disabled { body["enabled"] = false }
                let answer = try options.connection.call("POST", "/api/v1/accounts", body: body, command: "admin accounts add")
                if !options.json {
                    print(AdminCommand.describe(view: answer))
                    if password == nil { print("password: \(clear)") }
                }
                return
            }
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
            try? await store.appendAudit(AuditEntry(actor: "cli (offline)", actorID: nil, remote: "local", action: "account.create",
                                                    target: account.systemID, targetAccountID: account.id, detail: "role \(account.role.rawValue)"))
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
            if options.useAPI() {
                let answer = try options.connection.call("GET", "/api/v1/accounts", command: "admin accounts list")
                let accounts = (answer as? [String: Any])?["accounts"] as? [Any] ?? []
                if !options.json {
                    if accounts.isEmpty { print("no accounts") }
                    for account in accounts { print(AdminCommand.describe(view: account)) }
                }
                return
            }
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

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one account with its balance (needs the running server).")

        @Argument(help: "The account's system_id.")
        var systemID: String

        @OptionGroup var connection: AdminConnection

        func run() async throws {
            let answer = try connection.call("GET", "/api/v1/accounts/\(pathComponent(systemID))", command: "admin accounts show")
            if !connection.json { print(AdminCommand.describe(view: answer)) }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an account.")

        @Argument(help: "The account's system_id.")
        var systemID: String

        @Option(help: "A new SMPP password (1–8 characters).")
        var password: String?

        @Flag(help: "Refuse binds from now on (through the server, bound sessions are detached).")
        var disable = false

        @Flag(help: "Allow binds again.")
        var enable = false

        @OptionGroup var limits: Limits
        @OptionGroup var options: StoreOptions

        func run() async throws {
            if disable && enable { throw ValidationError("--enable and --disable contradict each other") }
            if let password { try AdminCommand.validate(password: password) }
            if options.useAPI() {
                var body = try limits.requestBody()
                if let password { body["password"] = password }
                if disable { body["enabled"] = false }
                if enable { body["enabled"] = true }
                if limits.price == nil, !limits.pricePrefixes.isEmpty {
                    // Prefix prices add to the plan the account has.
                    let current = try options.connection.quietly().call("GET", "/api/v1/accounts/\(pathComponent(systemID))", command: "admin accounts set")
                    var plan = ((current as? [String: Any])?["price_plan"] as? [String: Any]) ?? [:]
                    var prefixes = plan["prefixes"] as? [String: Any] ?? [:]
                    for (prefix, price) in (body["price_plan"] as? [String: Any])?["prefixes"] as? [String: Any] ?? [:] { prefixes[prefix] = price }
                    plan["prefixes"] = prefixes
                    if plan["default"] == nil { plan["default"] = NSNull() }
                    body["price_plan"] = plan
                }
                let answer = try options.connection.call("PATCH", "/api/v1/accounts/\(pathComponent(systemID))", body: body, command: "admin accounts set")
                if !options.json { print(AdminCommand.describe(view: answer)) }
                return
            }
            let store = try await options.open()
            guard var account = try await store.account(systemID: systemID) else {
                try? await store.close()
                throw ValidationError("no account with system_id '\(systemID)'")
            }
            if let password { account.passwordHash = PasswordHash(hashing: password) }
            if disable { account.enabled = false }
            if enable { account.enabled = true }
            try limits.apply(to: &account)
            try await limits.applyLinks(to: &account, store: store)
            try await store.updateAccount(account)
            try? await store.appendAudit(AuditEntry(actor: "cli (offline)", actorID: nil, remote: "local", action: "account.update",
                                                    target: account.systemID, targetAccountID: account.id, detail: "changed offline"))
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
            if options.useAPI() {
                _ = try options.connection.call("DELETE", "/api/v1/accounts/\(pathComponent(systemID))", command: "admin accounts remove")
                print(options.json ? "{\"removed\":\"\(systemID)\"}" : "removed \(systemID)")
                return
            }
            let store = try await options.open()
            let removed: Bool
            do {
                removed = try await store.removeAccount(systemID: systemID)
            } catch let error as StoreError {
                try? await store.close()
                throw ValidationError(error.description)
            }
            if removed {
                try? await store.appendAudit(AuditEntry(actor: "cli (offline)", actorID: nil, remote: "local", action: "account.delete",
                                                        target: systemID, targetAccountID: nil, detail: ""))
            }
            try? await store.close()
            guard removed else { throw ValidationError("no account with system_id '\(systemID)'") }
            print(options.json ? "{\"removed\":\"\(systemID)\"}" : "removed \(systemID)")
        }
    }

    /// One account as the API shows it, on one line.
    static func describe(view account: Any) -> String {
        let networks = field(account, "allowed_networks")
        return "\(field(account, "system_id"))  \(field(account, "role"))  \(field(account, "enabled") == "yes" ? "enabled" : "disabled")"
            + "  balance=\(field(account, "balance"))  reseller=\(field(account, "reseller"))"
            + "  max_binds=\(field(account, "max_binds") == "0" ? "unlimited" : field(account, "max_binds"))"
            + "  throughput=\(field(account, "throughput") == "-" ? "unlimited" : field(account, "throughput") + "/s")"
            + "  allow=\(networks == "-" ? "any" : networks)  senders=\(field(account, "allowed_senders") == "-" ? "any" : field(account, "allowed_senders"))"
            + "  policy=\(field(account, "policy"))"
    }

    static func describe(_ account: Account) -> String {
        let networks = account.allowedNetworks.isEmpty ? "any" : account.allowedNetworks.map(\.description).joined(separator: ",")
        return "\(account.systemID)  \(account.enabled ? "enabled" : "disabled")  max_binds=\(account.maxBinds == 0 ? "unlimited" : String(account.maxBinds))"
            + "  throughput=\(account.throughput.map { "\($0)/s" } ?? "unlimited")  allow=\(networks)"
            + "  receipts=\(account.receipts.enabled ? "on" : "off") receipts_kept=\(account.receipts.keepSeconds / 3600)h"
            + (account.policy.map { "  policy=\($0)" } ?? "") + (account.resellerID.map { "  reseller_id=\($0)" } ?? "")
            + "  role=\(account.role.rawValue)"
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
