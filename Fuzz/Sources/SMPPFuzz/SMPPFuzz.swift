import NIOCore
import SMPP

/// libFuzzer entry point: any octets, framed and decoded as a server would.
///
/// Beyond "never crash", every PDU that decodes must re-encode to exactly its input octets,
/// and must survive the JSON form of `tern pdu decode`/`encode` unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var stream = ByteBuffer(bytes: UnsafeRawBufferPointer(start: start, count: count))
    let framing = PDUFraming(maximumCommandLength: 4096)
    while true {
        let frame: ByteBuffer?
        do {
            frame = try framing.nextFrame(from: &stream)
        } catch {
            precondition(error.closesConnection, "a framing error must close the connection: \(error)")
            return 0
        }
        guard let frame else { return 0 }
        let pdu: PDU
        do {
            pdu = try PDU.decode(frame)
        } catch {
            precondition(error.header != nil, "a framed PDU always has a header: \(error)")
            continue
        }
        guard let encoded = try? pdu.encoded() else {
            preconditionFailure("a decoded PDU must encode: \(pdu)")
        }
        precondition(encoded == frame, "decode→encode changed the octets of \(pdu.commandID.name)")
        let json = pdu.json
        guard let rebuilt = try? PDU(json: json), let reencoded = try? rebuilt.encoded() else {
            preconditionFailure("the JSON form does not rebuild: \(json.text)")
        }
        precondition(reencoded == frame, "JSON round trip changed \(json.text)")
    }
}

/// libFuzzer's driver, called from the entry point SwiftPM expects for an executable target
/// (`<target>_main`); libFuzzer's own `main` is not used.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt
) -> CInt

@_cdecl("SMPPFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
