import SMPP
import Testing

@Suite("SMPPTime")
struct SMPPTimeTests {
    @Test("the 16-character form reads back as written: absolute ahead of and behind UTC, and relative")
    func textRoundTrips() throws {
        for text in ["280315120000008+", "280315120000305-", "000102030405000R", "991231235959948+"] {
            let time = try #require(SMPPTime(text), "\(text)")
            #expect(time.text == text)
        }
        let built = SMPPTime(year: 26, month: 3, day: 5, hour: 7, minute: 8, second: 9, kind: .absolute(quarterHours: 0))
        #expect(built.text == "260305070809000+")
        #expect(SMPPTime(built.text) == built)
    }
}
