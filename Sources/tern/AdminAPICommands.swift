import ArgumentParser
import Foundation

// `tern admin` commands that need the running server: they are calls of its admin API.

struct CreditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credit", abstract: "Top up an account (admin) or move credit to a user (reseller); show a balance and its ledger.",
        subcommands: [Add.self, Show.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add AMOUNT minor units to an account (negative takes credit back).")
        @Argument(help: "The account's system_id.") var systemID: String
        @Argument(help: "Minor units (1000 is 10.00); a negative amount takes credit back (write it after --: `credit add NAME -- -500`).")
        var amount: Int
        @Option(help: "Why, for the ledger.") var reason: String?
        @OptionGroup var connection: AdminConnection

        func run() async throws {
            var body: [String: Any] = ["amount": amount]
            if let reason { body["reason"] = reason }
            let answer = try connection.call("POST", "/api/v1/accounts/\(pathComponent(systemID))/credit", body: body, command: "admin credit add")
            if !connection.json { print("\(systemID): balance \(field(answer, "balance"))") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An account's balance and its latest ledger entries.")
        @Argument(help: "The account's system_id.") var systemID: String
        @Option(help: "How many entries.") var limit = 20
        @OptionGroup var connection: AdminConnection

        func run() async throws {
            let answer = try connection.call("GET", "/api/v1/accounts/\(pathComponent(systemID))/credit" + queryString([("limit", String(limit))]),
                                             command: "admin credit show")
            guard !connection.json else { return }
            print("\(systemID): balance \(field(answer, "balance"))")
            for entry in (answer as? [String: Any])?["entries"] as? [Any] ?? [] {
                print("  \(field(entry, "at"))  \(field(entry, "kind"))  \(field(entry, "amount"))  → \(field(entry, "balance_after"))"
                      + "  \(field(entry, "message_id") == "-" ? field(entry, "reason") : "message " + field(entry, "message_id"))")
            }
        }
    }
}

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "API tokens: create (shown once), list, revoke.", subcommands: [Add.self, List.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token for an account and print it (it is shown only now).")
        @Argument(help: "The account's system_id.") var systemID: String
        @Option(help: "What the token is for.") var label: String?
        @OptionGroup var connection: AdminConnection

        func run() async throws {
            let answer = try connection.call("POST", "/api/v1/accounts/\(pathComponent(systemID))/tokens", body: ["name": label ?? ""],
                                             command: "admin tokens add")
            if !connection.json { print("token \(field(answer, "id")): \(field(answer, "token"))") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An account's tokens (never their secrets).")
        @Argument(help: "The account's system_id.") var systemID: String
        @OptionGroup var connection: AdminConnection

        func run() async throws {
            let answer = try connection.call("GET", "/api/v1/accounts/\(pathComponent(systemID))/tokens", command: "admin tokens list")
            guard !connection.json else { return }
            let tokens = (answer as? [String: Any])?["tokens"] as? [Any] ?? []
            if tokens.isEmpty { print("no tokens") }
            for token in tokens { print("\(field(token, "id"))  \(field(token, "name"))  created \(field(token, "created_at"))") }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token; it stops working at once.")
        @Argument(help: "The account's system_id.") var systemID: String
        @Argument(help: "The token's id.") var id: Int64
        @OptionGroup var connection: AdminConnection

        func run() async throws {
            _ = try connection.call("DELETE", "/api/v1/accounts/\(pathComponent(systemID))/tokens/\(id)", command: "admin tokens revoke")
            if !connection.json { print("revoked token \(id)") }
        }
    }
}

struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "Bound SMPP sessions: list, detach.", subcommands: [List.self, Detach.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every bound session, alive or dead.")
        @Option(help: "Only this account's sessions.") var account: String?
        @OptionGroup var connection: AdminConnection

        func run() async throws {
            let answer = try connection.call("GET", "/api/v1/sessions" + queryString([("account", account)]), command: "admin sessions list")
            guard !connection.json else { return }
            let sessions = (answer as? [String: Any])?["sessions"] as? [Any] ?? []
            if sessions.isEmpty { print("no sessions bound") }
            for session in sessions {
                print("\(field(session, "id"))  \(field(session, "system_id"))  \(field(session, "bind_type"))  \(field(session, "remote"))"
                      + "  v\(field(session, "interface_version"))\(field(session, "tls") == "yes" ? " TLS" : "")  \(field(session, "health"))"
                      + "  since \(field(session, "bound_since"))  last PDU \(field(session, "last_pdu_at"))"
                      + "  window \(field(session, "window_in_use"))  \(field(session, "rate"))/s")
            }
        }
    }

    struct Detach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unbind a session (closed after the grace period), or all of an account's.")
        @Argument(help: "The session's id (from `sessions list`).") var id: UInt64?
        @Option(help: "Detach every session of this account.") var account: String?
        @OptionGroup var connection: AdminConnection

        func validate() throws {
            if (id == nil) == (account == nil) { throw ValidationError("give a session id or --account, not both") }
        }

        func run() async throws {
            let path = id.map { "/api/v1/sessions/\($0)" } ?? "/api/v1/sessions" + queryString([("account", account)])
            let answer = try connection.call("DELETE", path, command: "admin sessions detach")
            if !connection.json { print("detaching \(field(answer, "detached"))") }
        }
    }
}

struct MessagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messages", abstract: "Find messages; show one with its timeline and charge.", subcommands: [Find.self, Show.self])

    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Search messages, newest first.")
        @Option(help: "The handset's number.") var to: String?
        @Option(help: "The sender ID.") var sender: String?
        @Option(help: "The campaign name.") var campaign: String?
        @Option(help: "The account's system_id.") var account: String?
        @Option(help: "A state: delivered, undeliverable, rejected, …") var status: String?
        @Option(help: "From this time (2026-12-01 or 2026-12-01T10:00:00Z).") var since: String?
        @Option(help: "Until this time.") var until: String?
        @Option(help: "Continue after this message id (the next value of the previous page).") var before: String?
        @Option(help: "How many.") var limit = 50
        @OptionGroup var connection: AdminConnection

        func run() async throws {
            let query = queryString([("to", to), ("sender", sender), ("campaign", campaign), ("account", account), ("status", status),
                                     ("since", since), ("until", until), ("before", before), ("limit", String(limit))])
            let answer = try connection.call("GET", "/api/v1/messages" + query, command: "admin messages find")
            guard !connection.json else { return }
            let messages = (answer as? [String: Any])?["messages"] as? [Any] ?? []
            if messages.isEmpty { print("no messages") }
            for message in messages {
                print("\(field(message, "id"))  \(field(message, "received_at"))  \(field(message, "account"))  \(field(message, "from")) → \(field(message, "to"))"
                      + "  \(field(message, "state"))  campaign=\(field(message, "campaign"))  price=\(field(message, "price"))")
            }
            if field(answer, "next") != "-" { print("more: --before \(field(answer, "next"))") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One message: text, timeline, receipts, charge.")
        @Argument(help: "The message id.") var id: String
        @OptionGroup var connection: AdminConnection

        func run() async throws {
            let message = try connection.call("GET", "/api/v1/messages/\(pathComponent(id))", command: "admin messages show")
            guard !connection.json else { return }
            print("\(field(message, "id"))  \(field(message, "account"))  \(field(message, "from")) → \(field(message, "to"))  \(field(message, "state"))")
            print("  campaign \(field(message, "campaign"))  price \(field(message, "price"))  charged \(field(message, "charged"))  attempts \(field(message, "attempts"))")
            print("  text: \(field(message, "text"))")
            for event in (message as? [String: Any])?["timeline"] as? [Any] ?? [] {
                print("  \(field(event, "at"))  \(field(event, "state"))\(field(event, "receipt") == "yes" ? " (receipt)" : "")"
                      + "  \(field(event, "connector"))  \(field(event, "detail"))")
            }
        }
    }
}

struct CampaignsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "campaigns", abstract: "Campaigns: accepted, submitted, delivered, failed, pending.")
    @Option(help: "Only this account's campaigns.") var account: String?
    @Option(help: "Only this campaign.") var name: String?
    @OptionGroup var connection: AdminConnection

    func run() async throws {
        let answer = try connection.call("GET", "/api/v1/campaigns" + queryString([("account", account), ("name", name)]), command: "admin campaigns")
        guard !connection.json else { return }
        let campaigns = (answer as? [String: Any])?["campaigns"] as? [Any] ?? []
        if campaigns.isEmpty { print("no campaigns") }
        for campaign in campaigns {
            print("\(field(campaign, "campaign"))  \(field(campaign, "system_id"))  accepted \(field(campaign, "accepted"))"
                  + "  submitted \(field(campaign, "submitted"))  delivered \(field(campaign, "delivered"))  failed \(field(campaign, "failed"))"
                  + "  pending \(field(campaign, "pending"))  spent \(field(campaign, "spent"))")
        }
    }
}

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Consumption per account and reseller, by hour or day.")
    @Option(help: "From (default: 24 hours ago).") var since: String?
    @Option(help: "Until (default: now).") var until: String?
    @Option(help: "hour or day.") var by = "hour"
    @Option(help: "Only this account.") var account: String?
    @OptionGroup var connection: AdminConnection

    func run() async throws {
        let answer = try connection.call("GET", "/api/v1/stats" + queryString([("since", since), ("until", until), ("by", by), ("account", account)]),
                                         command: "admin stats")
        guard !connection.json else { return }
        for account in (answer as? [String: Any])?["accounts"] as? [Any] ?? [] {
            print("\(field(account, "system_id")) (\(field(account, "role")))")
            for period in (account as? [String: Any])?["periods"] as? [Any] ?? [] {
                print("  \(field(period, "start"))  messages \(field(period, "messages"))  parts \(field(period, "parts"))  spent \(field(period, "spent"))"
                      + "  refused for credit \(field(period, "refused_for_credit"))  sessions peak \(field(period, "sessions_peak"))"
                      + "  final \(((period as? [String: Any])?["final_states"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
            }
        }
        let now = (answer as? [String: Any])?["sessions_now"] as? [Any] ?? []
        print("sessions bound now: " + (now.isEmpty ? "none" : now.map { "\(field($0, "system_id"))=\(field($0, "sessions"))" }.joined(separator: " ")))
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Who changed what, when, from where.")
    @Option(help: "How many entries.") var limit = 50
    @OptionGroup var connection: AdminConnection

    func run() async throws {
        let answer = try connection.call("GET", "/api/v1/audit" + queryString([("limit", String(limit))]), command: "admin audit")
        guard !connection.json else { return }
        for entry in (answer as? [String: Any])?["entries"] as? [Any] ?? [] {
            print("\(field(entry, "at"))  \(field(entry, "actor"))@\(field(entry, "remote"))  \(field(entry, "action"))  \(field(entry, "target"))  \(field(entry, "detail"))")
        }
    }
}
