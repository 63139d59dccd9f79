import NIOCore
import NIOEmbedded
import Testing
@testable import SMPP

@Suite("Reference vectors: a server session reacts to each malformed PDU as stated")
struct MalformedVectorSessionTests {
    @Test("the server's answer and whether it closes", arguments: ReferenceVectors.malformed)
    func serverReaction(_ vector: ReferenceVectors.Malformed) throws {
        let session = try SessionChannel(role: .messageCentre)
        switch vector.sessionState {
        case "BOUND_TRX": try session.bindPeer(.transceiver, sequence: 0x7000)
        case "BOUND_RX": try session.bindPeer(.receiver, sequence: 0x7000)
        case "OPEN": break
        default: Issue.record("unknown session_state \(vector.sessionState)")
        }
        try session.receive(vector.bytes)
        let sent = try session.sent()
        let sequence = UInt32(vector.bytes[12]) << 24 | UInt32(vector.bytes[13]) << 16 | UInt32(vector.bytes[14]) << 8 | UInt32(vector.bytes[15])
        switch vector.action {
        case "wait":
            #expect(sent.isEmpty, "\(vector.name): \(sent)")
        case "generic_nack":
            #expect(sent.map(\.commandID) == [.genericNack], "\(vector.name): \(sent)")
            #expect(sent.first?.commandStatus == vector.status, "\(vector.name)")
            #expect(sent.first?.sequenceNumber == sequence, "\(vector.name)")
        case "response":
            let request = CommandID(rawValue: UInt32(vector.bytes[4]) << 24 | UInt32(vector.bytes[5]) << 16 | UInt32(vector.bytes[6]) << 8 | UInt32(vector.bytes[7]))
            #expect(sent.map(\.commandID) == [request.responseID], "\(vector.name): \(sent)")
            #expect(sent.first?.commandStatus == vector.status, "\(vector.name)")
            #expect(sent.first?.sequenceNumber == sequence, "\(vector.name)")
        default:
            Issue.record("unknown action \(vector.action)")
        }
        #expect(session.channel.isActive == !vector.closeConnection, "\(vector.name): close_connection \(vector.closeConnection)")
    }
}
