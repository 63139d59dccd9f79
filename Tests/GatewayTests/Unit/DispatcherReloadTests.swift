import Foundation
import Gateway
import Logging
import NIOConcurrencyHelpers
import Store
import Testing

/// The dispatcher's side of a reload: a replaced connector's queue moves to its replacement,
/// what the old one has in flight finishes there, and it counts as drained only then.
@Suite("Dispatcher across reloads")
struct DispatcherReloadTests {
    /// A connector with room for one submit at a time, whose submits wait for `open()` when
    /// `gated`, and which records what it was given.
    final class GatedConnector: Connector, @unchecked Sendable {
        let name: String
        private let gated: Bool
        private let lock = NIOLock()
        private var waiting: [CheckedContinuation<Void, Never>] = []
        private var isOpen = false
        private var taken: [MessageID] = []

        init(name: String, gated: Bool) {
            self.name = name
            self.gated = gated
        }

        var capacity: Int { 1 }
        var health: ConnectorHealth { ConnectorHealth(link: .up, sessionsUp: 1) }
        var submitted: [MessageID] { lock.withLock { taken } }
        func start(delegate: any ConnectorDelegate) async throws {}
        func stop() async {}

        func submit(_ message: Message) async -> SubmitOutcome {
            if gated {
                await withCheckedContinuation { continuation in
                    let resume = lock.withLock { () -> Bool in
                        if isOpen { return true }
                        waiting.append(continuation)
                        return false
                    }
                    if resume { continuation.resume() }
                }
            }
            lock.withLock { taken.append(message.id) }
            return .accepted(upstreamID: "\(name)-\(message.id)")
        }

        func open() {
            let continuations = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
                isOpen = true
                defer { waiting = [] }
                return waiting
            }
            for continuation in continuations { continuation.resume() }
        }
    }

    struct Observer: Dispatcher.Observer {
        func dispatcher(submitted message: Message, connector: String, upstreamID: String) {}
        func dispatcher(finished message: Message, state: MessageLifecycle, errorCode: Int) {}
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func replacedConnectorHandsItsQueueOverAndDrains() async throws {
        try await GroupCommitterTests.withStore { store in
            let committer = GroupCommitter(store: store, logger: Logger(label: "test"), delay: .milliseconds(1))
            let old = GatedConnector(name: "x", gated: true)
            let dispatcher = Dispatcher(connectors: [old], committer: committer, observer: Observer(),
                                        settings: Dispatcher.Settings(), logger: Logger(label: "test"))
            for id in 1...3 {
                #expect(dispatcher.reserve())
                dispatcher.dispatch(DispatchItem(message: GroupCommitterTests.message(Int64(id)), connectors: ["x"]))
            }
            // One in flight on the old connector (waiting at its gate), two queued behind it.
            #expect(dispatcher.queueDepth(connector: "x") == 2)

            let replacement = GatedConnector(name: "x", gated: false)
            let retired = dispatcher.install(connectors: [replacement])
            #expect(retired.count == 1 && retired[0] === old)
            try await Self.waitUntil { replacement.submitted.count == 2 }
            #expect(replacement.submitted == [MessageID(rawValue: 2), MessageID(rawValue: 3)])
            #expect(!dispatcher.isDrained(old))

            old.open()
            try await Self.waitUntil { dispatcher.isDrained(old) }
            #expect(old.submitted == [MessageID(rawValue: 1)])
            #expect(dispatcher.isDrained(old))
            dispatcher.forget(old)

            // An unchanged connector keeps its lane; a removed one is retired.
            #expect(dispatcher.install(connectors: [replacement]).isEmpty)
            let removed = dispatcher.install(connectors: [])
            #expect(removed.count == 1 && removed[0] === replacement)
            #expect(dispatcher.isDrained(replacement))
            #expect(dispatcher.outstandingCount == 0)
        }
    }
}
