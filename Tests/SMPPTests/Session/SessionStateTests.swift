import Testing
@testable import SMPP

@Suite("SessionState and BindType")
struct SessionStateTests {
    @Test("canTransmit / canReceive / isBound for every state")
    func helpers() {
        let expected: [(SessionState, transmit: Bool, receive: Bool, bound: Bool)] = [
            (.open, false, false, false),
            (.boundTransmitter, true, false, true),
            (.boundReceiver, false, true, true),
            (.boundTransceiver, true, true, true),
            (.unbound, false, false, false),
            (.closed, false, false, false),
            (.outbound, false, false, false),
        ]
        for (state, transmit, receive, bound) in expected {
            #expect(state.canTransmit == transmit, "\(state)")
            #expect(state.canReceive == receive, "\(state)")
            #expect(state.isBound == bound, "\(state)")
        }
    }

    @Test("state names are the reference's")
    func names() {
        #expect([SessionState.open, .boundTransmitter, .boundReceiver, .boundTransceiver, .unbound, .closed, .outbound].map(\.description)
            == ["OPEN", "BOUND_TX", "BOUND_RX", "BOUND_TRX", "UNBOUND", "CLOSED", "OUTBOUND"])
    }

    @Test("BindType maps to and from the bind command ids", arguments: BindType.allCases)
    func bindTypeMapping(type: BindType) {
        #expect(BindType(commandID: type.commandID) == type)
        #expect(BindType(commandID: type.responseCommandID) == type)
        #expect(type.responseCommandID == type.commandID.responseID)
        #expect(type.boundState.bindType == type)
    }

    @Test("BindType ids are the reference's")
    func bindTypeIDs() {
        #expect(BindType.transmitter.commandID == .bindTransmitter)
        #expect(BindType.receiver.commandID == .bindReceiver)
        #expect(BindType.transceiver.commandID == .bindTransceiver)
        #expect(BindType(commandID: .submitSM) == nil)
        #expect(BindType(commandID: .outbind) == nil)
    }

    @Test("the two roles face each other")
    func roles() {
        #expect(SessionRole.messageCentre.peer == .esme)
        #expect(SessionRole.esme.peer == .messageCentre)
    }
}
