import Foundation
import Gateway
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@Suite("LoopMailbox")
struct LoopMailboxTests {
    @Test("jobs posted while the loop is on its way run in one burst, in the order posted; a later post starts the next burst")
    func bursts() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let bursts = NIOLockedValueBox<[[Int]]>([])
        let ran = NIOLockedValueBox<[Int]>([])
        let mailbox = LoopMailbox(loop: loop) { jobs in
            #expect(loop.inEventLoop)
            let before = ran.withLockedValue { $0.count }
            for job in jobs { job() }
            bursts.withLockedValue { $0.append(ran.withLockedValue { Array($0[before...]) }) }
        }
        // Hold the loop so that every post below finds the wake-up already on its way.
        let held = DispatchSemaphore(value: 0)
        loop.execute { held.wait() }
        for index in 0..<100 {
            mailbox.post { ran.withLockedValue { $0.append(index) } }
        }
        held.signal()
        try await loop.submit {}.get()
        #expect(bursts.withLockedValue { $0 } == [Array(0..<100)])

        mailbox.post { ran.withLockedValue { $0.append(100) } }
        try await loop.submit {}.get()
        #expect(bursts.withLockedValue { $0 } == [Array(0..<100), [100]])

        // A third burst is gathered in the array an earlier burst left behind: still every job,
        // once, in order.
        loop.execute { held.wait() }
        for index in 101..<151 {
            mailbox.post { ran.withLockedValue { $0.append(index) } }
        }
        held.signal()
        try await loop.submit {}.get()
        #expect(bursts.withLockedValue { $0 } == [Array(0..<100), [100], Array(101..<151)])
        #expect(ran.withLockedValue { $0 } == Array(0..<151))
        try await group.shutdownGracefully()
    }
}
