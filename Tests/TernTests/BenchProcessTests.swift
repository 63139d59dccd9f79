import Foundation
import Testing

/// `tern bench gateway` end to end, small: the figures it prints are only worth something if
/// every message it sends is acknowledged and comes back with a receipt, in each of its modes.
@Suite("tern bench gateway as a process", .serialized)
struct BenchProcessTests {
    static func bench(_ extra: [String]) async throws -> String {
        let arguments = ["bench", "gateway", "--count", "300", "--sessions", "2", "--window", "32",
                         "--upstream-sessions", "1", "--upstream-window", "64", "--receipt-timeout", "30"] + extra
        let result = try await runTern(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test("without plugins, with the shipped plugins (which bill), charged to a reseller's user, spread over many numbers, with upstream ids in no order")
    func everyModeDeliversEverything() async throws {
        let plugins = CheckConfigTests.root.appendingPathComponent("plugins").path
        for extra in [[], ["--plugins", "--plugin-directory", plugins], ["--charged"], ["--numbers", "1000", "--plugins", "--plugin-directory", plugins],
                      ["--commit-delay", "0"], ["--scattered-upstream-ids"]] {
            let output = try await Self.bench(extra)
            #expect(output.contains("acknowledged: 300 in"), "\(extra): \(output)")
            #expect(output.contains("receipts back at the clients: 300 in"), "\(extra): \(output)")
            #expect(!output.contains("refused:"), "\(extra): \(output)")
            #expect(output.contains("1000 destination numbers") == extra.contains("--numbers"), "\(extra): \(output)")
            #expect(output.contains(extra.contains("--commit-delay") ? "commit delay 0 ms" : "commit delay 2 ms"), "\(extra): \(output)")
            // Receipts carrying ids in no order still find their messages.
            #expect(output.contains(", scattered upstream ids") == extra.contains("--scattered-upstream-ids"), "\(extra): \(output)")
            #expect(output.contains("unmatched receipts at Tern: 0"), "\(extra): \(output)")
            // The CPU the messages cost: a positive figure for the whole process, and on Linux
            // the event loops by name.
            let cpu = try #require(output.split(separator: "\n").first { $0.hasPrefix("CPU per message: ") }, "\(extra): \(output)")
            let microseconds = Double(cpu.dropFirst("CPU per message: ".count).prefix { $0 != " " })
            #expect((microseconds ?? 0) > 0, "\(cpu)")
            #if os(Linux)
            #expect(cpu.contains("; by thread: ") && cpu.contains("NIO-ELT-"), "\(cpu)")
            #endif
            #expect(output.contains("group commits,"), "\(extra): \(output)")
        }
    }

    @Test("a commit delay outside 0…1000 ms is refused with the option's name")
    func commitDelayOutOfRange() async throws {
        let result = try await runTern(["bench", "gateway", "--count", "10", "--commit-delay", "5000"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--commit-delay must be between 0 and 1000 milliseconds"), "\(result.stderr)")
    }

    @Test("paced, every message still comes back, and no faster than the rate asked for")
    func pacedKeepsToTheRate() async throws {
        // 300 messages at 1,000 a second cannot be acknowledged in less than ~0.3 s; a pacer that
        // sent everything at once would report far more than 1,000 msg/s.
        let output = try await Self.bench(["--rate", "1000"])
        #expect(output.contains("rate 1000/s"), "\(output)")
        #expect(output.contains("receipts back at the clients: 300 in"), "\(output)")
        let acknowledged = try #require(output.split(separator: "\n").first { $0.hasPrefix("acknowledged: 300 in ") }, "\(output)")
        let rate = Double(acknowledged.split(separator: "=").last?.split(separator: " ").first ?? "")
        #expect((rate ?? .infinity) <= 1_100, "\(acknowledged)")
    }
}

/// `tern bench hooks`, small: every message goes through the shipped chain, and the machine's
/// own Lua speed is printed beside the figures.
@Suite("tern bench hooks as a process")
struct BenchHooksProcessTests {
    @Test("the shipped chain accepts every message, and the calibration hook is stopped by its budget")
    func hooksBench() async throws {
        let plugins = CheckConfigTests.root.appendingPathComponent("plugins").path
        let result = try await runTern(["bench", "hooks", "--count", "2000", "--plugins", plugins])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2000 messages through 3 plugins"), "\(result.stdout)")
        #expect(result.stdout.contains("; 2000 accepted"), "\(result.stdout)")
        #expect(result.stdout.contains("hook is stopped after"), "\(result.stdout)")
        #expect(result.stdout.contains("then its 1000000-instruction budget"), "\(result.stdout)")
    }
}
