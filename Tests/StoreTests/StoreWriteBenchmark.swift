import Foundation
import Gateway
@testable import Store
import Testing

/// Prints the CPU cost of the write path; asserts nothing about time. Run it on a release build:
/// `TERN_STORE_BENCH=1 swift test -c release --filter StoreWriteBenchmark`.
///
/// Serialized: the figure is the whole process's CPU, so two durabilities measured at once would
/// each count the other's work (they did, and printed twice the cost).
@Suite("Store write benchmark", .serialized, .enabled(if: ProcessInfo.processInfo.environment["TERN_STORE_BENCH"] != nil))
struct StoreWriteBenchmark {
    @Test("normal lifecycle: accept (routed), submitted, delivered in batches of 1,000", arguments: [
        StoreSettings.Durability.full, .normal,
    ])
    func lifecycle(_ durability: StoreSettings.Durability) async throws {
        let batchSize = 1_000
        let batches = Int(ProcessInfo.processInfo.environment["TERN_STORE_BENCH_BATCHES"] ?? "") ?? 50
        try await withStore(durability: durability) { store in
            var nextID: Int64 = 1
            /// Returns the CPU seconds spent in `apply`, not in building the writes.
            func round() async throws -> Double {
                var accepts: [StoreWrite] = []
                var submits: [StoreWrite] = []
                var delivers: [StoreWrite] = []
                accepts.reserveCapacity(batchSize)
                for _ in 0..<batchSize {
                    let id = MessageID(rawValue: nextID << 22)
                    nextID += 1
                    var message = makeMessage(id.rawValue, destination: "4477009\(nextID % 100_000)")
                    message.state = .routed
                    message.connector = "smsc-a"
                    accepts.append(.accept(message))
                    submits.append(.transition(MessageTransition(
                        messageID: id, at: Date(), state: .submitted, connector: "smsc-a", upstreamID: String(nextID * 7919, radix: 16))))
                    delivers.append(.transition(MessageTransition(messageID: id, at: Date(), state: .delivered, errorCode: 0, detail: "receipt")))
                }
                let start = cpuSeconds()
                try await store.apply(accepts)
                try await store.apply(submits)
                try await store.apply(delivers)
                return cpuSeconds() - start
            }
            // A warm-up round, so statement preparation and the first file growth are not counted.
            _ = try await round()
            let wallBefore = Date()
            var cpu = 0.0
            for _ in 0..<batches { cpu += try await round() }
            let wall = Date().timeIntervalSince(wallBefore)
            let messages = Double(batches * batchSize)
            print(String(format: "store bench durability=%@: %.2f µs CPU/message, %.2f µs wall/message including building the writes (%d messages, 3 writes each)",
                         "\(durability)", cpu / messages * 1e6, wall / messages * 1e6, batches * batchSize))
        }
    }

    /// CPU of the whole process (the writes run on GRDB's queue, not this task).
    private func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
