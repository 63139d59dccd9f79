import Foundation
import Gateway
import GRDB
@testable import Store
import Testing

@Suite("SQLite store: credit in the write transaction, tracking queries")
struct CreditAndTrackingStoreTests {
    private func account(_ store: SQLiteMessageStore, _ systemID: String, balance: Int, reseller: Int64? = nil) async throws -> Int64 {
        let id = try #require(try await store.insertAccount(Account(systemID: systemID, passwordHash: PasswordHash(encoded: "x"), resellerID: reseller)).id)
        if balance > 0 { _ = try await store.changeCredit(.topUp(accountID: id, amount: balance, reason: "", actor: "test")) }
        return id
    }

    private func priced(_ id: Int64, account: Int64, price: Int, reseller: Int64? = nil, resellerPrice: Int? = nil,
                        part: Concatenation? = nil) -> Message {
        var message = makeMessage(id, accountID: account, state: .routed, connector: "smsc")
        message.price = price
        message.resellerID = reseller
        message.resellerPrice = resellerPrice
        message.concatenation = part
        return message
    }

    @Test("a charge is taken with the accept; a short balance keeps the message as rejected with the reason, uncharged")
    func chargeOrRefuse() async throws {
        try await withStore { store in
            let reseller = try await account(store, "res", balance: 3)
            let user = try await account(store, "user", balance: 10, reseller: reseller)
            let outcome = try await store.apply([
                .accept(priced(1 << 22, account: user, price: 4, reseller: reseller, resellerPrice: 1)),
                .accept(priced(2 << 22, account: user, price: 4, reseller: reseller, resellerPrice: 1)),
                .accept(priced(3 << 22, account: user, price: 4, reseller: reseller, resellerPrice: 1)),   // user has 2 left
            ])
            #expect(outcome.refusedForCredit.keys.sorted() == [MessageID(rawValue: 3 << 22)])
            #expect(try await store.balance(accountID: user) == 2)
            #expect(try await store.balance(accountID: reseller) == 1)
            let refused = try #require(try await store.message(MessageID(rawValue: 3 << 22)))
            #expect(refused.state == .rejected && !refused.charged && refused.errorCode == 0x45)
            #expect(try await store.events(of: refused.id).last?.detail?.contains("insufficient credit") == true)
            // The reseller's balance refuses too: it has 1, the next message costs it 2.
            let second = try await store.apply([.accept(priced(4 << 22, account: user, price: 1, reseller: reseller, resellerPrice: 2))])
            #expect(second.refusedForCredit[MessageID(rawValue: 4 << 22)]?.contains("reseller") == true)
            for id in [user, reseller] { #expect(try await store.balance(accountID: id) == (try await store.ledgerSum(accountID: id))) }
        }
    }

    @Test("a batch's charges are one ledger row per payer: the sum, the balance after it, and the message when there is one",
          arguments: [1, 15, 16, 37])
    func chargeRowsOfABatch(messages: Int) async throws {
        try await withStore { store in
            let reseller = try await account(store, "res", balance: 10_000)
            let user = try await account(store, "user", balance: 10_000, reseller: reseller)
            let ids = (1...messages).map { Int64($0) << 22 }
            // Prices vary by message, so a sum that misses one shows.
            let writes = ids.enumerated().map { index, id in
                StoreWrite.accept(priced(id, account: user, price: index + 1, reseller: reseller, resellerPrice: 2 * index + 1))
            }
            #expect(try await store.apply(writes).refusedForCredit.isEmpty)
            // The reseller's row names the user (the message's system_id).
            let systemID = priced(ids[0], account: user, price: 1).systemID
            for (account, price, reason) in [(user, { (index: Int) in index + 1 }, ""), (reseller, { (index: Int) in 2 * index + 1 }, "user \(systemID)")] {
                let entries = try await store.ledger(accountID: account, before: nil, limit: 1_000)
                #expect(entries.map(\.kind) == [.charge, .topUp])
                guard let charge = entries.first, entries.count == 2 else { continue }
                let total = (0..<messages).map(price).reduce(0, +)
                #expect(charge.amount == -total)
                #expect(charge.balanceAfter == 10_000 - total)
                #expect(charge.messageID == (messages == 1 ? MessageID(rawValue: ids[0]) : nil))
                #expect(charge.reason == (messages == 1 ? reason : [reason, "\(messages) messages"].filter { !$0.isEmpty }.joined(separator: ", ")))
                #expect(try await store.balance(accountID: account) == 10_000 - total)
                #expect(try await store.ledgerSum(accountID: account) == 10_000 - total)
            }
            // Each message keeps its own price.
            let last = try #require(try await store.message(MessageID(rawValue: ids[messages - 1])))
            #expect(last.price == messages)
        }
    }

    @Test("charges and refunds in one batch: each account's ledger runs from balance to balance in id order")
    func ledgerRunsInOrder() async throws {
        try await withStore { store in
            let first = try await account(store, "first", balance: 100)
            let second = try await account(store, "second", balance: 100)
            try await store.apply([.accept(priced(1 << 22, account: first, price: 7))])
            // One batch: charges to two accounts interleaved, and a refund of the earlier message
            // between charges to the same account.
            _ = try await store.apply([
                .accept(priced(2 << 22, account: first, price: 3)),
                .accept(priced(3 << 22, account: second, price: 5)),
                .transition(MessageTransition(messageID: MessageID(rawValue: 1 << 22), state: .rejected, errorCode: 0x45, detail: "smsc: refused")),
                .accept(priced(4 << 22, account: first, price: 11)),
                .accept(priced(5 << 22, account: second, price: 13)),
            ], refundOn: [.rejected])
            for (account, opening, balance) in [(first, 100, 100 - 7 + 7 - 3 - 11), (second, 100, 100 - 5 - 13)] {
                let entries = try await store.ledger(accountID: account, before: nil, limit: 100).reversed().map { $0 }
                var running = opening
                for entry in entries.dropFirst() {   // after the top-up
                    running += entry.amount
                    #expect(entry.balanceAfter == running, "ledger row \(entry.id) of account \(account)")
                }
                #expect(running == balance)
                #expect(try await store.balance(accountID: account) == balance)
            }
            let kinds = try await store.ledger(accountID: first, before: nil, limit: 100).map(\.kind)
            #expect(kinds == [.refund, .charge, .charge, .topUp])
        }
    }

    @Test("the parts of a long message are charged together: all or none")
    func partsAllOrNone() async throws {
        try await withStore { store in
            let user = try await account(store, "user", balance: 5)
            let parts = (1...3).map { priced(Int64($0) << 22, account: user, price: 2, part: Concatenation(reference: 9, total: 3, sequence: $0)) }
            let outcome = try await store.apply(parts.map(StoreWrite.accept))
            #expect(outcome.refusedForCredit.count == 3)   // 6 needed, 5 there: no part goes
            #expect(try await store.balance(accountID: user) == 5)
            let cheaper = (1...2).map { priced(Int64($0 + 10) << 22, account: user, price: 2, part: Concatenation(reference: 10, total: 2, sequence: $0)) }
            #expect(try await store.apply(cheaper.map(StoreWrite.accept)).refusedForCredit.isEmpty)
            #expect(try await store.balance(accountID: user) == 1)

            // Two long messages with the same reference to two numbers are two groups.
            _ = try await store.changeCredit(.topUp(accountID: user, amount: 3, reason: "", actor: "test"))
            func part(_ id: Int64, to number: String, _ sequence: Int) -> StoreWrite {
                var message = priced(id << 22, account: user, price: 2, part: Concatenation(reference: 7, total: 2, sequence: sequence))
                message.destination.value = number
                return .accept(message)
            }
            let twoMessages = try await store.apply([part(20, to: "447700900001", 1), part(21, to: "447700900001", 2),
                                                     part(22, to: "447700900002", 1), part(23, to: "447700900002", 2)])
            #expect(twoMessages.refusedForCredit.keys.map(\.rawValue).sorted() == [22 << 22, 23 << 22])
            #expect(try await store.balance(accountID: user) == 0)
        }
    }

    @Test("a final state in refund_on gives both prices back once; others keep the charge")
    func refunds() async throws {
        try await withStore { store in
            let reseller = try await account(store, "res", balance: 10)
            let user = try await account(store, "user", balance: 10, reseller: reseller)
            try await store.apply([.accept(priced(1 << 22, account: user, price: 3, reseller: reseller, resellerPrice: 2)),
                                   .accept(priced(2 << 22, account: user, price: 3, reseller: reseller, resellerPrice: 2))])
            let refundOn: Set<MessageLifecycle> = [.rejected]
            _ = try await store.apply([.transition(MessageTransition(messageID: MessageID(rawValue: 1 << 22), state: .rejected, errorCode: 0x45, detail: "smsc: refused")),
                                       .transition(MessageTransition(messageID: MessageID(rawValue: 2 << 22), state: .undeliverable, detail: "receipt"))],
                                      refundOn: refundOn)
            // A second final state for the same message does not refund twice.
            _ = try await store.apply([.transition(MessageTransition(messageID: MessageID(rawValue: 1 << 22), state: .rejected, detail: "again"))],
                                      refundOn: refundOn)
            #expect(try await store.balance(accountID: user) == 7)
            #expect(try await store.balance(accountID: reseller) == 8)
            // One charge row for the batch that accepted both; the refund names its message.
            let entries = try await store.ledger(accountID: user, before: nil, limit: 10)
            #expect(entries.map(\.kind) == [.refund, .charge, .topUp])
            #expect(entries.first?.messageID == MessageID(rawValue: 1 << 22))
            let usage = try await store.usage(scope: [user], from: time(-7200), to: Date(), daily: true)
            #expect(usage.reduce(0) { $0 + $1.spent } == 3)
            #expect(usage.reduce(0) { $0 + ($1.finalStates["undeliverable"] ?? 0) } == 1)
            // The second end is in the timeline; the usage counted the message's end once.
            #expect(usage.reduce(0) { $0 + ($1.finalStates["rejected"] ?? 0) } == 1)
            #expect(try await store.events(of: MessageID(rawValue: 1 << 22)).filter { $0.state == .rejected }.count == 2)
        }
    }

    @Test("a second receipt for a delivered message is in its timeline and counted once")
    func secondReceiptCountedOnce() async throws {
        try await withStore { store in
            let id = MessageID(rawValue: 5 << 22)
            try await store.apply([.accept(makeMessage(id.rawValue, accountID: 3, state: .routed, connector: "smsc"))])
            try await store.apply([.transition(MessageTransition(messageID: id, state: .submitted, connector: "smsc", upstreamID: "AB12"))])
            try await store.apply([.transition(MessageTransition(messageID: id, state: .delivered, detail: "receipt"))])
            try await store.apply([.transition(MessageTransition(messageID: id, state: .undeliverable, detail: "receipt"))])
            let usage = try await store.usage(scope: [3], from: time(-7_200), to: Date(), daily: true)
            let ends = usage.map { $0.finalStates.values.reduce(0, +) }.reduce(0, +)
            #expect(ends == 1)
            #expect(try await store.events(of: id).map(\.state).suffix(2) == [.delivered, .undeliverable])
        }
    }

    /// What a batch of priced messages should leave, counted message by message.
    private struct Expected {
        var balances: [Int64: Int]
        var spent: [Int64: [Int64: Int]] = [:]     // account → hour → spent
        var messages: [Int64: [Int64: Int]] = [:]  // account → hour → accepted
        var refused = 0
        var writes: [StoreWrite] = []
    }

    /// Every third message an hour later; users without a reseller pay no reseller price.
    private func interleaved(_ order: [Int64], reseller: Int64, withoutReseller: Int64, balances: [Int64: Int]) -> Expected {
        var expected = Expected(balances: balances)
        for (index, user) in order.enumerated() {
            let price = 2 + index % 3
            let ofReseller: Int64? = user == withoutReseller ? nil : reseller
            var message = priced(Int64(index + 1) << 22, account: user, price: price, reseller: ofReseller,
                                 resellerPrice: ofReseller == nil ? nil : 1)
            message.receivedAt = time(index % 3 == 0 ? 3_600 : 0)
            expected.writes.append(.accept(message))
            let hour = UsageTally.hour(message.receivedAt.timeIntervalSince1970)
            expected.messages[user, default: [:]][hour, default: 0] += 1
            guard expected.balances[user, default: 0] >= price else {
                expected.refused += 1
                continue
            }
            expected.balances[user, default: 0] -= price
            expected.spent[user, default: [:]][hour, default: 0] += price
            if let ofReseller {
                expected.balances[ofReseller, default: 0] -= 1
                expected.spent[ofReseller, default: [:]][hour, default: 0] += 1
            }
        }
        return expected
    }

    /// The batch keeps the latest account's balance and usage counts apart from its tables;
    /// interleaving accounts and hours switches them back and forth, which must lose nothing.
    @Test("one batch interleaving accounts and hours: balances, ledgers and usage match a count made message by message")
    func interleavedAccounts() async throws {
        try await withStore { store in
            let reseller = try await account(store, "res", balance: 1_000)
            let a = try await account(store, "a", balance: 40, reseller: reseller)
            let b = try await account(store, "b", balance: 40, reseller: reseller)
            let c = try await account(store, "c", balance: 15)
            let order = [a, a, b, c, a, b, b, c, c, a, b, a, c, b, a, a, c, b, c, a]
            let expected = interleaved(order, reseller: reseller, withoutReseller: c, balances: [reseller: 1_000, a: 40, b: 40, c: 15])
            let outcome = try await store.apply(expected.writes)
            #expect(expected.refused > 0)
            #expect(outcome.refusedForCredit.count == expected.refused)
            // Final states for every message, interleaved too. The refused ones ended as rejected
            // already: this second end goes into their timelines but is not counted again.
            let finals = (0..<order.count).map { index in
                StoreWrite.transition(MessageTransition(messageID: MessageID(rawValue: Int64(index + 1) << 22),
                                                        state: index % 2 == 0 ? .delivered : .undeliverable, detail: "receipt"))
            }
            try await store.apply(finals)
            let refusedID = try #require(outcome.refusedForCredit.keys.first)
            #expect(try await store.events(of: refusedID).map(\.state).suffix(2) == [.rejected, refusedID.rawValue >> 22 % 2 == 1 ? .delivered : .undeliverable])

            for (account, balance) in expected.balances {
                let stored = try await store.balance(accountID: account)
                let ledger = try await store.ledgerSum(accountID: account)
                #expect(stored == balance, "balance of \(account)")
                #expect(ledger == balance, "ledger of \(account)")
            }
            // Final states count in the hour they are reached: now.
            let usage = try await store.usage(scope: [reseller, a, b, c], from: time(-7_200), to: Date(), daily: false)
            for account in [reseller, a, b, c] {
                let rows = usage.filter { $0.accountID == account }
                let spentByHour = expected.spent[account] ?? [:]
                let messagesByHour = expected.messages[account] ?? [:]
                #expect(Dictionary(uniqueKeysWithValues: rows.filter { $0.spent > 0 }.map { (UsageTally.hour($0.periodStart.timeIntervalSince1970), $0.spent) }) == spentByHour)
                #expect(Dictionary(uniqueKeysWithValues: rows.filter { $0.messages > 0 }.map { (UsageTally.hour($0.periodStart.timeIntervalSince1970), $0.messages) }) == messagesByHour)
                let ended = rows.map { $0.finalStates.values.reduce(0, +) }.reduce(0, +)
                let sent = order.filter { $0 == account }.count
                #expect(ended == sent, "final states of \(account)")
            }
        }
    }

    @Test("transfers are all or nothing and never leave a balance below zero")
    func transfers() async throws {
        try await withStore { store in
            let reseller = try await account(store, "res", balance: 100)
            let user = try await account(store, "user", balance: 0, reseller: reseller)
            let entries = try await store.changeCredit(.transfer(from: reseller, to: user, amount: 60, reason: "prepaid", actor: "res"))
            #expect(entries.map(\.balanceAfter) == [40, 60])
            await #expect(throws: CreditError.self) {
                try await store.changeCredit(.transfer(from: reseller, to: user, amount: 41, reason: "", actor: "res"))
            }
            await #expect(throws: CreditError.self) {
                try await store.changeCredit(.transfer(from: reseller, to: user, amount: -61, reason: "", actor: "res"))
            }
            #expect(try await store.balance(accountID: reseller) == 40)
            #expect(try await store.balance(accountID: user) == 60)
            #expect(try await store.ledger(accountID: user, before: nil, limit: 10).count == 1)
        }
    }

    @Test("every search runs on an index, never a scan of the messages", arguments: [
        ("destination", MessageQuery(destination: "447700900123")),
        ("sender", MessageQuery(source: "Tern")),
        ("campaign", MessageQuery(campaign: "winter")),
        ("account", MessageQuery(accountID: 3, limit: 50)),
        ("account and time", MessageQuery(accountID: 3, from: Date(), limit: 50)),
        ("scope and number", MessageQuery(scope: [1, 2, 3], destination: "447700900123")),
        ("number and time", MessageQuery(destination: "447700900123", from: Date(), before: MessageID(rawValue: 1 << 62))),
        ("message id", MessageQuery(messageID: MessageID(rawValue: 42))),
    ])
    func searchesUseIndexes(_ name: String, _ query: MessageQuery) async throws {
        try await withStore { store in
            let plan: String
            switch SQLiteMessageStore.route(query) {
            case .oneStatement:
                let (sql, arguments) = SQLiteMessageStore.searchSQL(query)
                plan = try await store.queryPlan(sql, arguments: arguments).joined(separator: " | ")
            case .inScope:
                Issue.record("\(name): a scope search has its own test (scopeSearches)")
                return
            case .byNumber:
                // By number: each generation of the index by its key, newest first.
                let (generationSQL, generationArguments) = SQLiteMessageStore.destinationSearchSQL(
                    query, in: .generation("number_index." + LoggedIndex.Layout.destinations.generationTable(1)))
                plan = try await store.queryPlan(generationSQL, arguments: generationArguments).joined(separator: " | ")
                #expect(plan.contains("SEARCH n USING PRIMARY KEY (number_hash=?"), "\(name): \(plan)")
                // And the log's tail past what was merged, by position; what it finds there is
                // sorted (a second's worth of messages at most).
                let (tailSQL, tailArguments) = SQLiteMessageStore.destinationSearchSQL(query, in: .logTail)
                let tailPlan = try await store.queryPlan(tailSQL, arguments: tailArguments).joined(separator: " | ")
                #expect(tailPlan.contains("SEARCH n USING INTEGER PRIMARY KEY (rowid>?)"), "\(name): \(tailPlan)")
                #expect(tailPlan.contains("SEARCH m USING INTEGER PRIMARY KEY"), "\(name): \(tailPlan)")
                // The one row that says how far the merges got is the only table read whole.
                #expect(!tailPlan.replacingOccurrences(of: "SCAN number_index.merged", with: "").contains("SCAN"),
                        "\(name) reads the whole log: \(tailPlan)")
            }
            // The view joins each message row to its state row by key.
            #expect(plan.contains("SEARCH m USING"), "\(name): \(plan)")
            #expect(plan.contains("SEARCH s USING INTEGER PRIMARY KEY"), "\(name): \(plan)")
            #expect(!plan.contains("SCAN"), "\(name) reads the whole table: \(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "\(name) sorts in memory: \(plan)")
        }
    }

    @Test("a scope's newest messages: each account's newest by its index, merged; never all of them sorted")
    func scopeSearches() async throws {
        try await withStore { store in
            // Accounts 1, 2 and 3 take turns (id 3, 6, … is 1's; 1, 4, … is 2's); 2's messages are
            // delivered, the rest only routed.
            try await store.apply((1...60).map {
                .accept(makeMessage(Int64($0), accountID: Int64($0 % 3 + 1), state: .routed, connector: "smsc"))
            })
            try await store.apply((1...60).filter { $0 % 3 == 1 }.map {
                .transition(MessageTransition(messageID: MessageID(rawValue: Int64($0)), state: .delivered, detail: "receipt"))
            })
            func ids(_ query: MessageQuery) async throws -> [Int64] { try await store.searchMessages(query).map(\.id.rawValue) }
            #expect(try await ids(MessageQuery(scope: [1, 2], limit: 5)) == [60, 58, 57, 55, 54])
            #expect(try await ids(MessageQuery(scope: [1, 2], before: MessageID(rawValue: 54), limit: 4)) == [52, 51, 49, 48])
            #expect(try await ids(MessageQuery(scope: [2, 3, 2], state: .delivered, limit: 3)) == [58, 55, 52])
            #expect(try await ids(MessageQuery(scope: [3], state: .delivered)).isEmpty)
            #expect(try await ids(MessageQuery(scope: [], limit: 5)).isEmpty)
            #expect(try await ids(MessageQuery(scope: [1, 2, 3], limit: 0)).isEmpty)
            #expect(try await store.searchMessages(MessageQuery(scope: [1, 2, 3], limit: 100)).count == 60)

            // Those searches went this way, and only scopes with nothing narrower do.
            #expect(SQLiteMessageStore.route(MessageQuery(scope: [1, 2], state: .delivered, before: MessageID(rawValue: 9))) == .inScope([1, 2]))
            #expect(SQLiteMessageStore.route(MessageQuery(scope: [1, 2], source: "Tern")) == .oneStatement)
            #expect(SQLiteMessageStore.route(MessageQuery(scope: [1, 2], accountID: 1)) == .oneStatement)
            #expect(SQLiteMessageStore.route(MessageQuery(scope: [1, 2], destination: "447700900900")) == .byNumber)
            #expect(SQLiteMessageStore.route(MessageQuery(limit: 5)) == .oneStatement)
            for above in [nil, Int64(40)] {
                let (sql, arguments) = SQLiteMessageStore.scopeSearchSQL(MessageQuery(accountID: 2, state: .delivered, limit: 50), above: above)
                let plan = try await store.queryPlan(sql, arguments: arguments).joined(separator: " | ")
                #expect(plan.contains("SEARCH m USING INDEX messages_by_account (account_id=?"), "\(plan)")
                #expect(!plan.contains("SCAN") && !plan.contains("TEMP B-TREE"), "\(plan)")
            }
        }
    }

    @Test("searches narrow by every field and page newest first")
    func searches() async throws {
        try await withStore { store in
            var writes: [StoreWrite] = []
            for index in 1...30 {
                var message = makeMessage(Int64(index) << 22, accountID: Int64(index % 3 + 1), state: .routed, connector: "smsc",
                                          destination: "44770090\(index % 5)")
                message.campaign = index % 2 == 0 ? "even" : nil
                writes.append(.accept(message))
            }
            try await store.apply(writes)
            #expect(try await store.searchMessages(MessageQuery(destination: "447700901")).count == 6)
            #expect(try await store.searchMessages(MessageQuery(campaign: "even")).count == 15)
            #expect(try await store.searchMessages(MessageQuery(scope: [1], campaign: "even")).count == 5)
            #expect(try await store.searchMessages(MessageQuery(scope: [])).isEmpty)
            let first = try await store.searchMessages(MessageQuery(limit: 10))
            #expect(first.map(\.id) == first.map(\.id).sorted(by: >))
            let next = try await store.searchMessages(MessageQuery(before: first.last?.id, limit: 10))
            #expect(next.count == 10 && next.allSatisfy { $0.id < (first.last?.id ?? MessageID(rawValue: 0)) })
            let campaigns = try await store.campaigns(scope: nil, name: nil, limit: 10)
            #expect(campaigns.reduce(0) { $0 + $1.accepted } == 15)
        }
    }
}
