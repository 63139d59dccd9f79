import Foundation
import Gateway
import NIOCore
import NIOEmbedded
import Testing

@Suite("SessionActivityTap")
struct SessionActivityTapTests {
    @Test("any octets from the client are a sign of life, before a whole PDU has arrived, and pass on unchanged")
    func octetsCount() throws {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let activity = SessionActivity(now: start)
        let channel = EmbeddedChannel(handler: SessionActivityTap(activity: activity))
        // The first six octets of a 16-octet enquire_link: no frame decoder could hand on a PDU yet.
        let partial = ByteBuffer(bytes: [0x00, 0x00, 0x00, 0x10, 0x00, 0x00])
        try channel.writeInbound(partial)
        #expect(activity.lastInbound > start)
        #expect(try channel.readInbound(as: ByteBuffer.self) == partial)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }
}
