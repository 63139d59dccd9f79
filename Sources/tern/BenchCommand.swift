import ArgumentParser
import NIOCore
import SMPP

#if canImport(Glibc)
import Glibc
#endif

/// Heap allocations so far, when scripts/bench preloaded its counting allocator; nil otherwise.
func mallocCount() -> Int64? {
    #if canImport(Glibc)
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "tern_malloc_count") else { return nil }
    typealias Counter = @convention(c) () -> Int64
    return unsafeBitCast(symbol, to: Counter.self)()
    #else
    return nil
    #endif
}

/// `tern bench`: measures the hot paths on this machine, one core, release build.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Tern's hot paths on this machine.",
        subcommands: [Codec.self, GatewayLoad.self, Hooks.self, IdleSessions.self, BenchTracking.self]
    )

    struct Codec: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "PDUs decoded and encoded per second on one core (submit_sm, submit_sm_resp, deliver_sm receipt).",
            discussion: "Build with -c release for meaningful figures (scripts/run bench codec does). Mallocs per PDU are measured by the Benchmarks package (see BENCHMARKS.md)."
        )

        @Option(help: "Seconds to run each case.")
        var seconds: Double = 1.0

        func run() throws {
            #if DEBUG
            print("note: this is a debug build; figures are far below release (use scripts/run bench codec)")
            #endif
            let fixtures = try CodecFixtures()
            let counting = mallocCount() != nil
            print("case                          PDUs/s" + (counting ? "        mallocs/PDU" : ""))
            for (name, pdu) in [("submit_sm", fixtures.submitSM), ("submit_sm_resp", fixtures.submitSMResp), ("deliver_sm receipt", fixtures.receipt)] {
                // Each case's state goes into the batch inout, not captured: a closure capturing a
                // `var` would add an exclusivity check per access to the measured loop.
                var frame = try pdu.encoded()
                let decode = try measure(seconds: seconds, state: &frame) { count, frame in
                    var checksum: UInt32 = 0
                    for _ in 0..<count {
                        // A full decode of the frame every time, as the server decodes each slice it frames.
                        let decoded = try PDU.decode(frame)
                        checksum &+= decoded.sequenceNumber &+ UInt32(truncatingIfNeeded: decoded.tlvs.encodedLength)
                    }
                    return checksum
                }
                print(pad("\(name) decode", 30) + pad(format(decode.rate), 14) + decode.mallocs)
                var buffer = ByteBuffer()
                buffer.reserveCapacity(1024)
                let encode = try measure(seconds: seconds, state: &buffer) { count, buffer in
                    var checksum: UInt32 = 0
                    for _ in 0..<count {
                        buffer.clear()
                        try pdu.encode(into: &buffer)
                        checksum &+= UInt32(buffer.readableBytes)
                    }
                    return checksum
                }
                print(pad("\(name) encode", 30) + pad(format(encode.rate), 14) + encode.mallocs)
            }
        }

        /// Runs batches until `seconds` have passed; returns operations per second and, when
        /// allocations are counted, allocations per operation.
        private func measure<State>(seconds: Double, state: inout State, _ batch: (Int, inout State) throws -> UInt32) throws -> (rate: Double, mallocs: String) {
            let clock = ContinuousClock()
            _ = try batch(1_000, &state)  // warm up: first-use allocations are not per-PDU costs
            let mallocsBefore = mallocCount()
            var operations = 0
            var sink: UInt32 = 0
            let budget = Duration.milliseconds(Int64(seconds * 1000))
            let start = clock.now
            while clock.now - start < budget {
                sink &+= try batch(10_000, &state)
                operations += 10_000
            }
            let elapsed = clock.now - start
            let mallocsAfter = mallocCount()
            if sink == 0x7FFF_FFFF { print("") }  // keeps the optimizer from dropping the work
            let (whole, attos) = elapsed.components
            let rate = Double(operations) / (Double(whole) + Double(attos) / 1e18)
            guard let before = mallocsBefore, let after = mallocsAfter else { return (rate, "") }
            let perPDU = Double(after - before) / Double(operations)
            return (rate, String(Int((perPDU * 100).rounded())).withDecimalPoint)
        }

        private func pad(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(1, width - text.count))
        }

        private func format(_ rate: Double) -> String {
            let whole = Int(rate.rounded())
            var digits = String(whole)
            var grouped = ""
            while digits.count > 3 {
                grouped = "," + String(digits.suffix(3)) + grouped
                digits.removeLast(3)
            }
            return digits + grouped
        }
    }
}

/// Representative PDUs of the per-message path.
struct CodecFixtures {
    let submitSM: PDU
    let submitSMResp: PDU
    let receipt: PDU

    init() throws {
        submitSM = PDU(.submitSM(SubmitSM(
            source: .alphanumeric("TernBank"), destination: .international("447700900123"),
            registeredDelivery: .receipt, shortMessage: ByteBuffer(string: "Your verification code is 482913. It expires in 10 minutes."))),
            sequenceNumber: 42)
        submitSMResp = PDU(.submitSMResp(SubmitSMResp(messageID: "0b7f3c2e9a41d5f8")), sequenceNumber: 42)
        var tlvs = TLVList()
        try tlvs.appendString(.receiptedMessageID, "0b7f3c2e9a41d5f8")
        try tlvs.appendInteger(.messageState, 2)
        receipt = PDU(.deliverSM(DeliverSM(
            source: .international("447700900123"), destination: .alphanumeric("TernBank"), esmClass: .deliveryReceipt,
            shortMessage: ByteBuffer(string: "id:0b7f3c2e9a41d5f8 sub:001 dlvrd:001 submit date:2611221200 done date:2611221200 stat:DELIVRD err:000 text:Your verification co"))),
            sequenceNumber: 7, tlvs: tlvs)
    }
}

extension String {
    /// "123" as "1.23": two decimals without Foundation's formatters.
    fileprivate var withDecimalPoint: String {
        let padded = count < 3 ? String(repeating: "0", count: 3 - count) + self : self
        return padded.dropLast(2) + "." + padded.suffix(2)
    }
}
