import Foundation
import Gateway
import Hummingbird

/// `/api/v1/accounts`: create, list, read, change, disable and remove accounts.
extension AdminAPI {
    func registerAccounts(on api: RouterGroup<APIContext>) {
        api.get("accounts") { request, context -> Response in
            let caller = try context.requireCaller()
            let all = try await store.accounts()
            var accounts = all.filter { $0.id.map(caller.canSee) ?? false }
            if let role = request.uri.queryParameters.get("role") {
                guard let role = AccountRole(rawValue: role) else { throw HTTPError(.badRequest, message: "role must be admin, reseller or user") }
                accounts = accounts.filter { $0.role == role }
            }
            if let reseller = request.uri.queryParameters.get("reseller") {
                let owner = try await visibleAccount(reseller, caller: caller)
                accounts = accounts.filter { $0.resellerID == owner.id }
            }
            // Resellers named from the list at hand, not one lookup per account.
            var names: [Int64: String] = [:]
            for account in all { if let id = account.id { names[id] = account.systemID } }
            var views: [AccountView] = []
            for account in accounts {
                views.append(AccountView(account, reseller: account.resellerID.flatMap { names[$0] },
                                         balance: try await store.balance(accountID: account.id ?? 0)))
            }
            return try Self.json(["accounts": views])
        }

        api.get("accounts/:system_id") { _, context -> Response in
            let caller = try context.requireCaller()
            let account = try await visibleAccount(try context.parameters.require("system_id"), caller: caller)
            return try Self.json(try await view(account))
        }

        api.post("accounts") { request, context -> Response in
            let caller = try context.requireCaller()
            let body = try await Self.decode(AccountRequest.self, from: request, context: context)
            let account = try await create(body, caller: caller)
            await audit(caller, context, action: "account.create", target: account.systemID, targetID: account.id,
                        detail: "role \(account.role.rawValue)" + (body.reseller.map { ", reseller \($0)" } ?? ""))
            return try Self.json(try await view(account), status: .created)
        }

        api.patch("accounts/:system_id") { request, context -> Response in
            let caller = try context.requireCaller()
            var account = try await visibleAccount(try context.parameters.require("system_id"), caller: caller)
            let body = try await Self.decode(AccountRequest.self, from: request, context: context)
            let changed = try await change(&account, with: body, caller: caller)
            do {
                try await store.updateAccount(account)
            } catch let error as StoreError {
                // Removed by someone else in between.
                throw HTTPError(.conflict, message: error.description)
            }
            gateway.accountChanged(account)
            if let id = account.id, !account.enabled {
                // A disabled account keeps no session and no login.
                for session in gateway.registry.sessions(accountID: id) {
                    session.detach(grace: .seconds(Int64(gateway.config.accounts.detachGraceSeconds)))
                }
                authenticator.endSessions(accountID: id)
            }
            await audit(caller, context, action: "account.update", target: account.systemID, targetID: account.id,
                        detail: changed.joined(separator: ", "))
            return try Self.json(try await view(account))
        }

        api.delete("accounts/:system_id") { _, context -> Response in
            let caller = try context.requireCaller()
            let account = try await visibleAccount(try context.parameters.require("system_id"), caller: caller)
            guard let id = account.id else { throw HTTPError(.notFound) }
            guard caller.isAdmin || (caller.role == .reseller && account.resellerID == caller.id) else {
                throw HTTPError(.forbidden, message: "only the admin, or the account's reseller, removes an account")
            }
            guard id != caller.id else { throw HTTPError(.conflict, message: "an account cannot remove itself") }
            do {
                _ = try await store.removeAccount(systemID: account.systemID)
            } catch let error as StoreError {
                throw HTTPError(.conflict, message: error.description)
            }
            for session in gateway.registry.sessions(accountID: id) {
                session.detach(grace: .seconds(Int64(gateway.config.accounts.detachGraceSeconds)))
            }
            authenticator.endSessions(accountID: id)
            await audit(caller, context, action: "account.delete", target: account.systemID, targetID: id, detail: "")
            return Response(status: .noContent)
        }
    }

    private func create(_ body: AccountRequest, caller: Caller) async throws -> Account {
        guard let systemID = body.systemId else { throw HTTPError(.badRequest, message: "system_id is required") }
        guard let password = body.password else { throw HTTPError(.badRequest, message: "password (the SMPP password) is required") }
        try CredentialRules.checkSystemID(systemID)
        try CredentialRules.checkSMPPPassword(password)
        let role = try body.role.map { text -> AccountRole in
            guard let role = AccountRole(rawValue: text) else { throw HTTPError(.badRequest, message: "role must be admin, reseller or user") }
            return role
        } ?? .user
        var account = Account(systemID: systemID, passwordHash: PasswordHash(hashing: password))
        account.role = role
        switch caller.role {
        case .admin:
            if let reseller = body.reseller {
                guard let owner = try await store.account(systemID: reseller) else { throw HTTPError(.badRequest, message: "no account '\(reseller)' to be the reseller") }
                guard owner.role == .reseller else { throw HTTPError(.badRequest, message: "'\(reseller)' is a \(owner.role.rawValue), not a reseller") }
                guard role == .user else { throw HTTPError(.badRequest, message: "only a user belongs to a reseller") }
                account.resellerID = owner.id
            }
        case .reseller:
            guard role == .user else { throw HTTPError(.forbidden, message: "a reseller creates users only") }
            guard body.reseller == nil || body.reseller == caller.name else {
                throw HTTPError(.forbidden, message: "a reseller creates users of its own only")
            }
            guard body.policy == nil else { throw HTTPError(.forbidden, message: "only the admin sets an account's policy file") }
            account.resellerID = caller.id
        case .user:
            throw HTTPError(.forbidden, message: "a user cannot create accounts")
        }
        // Role and reseller are settled above; `change` leaves them alone when creating.
        _ = try await change(&account, with: body, caller: caller, creating: true)
        do {
            return try await store.insertAccount(account)
        } catch let error as StoreError {
            throw HTTPError(.conflict, message: error.description)
        }
    }

    /// Applies a request's fields to an account, checking the caller may change each one;
    /// returns the names of the fields changed (for the audit trail).
    private func change(_ account: inout Account, with body: AccountRequest, caller: Caller, creating: Bool = false) async throws -> [String] {
        let ownsIt = caller.role == .reseller && account.resellerID == caller.id
        let isSelf = account.id != nil && account.id == caller.id
        let manages = caller.isAdmin || ownsIt || creating
        func require(_ allowed: Bool, _ field: String, _ who: String) throws {
            if !allowed { throw HTTPError(.forbidden, message: "\(field) is changed by \(who)") }
        }
        var changed: [String] = []
        if let systemID = body.systemId, !creating, systemID != account.systemID {
            throw HTTPError(.badRequest, message: "system_id cannot change: create a new account instead")
        }
        if let password = body.password, !creating {
            try require(manages || isSelf, "password", "the account, its reseller or the admin")
            try CredentialRules.checkSMPPPassword(password)
            account.passwordHash = PasswordHash(hashing: password)
            changed.append("password")
        }
        if let login = body.loginPassword {
            try require(manages || isSelf, "login_password", "the account, its reseller or the admin")
            try CredentialRules.checkLoginPassword(login)
            account.loginPasswordHash = PasswordHash(hashing: login)
            changed.append("login_password")
        }
        if let name = body.name {
            try require(manages || isSelf, "name", "the account, its reseller or the admin")
            account.name = name
            changed.append("name \"\(name)\"")
        }
        if let role = body.role, !creating {
            try require(caller.isAdmin, "role", "the admin")
            guard let parsed = AccountRole(rawValue: role) else { throw HTTPError(.badRequest, message: "role must be admin, reseller or user") }
            guard !isSelf || parsed == .admin else { throw HTTPError(.conflict, message: "the admin cannot demote itself") }
            account.role = parsed
            changed.append("role \(parsed.rawValue)")
        }
        if let reseller = body.reseller, !creating {
            try require(caller.isAdmin, "reseller", "the admin")
            if reseller.isEmpty || reseller == "none" {
                account.resellerID = nil
            } else {
                guard let owner = try await store.account(systemID: reseller), owner.role == .reseller else {
                    throw HTTPError(.badRequest, message: "'\(reseller)' is not a reseller account")
                }
                account.resellerID = owner.id
            }
            changed.append("reseller \(reseller.isEmpty ? "none" : reseller)")
        }
        if let enabled = body.enabled {
            try require(manages && !isSelf, "enabled", "the account's reseller or the admin")
            account.enabled = enabled
            changed.append(enabled ? "enabled" : "disabled")
        }
        if let maxBinds = body.maxBinds {
            try require(manages && !isSelf, "max_binds", "the account's reseller or the admin")
            guard maxBinds >= 0 else { throw HTTPError(.badRequest, message: "max_binds must be 0 (unlimited) or more") }
            account.maxBinds = maxBinds
            changed.append("max_binds \(maxBinds)")
        }
        if body.throughput != nil || body.clearsThroughput {
            try require(manages && !isSelf, "throughput", "the account's reseller or the admin")
            if let throughput = body.throughput, throughput < 0 { throw HTTPError(.badRequest, message: "throughput must be positive, or null for unlimited") }
            account.throughput = body.throughput == 0 ? nil : body.throughput
            changed.append("throughput \(account.throughput.map { "\($0)/s" } ?? "unlimited")")
        }
        if let networks = body.allowedNetworks {
            try require(manages && !isSelf, "allowed_networks", "the account's reseller or the admin")
            account.allowedNetworks = try networks.map { text in
                guard let network = IPNetwork(text) else { throw HTTPError(.badRequest, message: "allowed_networks: \"\(text)\" is not an address or CIDR network") }
                return network
            }
            changed.append("allowed_networks \(account.allowedNetworks.isEmpty ? "any" : account.allowedNetworks.map(\.description).joined(separator: ","))")
        }
        if let senders = body.allowedSenders {
            try require(manages && !isSelf, "allowed_senders", "the account's reseller or the admin")
            for sender in senders where sender.isEmpty || sender.utf8.count > 20 || sender.contains(",") {
                throw HTTPError(.badRequest, message: "allowed_senders: \"\(sender)\" is not a sender ID (1–20 characters, no commas)")
            }
            account.allowedSenders = senders
            changed.append("allowed_senders \(senders.isEmpty ? "any" : senders.joined(separator: ","))")
        }
        if let receipts = body.receipts {
            try require(manages && !isSelf, "receipts", "the account's reseller or the admin")
            if let enabled = receipts.enabled { account.receipts.enabled = enabled }
            if let hours = receipts.keepHours {
                guard (1...24 * 30).contains(hours) else { throw HTTPError(.badRequest, message: "receipts.keep_hours must be 1 to 720") }
                account.receipts.keepSeconds = hours * 3600
            }
            changed.append("receipts \(account.receipts.enabled ? "on" : "off"), kept \(account.receipts.keepSeconds / 3600) h")
        }
        if body.pricePlan != nil || body.clearsPricePlan {
            try require(manages && !isSelf, "price_plan", "the account's reseller or the admin")
            if let problem = body.pricePlan?.problem { throw HTTPError(.badRequest, message: "price_plan: \(problem)") }
            account.pricePlan = body.pricePlan
            changed.append("price_plan \(Self.describe(account.pricePlan))")
        }
        if body.policy != nil || body.clearsPolicy {
            try require(caller.isAdmin, "policy", "the admin")
            if let policy = body.policy {
                if let problem = checkPolicy(policy) { throw HTTPError(.badRequest, message: "policy \(problem)") }
            }
            account.policy = body.policy
            changed.append("policy \(account.policy ?? "none")")
        }
        return changed
    }

    /// A price plan in a line, for the audit trail.
    static func describe(_ plan: PricePlan?) -> String {
        guard let plan else { return "none" }
        let prefixes = plan.prefixes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return "default \(plan.defaultPrice.map(String.init) ?? "none")" + (prefixes.isEmpty ? "" : ", " + prefixes.joined(separator: " "))
    }
}
