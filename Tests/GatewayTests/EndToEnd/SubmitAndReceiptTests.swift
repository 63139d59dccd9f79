import Foundation
import Gateway
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import SMPP
import Testing

@Suite("End to end: bind, submit, store, receipt", .serialized)
struct SubmitAndReceiptTests {
    @Test("submit_sm is answered with our id after it is stored, and the receipt comes back with that id")
    func submitThenReceipt() async throws {
        let harness = try await GatewayHarness()
        defer { Task { await harness.stop() } }
        let client = try await harness.boundClient()

        let response = try await client.request(submitSM(to: "447700900123", text: "hello receipt"))
        #expect(response.commandStatus == .ok)
        guard case .submitSMResp(let resp) = response.body, let idText = resp.messageID, let id = MessageID(idText) else {
            Issue.record("no message id in \(response)")
            return
        }
        // Acknowledged means durable: the store has it already.
        let stored = try await harness.store.message(id)
        #expect(stored?.destination.value == "447700900123")

        let receipts = await client.deliveries(count: 1, timeout: .seconds(10))
        let receipt = try #require(receipts.first)
        guard case .deliverSM(let deliver) = receipt.body else {
            Issue.record("expected deliver_sm, got \(receipt)")
            return
        }
        #expect(deliver.esmClass.isDeliveryReceipt)
        #expect(receipt.tlvs.receiptedMessageID == idText)
        #expect(receipt.tlvs.messageState == MessageState.delivered.rawValue)
        let text = String(decoding: deliver.shortMessage.readableBytesView, as: UTF8.self)
        #expect(text.hasPrefix("id:\(idText) sub:001 dlvrd:001 submit date:"))
        #expect(text.contains("stat:DELIVRD err:000 text:hello receipt"))
        // Kannel matches a receipt on its source: the handset the message went to.
        #expect(deliver.source.value == "447700900123")
        #expect(deliver.destination.value == "Tern")

        // query_sm tells the real state, and the timeline holds every step.
        let query = try await client.request(.querySM(QuerySM(messageID: idText, source: Address(ton: .alphanumeric, value: "Tern"))))
        guard case .querySMResp(let answer?) = query.body else {
            Issue.record("query_sm_resp expected, got \(query)")
            return
        }
        #expect(answer.messageState == .delivered)
        #expect(!answer.finalDate.isEmpty)
        let states = try await harness.store.events(of: id).map(\.state)
        #expect(states == [.accepted, .routed, .submitted, .delivered])
        await client.unbind()
    }

    @Test("query_sm for an unknown or another account's id is ESME_RINVMSGID")
    func queryUnknown() async throws {
        let harness = try await GatewayHarness()
        defer { Task { await harness.stop() } }
        let client = try await harness.boundClient()
        let response = try await client.request(.querySM(QuerySM(messageID: "123456789", source: Address(value: ""))))
        #expect(response.commandStatus == .invalidMessageID)
        let garbage = try await client.request(.querySM(QuerySM(messageID: "not-an-id", source: Address(value: ""))))
        #expect(garbage.commandStatus == .invalidMessageID)
        await client.unbind()
    }

    @Test("a receipt waits in the store while no receiver is bound, and goes out when one binds")
    func receiptWaitsForReceiver() async throws {
        let harness = try await GatewayHarness()
        defer { Task { await harness.stop() } }
        let transmitter = try await harness.boundClient(.transmitter)
        let id = try #require(GatewayHarness.messageID(in: try await transmitter.request(submitSM(text: "later"))))
        // Wait until the simulator's receipt has been handled and queued for the account.
        #expect(try await harness.pendingReceipts(until: { $0 > 0 }) == 1)
        #expect(transmitter.deliveryCount == 0)

        let receiver = try await harness.boundClient(.receiver)
        let receipts = await receiver.deliveries(count: 1, timeout: .seconds(10))
        #expect(receipts.first?.tlvs.receiptedMessageID == id.description)
        #expect(try await harness.pendingReceipts(until: { $0 == 0 }) == 0)
        await transmitter.unbind()
        await receiver.unbind()
    }

    @Test("a receipt stored just as a receiver binds reaches that receiver once, not at the next bind")
    func receiptStoredWhileReceiverBinds() async throws {
        // Commits wait a second, so the receipt's is still on its way while the receiver binds
        // and its bind's look into the store finds nothing yet.
        let harness = try await GatewayHarness(configure: { $0.server.commitDelayMilliseconds = 1000 })
        defer { Task { await harness.stop() } }
        let transmitter = try await harness.boundClient(.transmitter)
        let id = try #require(GatewayHarness.messageID(in: try await transmitter.request(submitSM(text: "race"))))
        // The receipt came back from the simulator and found no receiver: it is being stored.
        for _ in 0..<2_000 where harness.gateway.delivery.counts.receiptsQueued == 0 {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(harness.gateway.delivery.counts.receiptsQueued == 1)
        #expect(try await harness.pendingReceipts(until: { _ in true }) == 0, "the receipt's commit landed before the bind: the race was not set up")

        let receiver = try await harness.boundClient(.receiver)
        // Up to two, to see a duplicate if there were one.
        let receipts = await receiver.deliveries(count: 2, timeout: .seconds(5))
        #expect(receipts.map(\.tlvs.receiptedMessageID) == [id.description])
        await transmitter.unbind()
        await receiver.unbind()
    }

    @Test("a receipt the client refuses is kept once, not sent round again, and goes to the next receiver that binds")
    func refusedReceiptWaits() async throws {
        let harness = try await GatewayHarness()
        defer { Task { await harness.stop() } }
        // The receipted ids of every deliver_sm offered to the refusing client.
        let offered = NIOLockedValueBox<[String?]>([])
        let refusing = try await SMPPClient.connect(host: "127.0.0.1", port: harness.port, group: GatewayHarness.group, windowSize: 10,
                                                    answer: { pdu in
                                                        offered.withLockedValue { $0.append(pdu.tlvs.receiptedMessageID) }
                                                        return .temporaryApplicationError
                                                    })
        #expect(try await refusing.bind(.transceiver, systemID: harness.systemID, password: harness.password).commandStatus == .ok)
        let id = try #require(GatewayHarness.messageID(in: try await refusing.request(submitSM(text: "refused"))))
        #expect(try await harness.pendingReceipts(until: { $0 > 0 }) == 1)
        // Offered once; a second offer within a second and a half would be a loop.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(offered.withLockedValue { $0 } == [id.description])
        await refusing.unbind()

        let receiver = try await harness.boundClient(.receiver)
        let receipts = await receiver.deliveries(count: 1, timeout: .seconds(10))
        #expect(receipts.first?.tlvs.receiptedMessageID == id.description)
        await receiver.unbind()
    }

    @Test("an account with receipts off gets none, even when its client asks")
    func receiptsOff() async throws {
        let harness = try await GatewayHarness(account: { $0.receipts.enabled = false })
        defer { Task { await harness.stop() } }
        let client = try await harness.boundClient()
        let response = try await client.request(submitSM(text: "quiet"))
        let id = try #require({ () -> String? in
            if case .submitSMResp(let resp) = response.body { return resp.messageID }
            return nil
        }())
        // Wait until the message is delivered, then check no receipt came or was queued.
        var state = MessageLifecycle.accepted
        for _ in 0..<250 where state != .delivered {
            try await Task.sleep(for: .milliseconds(20))
            state = try await harness.stored(id).state
        }
        #expect(state == .delivered)
        let receipts = await client.deliveries(count: 1, timeout: .milliseconds(300))
        #expect(receipts.isEmpty)
        #expect(try await harness.pendingReceipts(until: { _ in true }) == 0)
        await client.unbind()
    }

    @Test("a long message in three UDH parts is three ids joined as one logical message, each with its receipt")
    func longMessage() async throws {
        let harness = try await GatewayHarness()
        defer { Task { await harness.stop() } }
        let client = try await harness.boundClient()
        var ids: [String] = []
        for part in 1...3 {
            var octets: [UInt8] = [0x05, 0x00, 0x03, 0x2A, 0x03, UInt8(part)]
            octets += Array(String(repeating: "abcdefghij", count: 15).utf8)
            let body = PDU.Body.submitSM(SubmitSM(
                source: Address(ton: .international, npi: .isdn, value: "447700900999"),
                destination: Address(ton: .international, npi: .isdn, value: "447700900123"),
                esmClass: .udhi, registeredDelivery: part == 1 ? .receipt : .none, shortMessage: ByteBuffer(bytes: octets)))
            let response = try await client.request(body)
            #expect(response.commandStatus == .ok)
            if case .submitSMResp(let resp) = response.body, let id = resp.messageID { ids.append(id) }
        }
        #expect(Set(ids).count == 3)
        for (index, idText) in ids.enumerated() {
            let message = try await harness.stored(idText)
            #expect(message.concatenation == Concatenation(reference: 0x2A, total: 3, sequence: index + 1))
            #expect(message.shortMessage.count == 156)
        }
        // Kannel asks for a receipt on the first part only: exactly one comes back.
        let receipts = await client.deliveries(count: 2, timeout: .seconds(2))
        #expect(receipts.count == 1)
        #expect(receipts.first?.tlvs.receiptedMessageID == ids[0])
        await client.unbind()
    }

    @Test("data_sm with message_payload is accepted and answered with data_sm_resp")
    func dataSMWithPayload() async throws {
        let harness = try await GatewayHarness()
        defer { Task { await harness.stop() } }
        let client = try await harness.boundClient()
        var tlvs = TLVList()
        try tlvs.append(.messagePayload, ByteBuffer(string: String(repeating: "payload ", count: 60)))
        let response = try await client.request(
            .dataSM(DataSM(source: Address(ton: .alphanumeric, value: "Tern"), destination: Address(ton: .international, npi: .isdn, value: "33612345678"),
                           registeredDelivery: .receipt)),
            tlvs: tlvs)
        #expect(response.commandStatus == .ok)
        guard case .dataSMResp(let resp) = response.body, let idText = resp.messageID, let id = MessageID(idText) else {
            Issue.record("data_sm_resp with id expected, got \(response)")
            return
        }
        let stored = try #require(try await harness.store.message(id))
        let forwarded = try TLVList(encoded: stored.tlvs)
        #expect(forwarded.messagePayload?.readableBytes == 480)
        await client.unbind()
    }

    @Test("submit_multi: each destination is its own message; a bad one is listed in unsuccess_sme")
    func submitMulti() async throws {
        let harness = try await GatewayHarness()
        defer { Task { await harness.stop() } }
        let client = try await harness.boundClient()
        let multi = SubmitMulti(
            source: Address(ton: .alphanumeric, value: "Tern"),
            destinations: [.sme(Address(ton: .international, npi: .isdn, value: "447700900001")),
                           .sme(Address(ton: .international, npi: .isdn, value: "44770090000x")),
                           .sme(Address(ton: .international, npi: .isdn, value: "447700900003"))],
            registeredDelivery: .receipt, shortMessage: ByteBuffer(string: "to many"))
        let response = try await client.request(.submitMulti(multi))
        #expect(response.commandStatus == .ok)
        guard case .submitMultiResp(let resp?) = response.body else {
            Issue.record("submit_multi_resp expected, got \(response)")
            return
        }
        #expect(resp.unsuccessful.map(\.address.value) == ["44770090000x"])
        #expect(resp.unsuccessful.first?.errorStatusCode == .invalidDestinationAddress)
        let receipts = await client.deliveries(count: 2, timeout: .seconds(10))
        #expect(Set(receipts.compactMap { pdu -> String? in
            if case .deliverSM(let deliver) = pdu.body { return deliver.source.value }
            return nil
        }) == ["447700900001", "447700900003"])
        await client.unbind()
    }

    @Test("cancel_sm and replace_sm work while the message waits inside Tern, and fail once it left")
    func cancelAndReplace() async throws {
        let harness = try await GatewayHarness()
        defer { Task { await harness.stop() } }
        let client = try await harness.boundClient()
        // Scheduled an hour ahead (relative time), so it waits inside Tern.
        let scheduled = PDU.Body.submitSM(SubmitSM(
            source: Address(ton: .alphanumeric, value: "Tern"), destination: Address(ton: .international, npi: .isdn, value: "447700900123"),
            scheduleDeliveryTime: "000000010000000R", registeredDelivery: .receipt, shortMessage: ByteBuffer(string: "first")))
        func id(_ pdu: PDU) -> String? {
            if case .submitSMResp(let resp) = pdu.body { return resp.messageID }
            return nil
        }
        let first = try #require(id(try await client.request(scheduled)))
        let second = try #require(id(try await client.request(scheduled)))

        let replaced = try await client.request(.replaceSM(ReplaceSM(messageID: second, source: Address(ton: .alphanumeric, value: "Tern"),
                                                                     shortMessage: ByteBuffer(string: "second, replaced"))))
        #expect(replaced.commandStatus == .ok)
        let stored = try await harness.stored(second)
        #expect(stored.shortMessage == Array("second, replaced".utf8))

        let cancelled = try await client.request(.cancelSM(CancelSM(messageID: first, source: Address(ton: .alphanumeric, value: "Tern"),
                                                                    destination: Address(ton: .international, npi: .isdn, value: "447700900123"))))
        #expect(cancelled.commandStatus == .ok)
        #expect(try await harness.stored(first).state == .cancelled)
        let again = try await client.request(.cancelSM(CancelSM(messageID: first, source: Address(ton: .alphanumeric, value: "Tern"),
                                                                destination: Address(ton: .international, npi: .isdn, value: "447700900123"))))
        #expect(again.commandStatus == .cancelFailed)

        // A message that already went upstream cannot be cancelled.
        let sent = try #require(id(try await client.request(submitSM(text: "now"))))
        _ = await client.deliveries(count: 1, timeout: .seconds(10))
        let late = try await client.request(.cancelSM(CancelSM(messageID: sent, source: Address(ton: .alphanumeric, value: "Tern"),
                                                               destination: Address(ton: .international, npi: .isdn, value: "447700900123"))))
        #expect(late.commandStatus == .cancelFailed)
        await client.unbind()
    }

    @Test("invalid submits get the status of the field at fault")
    func invalidSubmits() async throws {
        let harness = try await GatewayHarness()
        defer { Task { await harness.stop() } }
        let client = try await harness.boundClient()
        #expect(try await client.request(submitSM(to: "")).commandStatus == .invalidDestinationAddress)
        #expect(try await client.request(submitSM(to: "44abc")).commandStatus == .invalidDestinationAddress)
        #expect(try await client.request(submitSM(from: "ThisIsTooLongAlpha")).commandStatus == .invalidSourceAddress)
        #expect(try await client.request(submitSM(text: "")).commandStatus == .invalidMessageLength)
        let expired = PDU.Body.submitSM(SubmitSM(source: Address(ton: .alphanumeric, value: "Tern"),
                                                 destination: Address(ton: .international, npi: .isdn, value: "447700900123"),
                                                 validityPeriod: "200101000000000+", shortMessage: ByteBuffer(string: "x")))
        #expect(try await client.request(expired).commandStatus == .invalidExpiry)
        var broadcastTLVs = TLVList()
        try broadcastTLVs.append(.broadcastAreaIdentifier, ByteBuffer(bytes: [0x00, 0x01, 0x02]))
        try broadcastTLVs.append(.broadcastContentType, ByteBuffer(bytes: [0x00, 0x00, 0x01]))
        try broadcastTLVs.append(.broadcastRepNum, ByteBuffer(bytes: [0x00, 0x01]))
        try broadcastTLVs.append(.broadcastFrequencyInterval, ByteBuffer(bytes: [0x09, 0x00, 0x01]))
        try broadcastTLVs.append(.messagePayload, ByteBuffer(string: "cell broadcast"))
        let broadcast = try await client.request(.broadcastSM(BroadcastSM(source: Address(value: "Tern"))), tlvs: broadcastTLVs)
        #expect(broadcast.commandStatus == .broadcastFailed)
        await client.unbind()
    }

    @Test("SMPP 5.0 binds get sc_interface_version 0x50 and congestion_state on submit responses")
    func smpp50() async throws {
        let harness = try await GatewayHarness()
        defer { Task { await harness.stop() } }
        let client = try await harness.client()
        let bound = try await client.bind(.transceiver, systemID: harness.systemID, password: harness.password, interfaceVersion: 0x50)
        #expect(bound.commandStatus == .ok)
        #expect(bound.tlvs.scInterfaceVersion == 0x50)
        let response = try await client.request(submitSM())
        #expect(response.commandStatus == .ok)
        let congestion = try #require(response.tlvs.congestionState)
        #expect(congestion <= 100)

        let old = try await harness.client()
        let oldBound = try await old.bind(.transceiver, systemID: harness.systemID, password: harness.password, interfaceVersion: 0x34)
        #expect(oldBound.tlvs.scInterfaceVersion == 0x34)
        let oldResponse = try await old.request(submitSM())
        #expect(oldResponse.tlvs.congestionState == nil)
        await client.unbind()
        await old.unbind()
    }

    @Test("TLS listener with the generated self-signed certificate")
    func tlsBind() async throws {
        let harness = try await GatewayHarness(tls: true)
        defer { Task { await harness.stop() } }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let client = try await harness.client(tls: context)
        let bound = try await client.bind(.transceiver, systemID: harness.systemID, password: harness.password)
        #expect(bound.commandStatus == .ok)
        #expect(try await client.request(submitSM()).commandStatus == .ok)
        let receipts = await client.deliveries(count: 1, timeout: .seconds(10))
        #expect(receipts.count == 1)
        #expect(FileManager.default.fileExists(atPath: harness.directory + "/tls/tern-selfsigned.pem"))
        await client.unbind()
    }
}

@Suite("End to end: an independent client (Python smpplib)")
struct IndependentClientTests {
    @Test("smpplib binds, sends a long and a short message, and gets a receipt per message with the ids it was given")
    func smpplib() async throws {
        let harness = try await GatewayHarness()
        defer { Task { await harness.stop() } }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/tests/smpplib-client.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "127.0.0.1", String(harness.port), harness.systemID, harness.password]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Blocking reads and waits go to a Dispatch thread: on the cooperative pool (2 threads
        // here) they would stall every other test running in parallel.
        let data = await withCheckedContinuation { (continuation: CheckedContinuation<Data, Never>) in
            DispatchQueue.global().async {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: data)
            }
        }
        #expect(process.terminationStatus == 0)
        struct Result: Decodable {
            struct Receipt: Decodable { let text: String; let receipted_message_id: String? }
            let message_ids: [String]
            let receipts: [Receipt]
        }
        let result = try JSONDecoder().decode(Result.self, from: data)
        // 12 × 19 characters is two UDH parts, plus the short message.
        #expect(result.message_ids.count == 3)
        #expect(result.receipts.count == 3)
        #expect(Set(result.receipts.compactMap(\.receipted_message_id)) == Set(result.message_ids))
        for receipt in result.receipts {
            #expect(receipt.text.contains("stat:DELIVRD"))
        }
    }
}

@Suite("End to end: MO waiting for a receiver", .serialized)
struct WaitingMobileOriginatedTests {
    @Test("an MO that arrives with no receiver bound survives a restart and goes to the first receiver that binds")
    func survivesRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-mo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configure: (inout TernConfig) -> Void = { config in
            config.moRoutes = [MORouteRule(name: "all", account: "client1")]
        }
        let first = try await GatewayHarness(directory: directory, configure: configure)
        first.gateway.connector("simulator", receivedMobileOriginated: MobileOriginatedMessage(
            source: WireAddress(ton: 1, npi: 1, value: "447700900555"), destination: WireAddress(value: "12345"),
            shortMessage: Array("STOP".utf8)))
        // Stored, not delivered: nobody is bound.
        var stored = 0
        for _ in 0..<200 where stored == 0 {
            try await Task.sleep(for: .milliseconds(10))
            stored = try await first.store.pendingMobileOriginated(accountID: 1, limit: 10).count
        }
        #expect(stored == 1)
        await first.stop(removeFiles: false)

        let second = try await GatewayHarness(directory: directory, configure: configure)
        let receiver = try await second.boundClient(.receiver)
        let deliveries = await receiver.deliveries(count: 1, timeout: .seconds(10))
        guard case .deliverSM(let deliver)? = deliveries.first?.body else {
            Issue.record("no MO after the restart: \(deliveries)")
            await second.stop()
            return
        }
        #expect(String(buffer: deliver.shortMessage) == "STOP")
        #expect(deliver.source.value == "447700900555")
        // Taken by the client: no longer stored.
        var left = 1
        for _ in 0..<200 where left > 0 {
            try await Task.sleep(for: .milliseconds(10))
            left = try await second.store.pendingMobileOriginated(accountID: 1, limit: 10).count
        }
        #expect(left == 0)
        await receiver.unbind()
        await second.stop()
    }
}
