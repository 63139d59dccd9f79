import Foundation
import Gateway
import Hummingbird

/// `/api/v1/accounts/{system_id}/credit`: top-ups and transfers, and the ledger.
extension AdminAPI {
    struct CreditRequest: Decodable {
        var amount: Int
        var reason: String?
    }

    struct LedgerView: Codable {
        var id: Int64
        var at: Date
        var amount: Int
        var balanceAfter: Int
        var kind: String
        var messageId: String?
        var reason: String
        var actor: String?

        init(_ entry: LedgerEntry) {
            id = entry.id
            at = entry.at
            amount = entry.amount
            balanceAfter = entry.balanceAfter
            kind = entry.kind.rawValue
            messageId = entry.messageID?.description
            reason = entry.reason
            actor = entry.actor
        }
    }

    struct CreditView: Codable {
        var systemId: String
        var balance: Int
        var entries: [LedgerView]
        /// The entry id to pass as `before` for the next page; nil on the last page.
        var next: Int64?
    }

    func registerCredit(on api: RouterGroup<APIContext>) {
        api.get("accounts/:system_id/credit") { request, context -> Response in
            let caller = try context.requireCaller()
            let account = try await visibleAccount(try context.parameters.require("system_id"), caller: caller)
            let limit = try Self.integer(request, "limit", default: 100, range: 1...1000)
            let before = request.uri.queryParameters.get("before").flatMap { Int64($0) }
            let entries = try await store.ledger(accountID: account.id ?? 0, before: before, limit: limit)
            return try Self.json(CreditView(systemId: account.systemID, balance: try await store.balance(accountID: account.id ?? 0),
                                            entries: entries.map(LedgerView.init), next: entries.count == limit ? entries.last?.id : nil))
        }

        api.post("accounts/:system_id/credit") { request, context -> Response in
            let caller = try context.requireCaller()
            let account = try await visibleAccount(try context.parameters.require("system_id"), caller: caller)
            let body = try await Self.decode(CreditRequest.self, from: request, context: context)
            guard body.amount != 0 else { throw HTTPError(.badRequest, message: "amount must not be zero (minor units: 1000 is 10.00)") }
            guard let id = account.id else { throw HTTPError(.notFound) }
            let reason = body.reason ?? ""
            let change: CreditChange
            let action: String
            switch caller.role {
            case .admin:
                change = .topUp(accountID: id, amount: body.amount, reason: reason, actor: caller.name)
                action = "credit.top_up"
            case .reseller:
                guard account.resellerID == caller.id, let from = caller.id else {
                    throw HTTPError(.forbidden, message: "a reseller credits its own users, out of its own balance")
                }
                change = .transfer(from: from, to: id, amount: body.amount, reason: reason, actor: caller.name)
                action = "credit.transfer"
            case .user:
                throw HTTPError(.forbidden, message: "credit is given by the admin or the account's reseller")
            }
            let entries: [LedgerEntry]
            do {
                entries = try await store.changeCredit(change)
            } catch let error as CreditError {
                // A balance would go below zero: the request conflicts with the current state.
                throw HTTPError(.conflict, message: error.description)
            }
            await audit(caller, context, action: action, target: account.systemID, targetID: id,
                        detail: "\(body.amount > 0 ? "+" : "")\(body.amount)" + (reason.isEmpty ? "" : " (\(reason))"))
            return try Self.json(CreditView(systemId: account.systemID, balance: try await store.balance(accountID: id),
                                            entries: entries.map(LedgerView.init), next: nil))
        }
    }
}
