import NIOCore
import NIOEmbedded
import Testing
@testable import SMPP

/// The session handler frames the byte stream itself: PDUs cut at any point, several in one
/// read, and a command_length that cannot be trusted in the middle of a PDU.
@Suite("SMPPSessionHandler framing the stream")
struct SessionFramingTests {
    static let stream: [PDU] = [
        PDU(.bindTransceiver(Bind(systemID: "tern", password: "pw")), sequenceNumber: 1),
        PDU(.submitSM(SubmitSM(source: .alphanumeric("Tern"), destination: .international("447700900123"),
                               shortMessage: ByteBuffer(string: "first"))), sequenceNumber: 2),
        PDU(.enquireLink, sequenceNumber: 3),
        PDU(.submitSM(SubmitSM(source: .alphanumeric("Tern"), destination: .international("447700900124"),
                               shortMessage: ByteBuffer(string: String(repeating: "long text ", count: 25)))), sequenceNumber: 4),
        PDU(.dataSM(DataSM(source: .alphanumeric("Tern"), destination: .international("447700900125"))), sequenceNumber: 5),
    ]

    static func octets() throws -> [UInt8] {
        try stream.flatMap { Array(try $0.encoded().readableBytesView) }
    }

    @Test("PDUs cut into reads of any size reach the application whole and in order, answered as if sent at once",
          arguments: [1, 2, 3, 5, 7, 13, 16, 17, 64, 4096])
    func anyCut(_ size: Int) throws {
        let whole = try SessionChannel(role: .messageCentre)
        try whole.receive(try Self.octets())
        let expectedAnswers = try whole.sent()

        let cut = try SessionChannel(role: .messageCentre)
        let octets = try Self.octets()
        var start = 0
        while start < octets.count {
            let end = min(octets.count, start + size)
            try cut.receive(Array(octets[start..<end]))
            start = end
        }
        #expect(cut.application.received == Self.stream.filter { $0.commandID != .enquireLink })
        #expect(try cut.sent() == expectedAnswers)
        #expect(expectedAnswers.map(\.sequenceNumber) == [1, 2, 3, 4, 5])
        #expect(cut.channel.isActive)
    }

    @Test("a command_length below the header, arriving in pieces after a whole PDU, gets one generic_nack and the close; later octets are ignored")
    func untrustedLengthInPieces() throws {
        let session = try SessionChannel(role: .messageCentre)
        try session.bindPeer(.transceiver)
        // A whole enquire_link, then the first two octets of a header whose command_length is 8.
        var first = Array(try PDU(.enquireLink, sequenceNumber: 7).encoded().readableBytesView)
        first += [0x00, 0x00]
        try session.receive(first)
        #expect(try session.sent() == [PDU(.enquireLinkResp, sequenceNumber: 7)])
        #expect(session.channel.isActive)
        // The rest of that header (length 8, enquire_link, status 0, sequence 9), then a valid PDU.
        try session.receive([0x00, 0x08, 0x00, 0x00, 0x00, 0x15, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09])
        let answers = try session.sent()
        #expect(answers.map(\.commandID) == [.genericNack])
        #expect(answers.first?.commandStatus == .invalidCommandLength)
        #expect(!session.channel.isActive)
        try? session.receive(Array(try PDU(.enquireLink, sequenceNumber: 10).encoded().readableBytesView))
        #expect(try session.sent().isEmpty)
    }
}
