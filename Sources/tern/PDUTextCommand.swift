import ArgumentParser
import NIOCore
import SMPP

extension PDUCommand {
    /// `tern pdu text`: how a text travels — data_coding, parts, and each part's octets.
    struct Text: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the data_coding chosen for a text, the number of parts and each part's hex.",
            discussion: "With --from and --to, also print a complete submit_sm per part, ready for `tern pdu decode`."
        )

        enum Method: String, ExpressibleByArgument, CaseIterable {
            case udh8, udh16, sar, payload
        }

        @Argument(help: "The message text.")
        var text: String

        @Option(help: "How a long text is split: udh8, udh16, sar, or payload (one message_payload TLV).")
        var method: Method = .udh8

        @Option(help: "Concatenation reference number.")
        var reference: UInt16 = 1

        @Option(help: "Force a data_coding (e.g. 0, 3, 8) instead of choosing one.")
        var dataCoding: UInt8?

        @Flag(help: "Prefer Latin-1 (data_coding 3) over UCS-2 for text that is not GSM 03.38.")
        var latin1 = false

        @Flag(help: "Pack GSM 7-bit septets (some MCs want packed user data).")
        var packed = false

        @Option(help: "Source address for the submit_sm PDUs (alphanumeric, or digits with an optional +).")
        var from: String?

        @Option(help: "Destination number for the submit_sm PDUs.")
        var to: String?

        func validate() throws {
            if method == .udh8, reference > 255 { throw ValidationError("--reference must be 0–255 with udh8") }
            if (from == nil) != (to == nil) { throw ValidationError("give both --from and --to, or neither") }
        }

        func run() throws {
            let splitter = MessageSplitter(encoder: TextEncoder(prefersLatin1OverUCS2: latin1), gsm7Packing: packed ? .packed : .unpacked)
            let concatenation: ConcatenationMethod
            switch method {
            case .udh8: concatenation = .udh8(reference: UInt8(reference))
            case .udh16: concatenation = .udh16(reference: reference)
            case .sar: concatenation = .sar(reference: reference)
            case .payload: concatenation = .messagePayload
            }
            let split: SplitMessage
            do {
                split = try splitter.split(text, using: concatenation, dataCoding: dataCoding.map(DataCoding.init(rawValue:)))
            } catch {
                fail("\(error)")
            }
            let encoded = try? TextEncoder(prefersLatin1OverUCS2: latin1).encode(text, as: split.dataCoding)
            print("data_coding: \(hexByte(split.dataCoding.rawValue)) (\(split.dataCoding.name))")
            print("characters: \(text.count)" + (encoded.map { ", units: \($0.unitCount)" } ?? ""))
            print("parts: \(split.parts.count) (\(method.rawValue))")
            for (index, part) in split.parts.enumerated() {
                var line = "part \(index + 1): \(hexString(part.octets)) (\(part.octets.count) octets"
                if part.hasUDH { line += ", UDH, esm_class 0x40" }
                if let sar = part.sar { line += ", sar_msg_ref_num \(sar.reference) sar_total_segments \(sar.total) sar_segment_seqnum \(sar.sequence)" }
                if part.inMessagePayload { line += ", in message_payload" }
                print(line + ")")
            }
            guard let from, let to else { return }
            let source: Address = from.allSatisfy({ $0.isNumber || $0 == "+" })
                ? .international(String(from.drop(while: { $0 == "+" }))) : .alphanumeric(from)
            let destination = Address.international(String(to.drop(while: { $0 == "+" })))
            for (index, part) in split.parts.enumerated() {
                var tlvs = TLVList()
                if let sar = part.sar {
                    try tlvs.appendInteger(.sarMsgRefNum, UInt32(sar.reference))
                    try tlvs.appendInteger(.sarTotalSegments, UInt32(sar.total))
                    try tlvs.appendInteger(.sarSegmentSeqnum, UInt32(sar.sequence))
                }
                if let payload = part.messagePayload { try tlvs.append(.messagePayload, ByteBuffer(bytes: payload)) }
                let submit = SubmitSM(source: source, destination: destination, esmClass: part.hasUDH ? .udhi : ESMClass(rawValue: 0),
                                      registeredDelivery: index == 0 ? .receipt : .none, dataCoding: split.dataCoding,
                                      shortMessage: ByteBuffer(bytes: part.shortMessage))
                let pdu = PDU(.submitSM(submit), sequenceNumber: UInt32(index + 1), tlvs: tlvs)
                do {
                    print("submit_sm \(index + 1): \(hexString(Array(try pdu.encoded().readableBytesView)))")
                } catch {
                    fail("\(error)")
                }
            }
        }
    }
}

func hexByte(_ byte: UInt8) -> String {
    byte < 16 ? "0x0" + String(byte, radix: 16) : "0x" + String(byte, radix: 16)
}
