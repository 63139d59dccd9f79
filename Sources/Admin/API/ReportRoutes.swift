import Foundation
import Gateway
import Hummingbird

/// `/api/v1/campaigns`, `/api/v1/stats` and `/api/v1/audit`: what was sent, what it cost, who
/// changed what.
extension AdminAPI {
    struct StatsView: Codable {
        var since: Date
        var until: Date
        var by: String
        var accounts: [AccountUsage]
        var resellers: [ResellerUsage]
        /// A list, not an object keyed by system_id: the encoder's snake_case would rewrite keys.
        var sessionsNow: [BoundNow]
    }

    struct BoundNow: Codable {
        var systemId: String
        var sessions: Int
    }

    struct AccountUsage: Codable {
        var systemId: String
        var role: String
        var reseller: String?
        var periods: [PeriodView]
    }

    /// A reseller's own costs next to the totals of its users.
    struct ResellerUsage: Codable {
        var systemId: String
        var periods: [PeriodView]
    }

    struct PeriodView: Codable {
        var start: Date
        var messages: Int
        var parts: Int
        var spent: Int
        var refusedForCredit: Int
        /// Final states reached in the period by name (all lower case, so snake_case leaves them be).
        var finalStates: [String: Int]
        var sessionsPeak: Int

        init(_ row: UsageRow) {
            start = row.periodStart
            messages = row.messages
            parts = row.parts
            spent = row.spent
            refusedForCredit = row.refusedForCredit
            finalStates = row.finalStates
            sessionsPeak = row.sessionsPeak
        }

        /// Adds a user's traffic to its reseller's. Peaks do not add up (two users' peaks need not
        /// fall in the same minute), so the reseller keeps its own.
        mutating func add(_ row: UsageRow) {
            messages += row.messages
            parts += row.parts
            refusedForCredit += row.refusedForCredit
            for (state, count) in row.finalStates { finalStates[state, default: 0] += count }
        }
    }

    func registerReports(on api: RouterGroup<APIContext>) {
        api.get("campaigns") { request, context -> Response in
            let caller = try context.requireCaller()
            var scope = caller.scopeList
            if let systemID = request.uri.queryParameters.get("account") {
                scope = [try await visibleAccount(systemID, caller: caller).id ?? 0]
            }
            let limit = try Self.integer(request, "limit", default: 100, range: 1...1000)
            let campaigns = try await store.campaigns(scope: scope, name: request.uri.queryParameters.get("name"), limit: limit)
            return try Self.json(["campaigns": campaigns])
        }

        api.get("campaigns/:name") { _, context -> Response in
            let caller = try context.requireCaller()
            let name = try context.parameters.require("name")
            let campaigns = try await store.campaigns(scope: caller.scopeList, name: name, limit: 1000)
            guard !campaigns.isEmpty else { throw HTTPError(.notFound, message: "no campaign '\(name)'") }
            return try Self.json(["campaigns": campaigns])
        }

        api.get("stats") { request, context -> Response in
            let caller = try context.requireCaller()
            let now = Date()
            let until = try Self.time(request, "until") ?? now
            let since = try Self.time(request, "since") ?? until.addingTimeInterval(-86_400)
            guard since <= until else { throw HTTPError(.badRequest, message: "since must not be after until") }
            let by = request.uri.queryParameters.get("by") ?? "hour"
            guard by == "hour" || by == "day" else { throw HTTPError(.badRequest, message: "by must be hour or day") }
            guard by == "day" || until.timeIntervalSince(since) <= 31 * 86_400 else {
                throw HTTPError(.badRequest, message: "hourly figures cover at most 31 days; ask by=day for longer")
            }
            var scope = caller.scopeList
            if let systemID = request.uri.queryParameters.get("account") {
                scope = [try await visibleAccount(systemID, caller: caller).id ?? 0]
            }
            let rows = try await store.usage(scope: scope, from: since, to: until, daily: by == "day")
            let accounts = try await store.accounts().filter { $0.id.map { scope?.contains($0) ?? true } ?? false }
            var byID: [Int64: Account] = [:]
            for account in accounts { if let id = account.id { byID[id] = account } }
            var usage: [Int64: [PeriodView]] = [:]
            for row in rows { usage[row.accountID, default: []].append(PeriodView(row)) }
            let accountViews = usage.keys.sorted().compactMap { id -> AccountUsage? in
                guard let account = byID[id] else { return nil }
                return AccountUsage(systemId: account.systemID, role: account.role.rawValue,
                                    reseller: account.resellerID.flatMap { byID[$0]?.systemID }, periods: usage[id] ?? [])
            }
            // Per reseller: its users' traffic, and what the reseller itself was charged.
            var resellers: [Int64: [Date: PeriodView]] = [:]
            for row in rows {
                guard let account = byID[row.accountID] else { continue }
                if account.role == .reseller, let id = account.id {
                    var own = resellers[id, default: [:]][row.periodStart, default: PeriodView(UsageRow(accountID: id, periodStart: row.periodStart))]
                    own.spent += row.spent
                    own.sessionsPeak = max(own.sessionsPeak, row.sessionsPeak)
                    resellers[id, default: [:]][row.periodStart] = own
                } else if let reseller = account.resellerID {
                    resellers[reseller, default: [:]][row.periodStart, default: PeriodView(UsageRow(accountID: reseller, periodStart: row.periodStart))].add(row)
                }
            }
            let resellerViews = resellers.keys.sorted().compactMap { id -> ResellerUsage? in
                guard let account = byID[id] else { return nil }
                return ResellerUsage(systemId: account.systemID, periods: (resellers[id] ?? [:]).values.sorted { $0.start < $1.start })
            }
            var sessionsNow: [String: Int] = [:]
            for session in gateway.registry.allSessions() where caller.canSee(session.accountID) {
                sessionsNow[session.systemID, default: 0] += 1
            }
            return try Self.json(StatsView(since: since, until: until, by: by, accounts: accountViews, resellers: resellerViews,
                                           sessionsNow: sessionsNow.sorted { $0.key < $1.key }.map { BoundNow(systemId: $0.key, sessions: $0.value) }))
        }

        api.get("audit") { request, context -> Response in
            let caller = try context.requireCaller()
            let limit = try Self.integer(request, "limit", default: 100, range: 1...1000)
            let before = request.uri.queryParameters.get("before").flatMap { Int64($0) }
            let entries = try await store.audit(scope: caller.scopeList, before: before, limit: limit)
            return try Self.json(["entries": entries])
        }
    }
}
