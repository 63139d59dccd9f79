import Connectors
import Foundation
import Gateway
import NIOCore
import NIOPosix
import SMPP
import Store
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `tern serve` as a separate process, as an operator runs it.
final class ServerProcess {
    let process = Process()
    let output = Pipe()
    private let collected = LockedText()

    init(config: String) throws {
        guard let executable = TernProcess.candidates().first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile)
        }
        process.executableURL = executable
        process.arguments = ["serve", "--config", config, "--log-level", "warning"]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let collected = self.collected
        output.fileHandleForReading.readabilityHandler = { handle in
            collected.append(String(decoding: handle.availableData, as: UTF8.self))
        }
        try process.run()
    }

    var stdout: String { collected.text }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then SIGKILL if the server has not exited within `seconds`. True when it exited
    /// on its own.
    @discardableResult
    func terminate(seconds: Double = 30) -> Bool {
        guard process.isRunning else { return true }
        process.terminate()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        guard process.isRunning else { return true }
        kill()
        return false
    }

    /// Waits until something accepts connections on `port` (bounded).
    static func waitForPort(_ port: Int, seconds: Double = 60) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get() {
                try? await channel.close()
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "nothing listens on \(port) after \(seconds) s"])
    }

    /// A free loopback port (bound once, then released).
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}

/// `TernProcess.run` on a Dispatch thread: it blocks until the process ends, which must not
/// happen on the cooperative pool that the other tests share.
func runTern(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try TernProcess.run(arguments) })
        }
    }
}

final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    func append(_ text: String) { lock.lock(); value += text; lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return value }
}

@Suite("tern serve as a process", .serialized)
struct ServeProcessTests {
    static func writeConfig(directory: String, port: Int, upstreamPort: Int?) throws -> String {
        var text = """
        [server]
        smpp = "127.0.0.1:\(port)"
        smpp_tls = ""
        http = ""
        data_directory = "\(directory)"

        [store]
        path = "\(directory)/tern.sqlite"
        durability = "normal"

        """
        if let upstreamPort {
            text += """
            [[connector]]
            name = "upstream"
            type = "smpp"
            host = "127.0.0.1"
            port = \(upstreamPort)
            system_id = "tern"
            password = "up"
            sessions = 2
            window = 50
            reconnect_min_ms = 50
            reconnect_max_ms = 500

            [[route]]
            name = "default"
            connectors = ["upstream"]

            """
        } else {
            text += """
            [[connector]]
            name = "simulator"
            type = "simulator"
            min_delay_ms = 10
            max_delay_ms = 100

            [[route]]
            name = "default"
            connectors = ["simulator"]

            """
        }
        let path = directory + "/tern.toml"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tern-serve-\(UUID().uuidString)").path
    }

    @Test("first start prints the new account's credentials once; a client binds with them and gets a receipt")
    func firstStart() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try await ServerProcess.freePort()
        let config = try Self.writeConfig(directory: directory, port: port, upstreamPort: nil)
        let server = try ServerProcess(config: config)
        defer { server.terminate() }
        try await ServerProcess.waitForPort(port)
        let line = try #require(server.stdout.split(separator: "\n").first { $0.contains("system_id:") })
        let words = line.split(separator: " ").map(String.init)
        let systemID = try #require(words.firstIndex(of: "system_id:").map { words[$0 + 1] })
        let password = try #require(words.firstIndex(of: "password:").map { words[$0 + 1] })
        #expect(password.count == 8)

        let client = try await SMPPClient.connect(host: "127.0.0.1", port: port, group: MultiThreadedEventLoopGroup.singleton)
        #expect(try await client.bind(.transceiver, systemID: systemID, password: password).commandStatus == .ok)
        let response = try await client.request(.submitSM(SubmitSM(
            source: Address(ton: .alphanumeric, value: "Tern"), destination: Address(ton: .international, npi: .isdn, value: "447700900123"),
            registeredDelivery: .receipt, shortMessage: ByteBuffer(string: "first run"))))
        #expect(response.commandStatus == .ok)
        let receipts = await client.deliveries(count: 1, timeout: .seconds(20))
        #expect(receipts.count == 1)
        await client.unbind()

        // The credentials are printed once: a restart does not print them again.
        server.terminate()
        let again = try ServerProcess(config: config)
        defer { again.terminate() }
        try await ServerProcess.waitForPort(port)
        #expect(!again.stdout.contains("password:"))
    }

    @Test("tern admin accounts add, list, set and remove, and the running server sees the change")
    func adminAccounts() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try await ServerProcess.freePort()
        let config = try Self.writeConfig(directory: directory, port: port, upstreamPort: nil)
        let added = try await runTern(["admin", "accounts", "add", "shop1", "--password", "pw123456", "--throughput", "50", "--allow", "127.0.0.0/8", "--config", config])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("shop1"))
        let duplicate = try await runTern(["admin", "accounts", "add", "shop1", "--config", config])
        #expect(duplicate.status != 0)
        #expect(duplicate.stderr.contains("already exists"))
        let tooLong = try await runTern(["admin", "accounts", "add", "shop2", "--password", "muchtoolongpassword", "--config", config])
        #expect(tooLong.status != 0)
        let list = try await runTern(["admin", "accounts", "list", "--json", "--config", config])
        #expect(list.stdout.contains("\"system_id\":\"shop1\""))
        #expect(list.stdout.contains("\"throughput\":50"))
        #expect(!list.stdout.contains("pw123456"))

        let server = try ServerProcess(config: config)
        defer { server.terminate() }
        try await ServerProcess.waitForPort(port)
        let client = try await SMPPClient.connect(host: "127.0.0.1", port: port, group: MultiThreadedEventLoopGroup.singleton)
        #expect(try await client.bind(.transmitter, systemID: "shop1", password: "pw123456").commandStatus == .ok)
        await client.unbind()

        let disabled = try await runTern(["admin", "accounts", "set", "shop1", "--disable", "--config", config])
        #expect(disabled.status == 0, "\(disabled.stderr)")
        let refused = try await SMPPClient.connect(host: "127.0.0.1", port: port, group: MultiThreadedEventLoopGroup.singleton)
        #expect(try await refused.bind(.transmitter, systemID: "shop1", password: "pw123456").commandStatus == .bindFailed)
        await refused.close()

        let removed = try await runTern(["admin", "accounts", "remove", "shop1", "--config", config])
        #expect(removed.status == 0)
        let gone = try await runTern(["admin", "accounts", "remove", "shop1", "--config", config])
        #expect(gone.status != 0)
    }

    @Test("SIGKILL while a client submits: after a restart every acknowledged message reaches the upstream")
    func crashSafety() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let sink = SinkSMSC(configuration: .init(credentials: ["tern": "up"]), group: group)
        try await sink.start()
        defer { Task { await sink.stop() } }
        let port = try await ServerProcess.freePort()
        let config = try Self.writeConfig(directory: directory, port: port, upstreamPort: sink.port)
        #expect(try await runTern(["admin", "accounts", "add", "crash", "--password", "crash", "--config", config]).status == 0)

        let server = try ServerProcess(config: config)
        try await ServerProcess.waitForPort(port)
        let client = try await SMPPClient.connect(host: "127.0.0.1", port: port, group: group, windowSize: 50)
        #expect(try await client.bind(.transmitter, systemID: "crash", password: "crash").commandStatus == .ok)

        let acknowledged = LockedIDs()
        let submitter = Task {
            // Bounded: at most 200,000 submits or until the connection dies.
            for _ in 0..<4_000 {
                let futures = (0..<50).map { _ in
                    client.send(.submitSM(SubmitSM(source: Address(ton: .alphanumeric, value: "Crash"),
                                                   destination: Address(ton: .international, npi: .isdn, value: "447700900123"),
                                                   shortMessage: ByteBuffer(string: "crash test"))))
                }
                for future in futures {
                    guard let response = try? await future.get() else { return }
                    if response.commandStatus == .ok, case .submitSMResp(let resp) = response.body, let id = resp.messageID {
                        acknowledged.insert(id)
                    }
                }
            }
        }
        // Let traffic flow, then kill the server mid-stream.
        for _ in 0..<100 where acknowledged.count < 2_000 { try await Task.sleep(for: .milliseconds(20)) }
        server.kill()
        await submitter.value
        await client.close()
        let acked = acknowledged.all
        #expect(acked.count > 0)

        let restarted = try ServerProcess(config: config)
        defer { restarted.terminate() }
        try await ServerProcess.waitForPort(port)
        // Every acknowledged message must be recorded as taken by the upstream (an upstream id
        // from its submit_sm_resp), bounded wait.
        let store = try SQLiteMessageStore(path: directory + "/tern.sqlite", durability: .normal)
        var missing = acked
        for _ in 0..<300 where !missing.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            var stillMissing = Set<String>()
            for id in missing {
                guard let messageID = MessageID(id), let message = try await store.message(messageID), message.upstreamID != nil else {
                    stillMissing.insert(id)
                    continue
                }
            }
            missing = stillMissing
        }
        #expect(missing.isEmpty, "\(missing.count) acknowledged messages never reached the upstream")
        let sent = sink.counters.submitsReceived
        print("crash safety: \(acked.count) acknowledged before SIGKILL; upstream received \(sent) submits; duplicates (sent twice because the kill came between the upstream's answer and our commit of it): \(max(0, sent - acked.count)) at most")
        try await store.close()
        try? await group.shutdownGracefully()
    }
}

final class LockedIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var ids = Set<String>()
    func insert(_ id: String) { lock.lock(); ids.insert(id); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return ids.count }
    var all: Set<String> { lock.lock(); defer { lock.unlock() }; return ids }
}
