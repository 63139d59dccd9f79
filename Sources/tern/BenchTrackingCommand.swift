import ArgumentParser
import Foundation
import Gateway
import Store

/// `tern bench tracking`: how fast the admin API's searches answer on a large store. Fills a
/// scratch SQLite file with messages the way the gateway writes them (accepted and routed,
/// submitted, delivered; campaigns, charges), then times each search, and the store's lookup
/// of a receipt that the gateway's memory does not hold (after a restart, or a late one).
struct BenchTracking: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracking",
        abstract: "Message search, campaign and stats query times on a store of many messages.")

    @Option(help: "Messages to store first.")
    var messages = 1_000_000

    @Option(help: "Accounts sending them (a reseller's users).")
    var accounts = 50

    @Option(help: "Times each query runs; the median is printed.")
    var repeats = 50

    @Option(help: "The scratch directory (removed afterwards).")
    var directory = "var/bench-tracking"

    func run() async throws {
        try? FileManager.default.removeItem(atPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteMessageStore(path: directory + "/tern.sqlite", durability: .normal)
        try await store.migrate()
        var accountIDs: [Int64] = []
        for index in 0..<accounts {
            var account = Account(systemID: "user\(index)", passwordHash: PasswordHash(encoded: "x"))
            account.pricePlan = PricePlan(defaultPrice: 1)
            accountIDs.append(try require(try await store.insertAccount(account).id))
            _ = try await store.changeCredit(.topUp(accountID: accountIDs[index], amount: messages, reason: "bench", actor: "bench"))
        }
        let ids = MessageIDGenerator()
        let start = Date().addingTimeInterval(-86_400)
        let fillStarted = ContinuousClock.now
        var written = 0
        var sample: [(number: Int, message: Message)] = []
        while written < messages {
            let count = min(10_000, messages - written)
            var accepts: [StoreWrite] = []
            var later: [StoreWrite] = []
            for offset in 0..<count {
                let number = written + offset
                let at = start.addingTimeInterval(86_400 * Double(number) / Double(messages))
                var message = Message(
                    id: ids.next(now: at), accountID: accountIDs[number % accounts], systemID: "user\(number % accounts)",
                    source: WireAddress(ton: 5, value: "Sender\(number % 200)"),
                    destination: WireAddress(ton: 1, npi: 1, value: "4477\(String(format: "%08d", (number &* 7919) % 100_000_000))"),
                    shortMessage: Array("bench message \(number)".utf8), receivedAt: at, state: .routed, connector: "smsc", price: 1)
                message.campaign = number % 10 == 0 ? "campaign\(number % 1_000)" : nil
                accepts.append(.accept(message))
                later.append(.transition(MessageTransition(messageID: message.id, at: at, state: .submitted, connector: "smsc", upstreamID: "\(number)")))
                later.append(.transition(MessageTransition(messageID: message.id, at: at, state: .delivered, detail: "receipt")))
                if number % (messages / 20 + 1) == 0 { sample.append((number, message)) }
            }
            try await store.apply(accepts)
            try await store.apply(later)
            written += count
        }
        let fill = fillStarted.duration(to: .now)
        print("stored \(messages) messages of \(accounts) accounts in \(fill) (\(Int(Double(messages) / seconds(fill))) messages/s, accept + submitted + delivered, charged)")
        // The merger works beside the fill; what it has not reached yet, a search would read
        // from the log's tail, which is not what a store at rest looks like.
        let mergeStarted = ContinuousClock.now
        let left = await store.mergeIndexes()
        print("merged what the background merges had not reached in \(mergeStarted.duration(to: .now)): "
              + "\(left.destinations) destination numbers, \(left.upstreamKeys) upstream ids")

        let (probeNumber, probe) = sample[sample.count / 2]
        let scope = Array(accountIDs.prefix(accounts / 2))
        let cases: [(String, () async throws -> Int)] = [
            ("by message id", { try await store.searchMessages(MessageQuery(messageID: probe.id)).count }),
            ("by number", { try await store.searchMessages(MessageQuery(destination: probe.destination.value)).count }),
            ("by number, reseller scope", { try await store.searchMessages(MessageQuery(scope: scope, destination: probe.destination.value)).count }),
            ("by sender, page of 50", { try await store.searchMessages(MessageQuery(source: probe.source.value, limit: 50)).count }),
            ("by campaign, page of 50", { try await store.searchMessages(MessageQuery(campaign: "campaign500", limit: 50)).count }),
            ("account, last hour, page of 50", {
                try await store.searchMessages(MessageQuery(accountID: accountIDs[1], from: Date().addingTimeInterval(-3600), limit: 50)).count
            }),
            ("account, status, page of 50", { try await store.searchMessages(MessageQuery(accountID: accountIDs[2], state: .delivered, limit: 50)).count }),
            ("newest 50, reseller scope", { try await store.searchMessages(MessageQuery(scope: scope, limit: 50)).count }),
            ("one campaign's counts", { try await store.campaigns(scope: nil, name: "campaign500", limit: 10).count }),
            ("stats, all accounts, by hour", { try await store.usage(scope: nil, from: start, to: Date(), daily: false).count }),
            // As the gateway asks on a miss in its memory: every reading of the id the upstream sent.
            ("receipt's message by upstream id", {
                try await store.message(connector: "smsc", upstreamIDs: UpstreamMessageID.candidates("\(probeNumber)")) == nil ? 0 : 1
            }),
            ("receipt matching no message", {
                try await store.message(connector: "smsc", upstreamIDs: UpstreamMessageID.candidates("\(messages + 12_345)")) == nil ? 0 : 1
            }),
        ]
        print("query                              median      rows")
        for (name, query) in cases {
            var times: [Duration] = []
            var rows = 0
            for _ in 0..<repeats {
                let began = ContinuousClock.now
                rows = try await query()
                times.append(began.duration(to: .now))
            }
            times.sort()
            print(name.padding(toLength: 35, withPad: " ", startingAt: 0) + "\(format(times[times.count / 2]))".padding(toLength: 12, withPad: " ", startingAt: 0) + "\(rows)")
        }
        try await store.close()
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func format(_ duration: Duration) -> String {
        let microseconds = seconds(duration) * 1e6
        return microseconds < 1000 ? String(format: "%.0f µs", microseconds) : String(format: "%.1f ms", microseconds / 1000)
    }
}

private struct Missing: Error {}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw Missing() }
    return value
}
