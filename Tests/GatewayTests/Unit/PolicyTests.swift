import Foundation
import Gateway
import Testing

@Suite("TokenBucket, BindGuard")
struct PolicyTests {
    @Test("a bucket gives its burst, then its rate")
    func bucket() {
        var bucket = TokenBucket(rate: 10, now: 0)
        let burst = (0..<20).filter { _ in bucket.take(now: 0) }.count
        #expect(burst == 10)
        let early = bucket.take(now: 0.05)
        #expect(!early)
        let refilled = bucket.take(now: 0.1)
        #expect(refilled)
        let wait = bucket.wait(now: 0.1)
        #expect(wait > 0)
        let later = (0..<100).filter { _ in bucket.take(now: 1.1) }.count
        #expect(later == 10)
    }

    @Test("bind failures slow an address down, then ban it; a success clears it")
    func bindGuard() {
        var guardian = BindGuard(failuresBeforeBan: 5, banSeconds: 60)
        let clean = guardian.check("10.0.0.1", now: 0)
        #expect(clean == .proceed(delay: 0))
        for _ in 0..<3 { guardian.failed("10.0.0.1", now: 1) }
        guard case .proceed(let delay) = guardian.check("10.0.0.1", now: 1) else {
            Issue.record("not yet banned")
            return
        }
        #expect(delay > 0)
        guardian.failed("10.0.0.1", now: 2)
        guardian.failed("10.0.0.1", now: 2)
        guard case .banned(let remaining) = guardian.check("10.0.0.1", now: 3) else {
            Issue.record("expected a ban")
            return
        }
        #expect(remaining == 59)
        let other = guardian.check("10.0.0.2", now: 3)
        #expect(other == .proceed(delay: 0))
        let afterBan = guardian.check("10.0.0.1", now: 63)
        #expect(afterBan == .proceed(delay: 0))
        guardian.failed("10.0.0.3", now: 0)
        guardian.succeeded("10.0.0.3")
        let forgiven = guardian.check("10.0.0.3", now: 0)
        #expect(forgiven == .proceed(delay: 0))
    }
}

@Suite("Accounts: networks and passwords")
struct AccountTests {
    @Test("CIDR networks match IPv4, IPv6 and IPv4-mapped addresses")
    func networks() throws {
        let network = try #require(IPNetwork("192.168.10.0/23"))
        #expect(network.contains(try #require(IPAddressBytes("192.168.11.200"))))
        #expect(!network.contains(try #require(IPAddressBytes("192.168.12.1"))))
        #expect(network.contains(try #require(IPAddressBytes("::ffff:192.168.10.1"))))
        let v6 = try #require(IPNetwork("2001:db8::/32"))
        #expect(v6.contains(try #require(IPAddressBytes("2001:db8:1::5"))))
        #expect(!v6.contains(try #require(IPAddressBytes("2001:db9::1"))))
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(IPNetwork("300.1.1.1") == nil)
        #expect(IPNetwork("1::2::3") == nil)
        #expect(try #require(IPNetwork("10.1.2.3")).description == "10.1.2.3/32")
        let account = Account(systemID: "a", passwordHash: PasswordHash(encoded: ""), allowedNetworks: [network])
        #expect(account.allowsBind(from: IPAddressBytes("192.168.10.9")))
        #expect(!account.allowsBind(from: IPAddressBytes("127.0.0.1")))
        #expect(!account.allowsBind(from: nil))
    }

    @Test("passwords are stored salted and hashed, and verified")
    func passwords() {
        let hash = PasswordHash(hashing: "secret", rounds: 1000)
        #expect(!hash.encoded.contains("secret"))
        #expect(hash.encoded.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(hash.verify("secret"))
        #expect(!hash.verify("Secret"))
        #expect(PasswordHash(hashing: "secret", rounds: 1000) != hash)
        #expect(!PasswordHash(encoded: "garbage").verify(""))
    }
}

@Suite("Message ids")
struct MessageIDTests {
    @Test("ids increase, stay unique within a millisecond, and read back from their text")
    func increasing() throws {
        let generator = MessageIDGenerator()
        let now = Date()
        let ids = (0..<10_000).map { _ in generator.next(now: now) }
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        let id = try #require(ids.last)
        #expect(MessageID(id.description) == id)
        #expect(MessageID("abc") == nil)
        #expect(MessageID("-5") == nil)
    }

    @Test("upstream ids match across hex and decimal, leading zeros and case")
    func upstreamNormalization() {
        #expect(UpstreamMessageID.canonical("000A0000001") == "2684354561")
        #expect(UpstreamMessageID.canonical("00123") == "123")
        #expect(UpstreamMessageID.canonical(" abc-XYZ ") == "abc-xyz")
        // The resp said hex, the receipt says decimal.
        #expect(UpstreamMessageID.candidates("2684354561").contains(UpstreamMessageID.canonical("a0000001")))
        // The resp said a digits-only hex id, the receipt says decimal: 0x1234 = 4660.
        #expect(UpstreamMessageID.candidates("4660").contains(UpstreamMessageID.canonical("1234")))
        // Same id, other case and zeros.
        #expect(UpstreamMessageID.candidates("00000000A0000001").first == UpstreamMessageID.canonical("a0000001"))
    }
}
