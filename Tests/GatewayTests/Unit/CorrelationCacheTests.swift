import Foundation
import Gateway
import Testing

@Suite("CorrelationCache")
struct CorrelationCacheTests {
    static func correlation(_ id: Int64) -> Correlation {
        Correlation(Message(id: MessageID(rawValue: id), accountID: 1, systemID: "acme",
                            source: WireAddress(value: "Acme"), destination: WireAddress(ton: 1, npi: 1, value: "447700900123"),
                            shortMessage: Array("hello".utf8), receivedAt: Date(timeIntervalSince1970: 1_780_000_000)))
    }

    @Test("a receipt finds its message under another reading of the id, once when it takes it, on its own connector only")
    func readings() {
        let cache = CorrelationCache(capacity: 100)
        cache.insert(connector: "uk", upstreamID: "00FF", Self.correlation(1))
        #expect(cache.lookup(connector: "de", upstreamID: "255", remove: false) == nil)
        #expect(cache.lookup(connector: "uk", upstreamID: "255", remove: false)?.messageID.rawValue == 1)
        #expect(cache.lookup(connector: "uk", upstreamID: "ff", remove: true)?.messageID.rawValue == 1)
        #expect(cache.lookup(connector: "uk", upstreamID: "ff", remove: true) == nil)
        #expect(cache.count == 0)
    }

    @Test("bounded: never more than the capacity, the newest half always there, the oldest gone first")
    func bounded() {
        let cache = CorrelationCache(capacity: 10)
        for id in 1...1_000 {
            cache.insert(connector: "uk", upstreamID: String(id), Self.correlation(Int64(id)))
            #expect(cache.count <= 10)
            for recent in max(1, id - 4)...id {
                #expect(cache.lookup(connector: "uk", upstreamID: String(recent), remove: false)?.messageID.rawValue == Int64(recent))
            }
        }
        #expect(cache.lookup(connector: "uk", upstreamID: "1", remove: false) == nil)
        #expect(cache.lookup(connector: "uk", upstreamID: "989", remove: false) == nil)
    }

    @Test("an id the upstream gives again means the newer message only, in whichever generation the older one is")
    func reusedID() {
        let cache = CorrelationCache(capacity: 6)
        cache.insert(connector: "uk", upstreamID: "7", Self.correlation(1))
        // Two more inserts turn the generation: message 1 is now in the older one.
        cache.insert(connector: "uk", upstreamID: "8", Self.correlation(2))
        cache.insert(connector: "uk", upstreamID: "9", Self.correlation(3))
        cache.insert(connector: "uk", upstreamID: "7", Self.correlation(4))
        #expect(cache.lookup(connector: "uk", upstreamID: "7", remove: true)?.messageID.rawValue == 4)
        #expect(cache.lookup(connector: "uk", upstreamID: "7", remove: true) == nil)
        #expect(cache.lookup(connector: "uk", upstreamID: "8", remove: false)?.messageID.rawValue == 2)
    }
}
