import ArgumentParser
import NIOCore
import SMPP

#if canImport(Glibc)
import Glibc
#endif

/// `tern pdu`: look inside PDUs, build them, and see how a text is sent.
struct PDUCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdu",
        abstract: "Decode, encode and build SMPP PDUs.",
        subcommands: [Decode.self, Encode.self, Text.self]
    )

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print PDUs given in hex as JSON, one object per line.",
            discussion: "Malformed input exits with status 1 and one line naming the field, the offset and the limit, and the server's reaction."
        )

        @Argument(help: "The PDU octets in hex (spaces and a 0x prefix are fine). Several PDUs may follow each other.")
        var hex: [String]

        @Option(help: "Largest command_length accepted, as the server's framing would.")
        var maxCommandLength: Int = PDUFraming.defaultMaximumCommandLength

        func run() throws {
            var text = hex.joined()
            if text.hasPrefix("0x") || text.hasPrefix("0X") { text.removeFirst(2) }
            guard let bytes = bytesFromHex(text), !bytes.isEmpty else {
                fail("input is not an even number of hex digits")
            }
            var stream = ByteBuffer(bytes: bytes)
            let framing = PDUFraming(maximumCommandLength: maxCommandLength)
            do {
                while stream.readableBytes > 0 {
                    let offset = bytes.count - stream.readableBytes
                    guard let frame = try framing.nextFrame(from: &stream) else {
                        let claimed = stream.readableBytes >= 4 ? stream.getInteger(at: stream.readerIndex, as: UInt32.self).map(String.init) ?? "?" : "?"
                        fail("incomplete PDU at offset \(offset): command_length \(claimed) but only \(stream.readableBytes) octet(s) given — server reaction: wait for the rest (close on EOF or inactivity)")
                    }
                    do {
                        print(try PDU.decode(frame).json.text)
                    } catch {
                        fail(describe(error, at: offset))
                    }
                }
            } catch {
                fail(describe(error, at: bytes.count - stream.readableBytes))
            }
        }

        private func describe(_ error: SMPPDecodingError, at pduOffset: Int) -> String {
            var where_ = ""
            if let field = error.field { where_ += "field \(field)" }
            if let offset = error.offset { where_ += (where_.isEmpty ? "" : ", ") + "offset \(pduOffset + offset)" }
            var line = "malformed"
            if let header = error.header { line += " \(header.commandID.name) (sequence \(header.sequenceNumber))" }
            line += ": \(error.reason)"
            if !where_.isEmpty { line += " [\(where_)]" }
            return line + " — server reaction: \(error.reactionDescription)"
        }
    }

    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a PDU as JSON on standard input (the shape `pdu decode` prints) and print its hex.",
            discussion: "command_length, sm_length, number_of_dests, no_unsuccess and TLV lengths are computed. Several objects may be given, one per line."
        )

        func run() throws {
            var lines: [String] = []
            while let line = readLine(strippingNewline: true) { lines.append(line) }
            let input = lines.joined(separator: "\n")
            let objects: [JSONValue]
            do {
                let value = try JSONValue(parsing: input)
                if case .array(let items) = value { objects = items } else { objects = [value] }
            } catch {
                // One object per line (the output of `pdu decode` for several PDUs).
                do {
                    objects = try lines.filter { !$0.allSatisfy(\.isWhitespace) }.map { line throws(JSONParseError) in try JSONValue(parsing: line) }
                } catch {
                    fail("\(error)")
                }
            }
            for object in objects {
                do {
                    let pdu = try PDU(json: object)
                    let bytes = try pdu.encoded()
                    print(hexString(Array(bytes.readableBytesView)))
                } catch let error as PDUJSONError {
                    fail(error.reason)
                } catch {
                    fail("\(error)")
                }
            }
        }
    }
}

/// Prints one line to standard error and exits with status 1.
func fail(_ message: String) -> Never {
    var line = "tern: " + message + "\n"
    line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    exit(1)
}
