/// Writes receipt text straight into a String's storage: one allocation per receipt, no
/// intermediate strings. Capacity is the caller's job; writes past it are dropped, never trap.
struct ReceiptTextWriter {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    mutating func append(_ byte: UInt8) {
        guard count < buffer.count else { return }
        buffer[count] = byte
        count += 1
    }

    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes in
            for byte in bytes { append(byte) }
        }
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    mutating func append(_ text: Substring) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    private mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        let length = Swift.min(bytes.count, buffer.count - count)
        guard length > 0, let source = bytes.baseAddress, let target = buffer.baseAddress else { return }
        (target + count).update(from: source, count: length)
        count += length
    }

    /// `value` as exactly `width` decimal digits, clamped to what fits (0…10^width − 1).
    /// Written from the last digit back, so every step divides by the constant 10 (a multiply)
    /// rather than by a running power of ten; a receipt has some forty digits.
    mutating func appendDigits(_ value: Int, width: Int) {
        guard width > 0 else { return }
        var limit = 1
        for _ in 0..<width { limit *= 10 }
        var remaining = Swift.min(Swift.max(value, 0), limit - 1)
        let end = count + width
        var index = end
        while index > count {
            index -= 1
            if index < buffer.count { buffer[index] = UInt8(ascii: "0") + UInt8(remaining % 10) }
            remaining /= 10
        }
        count = Swift.min(end, buffer.count)
    }

    /// Builds a String of at most `capacity` UTF-8 bytes with `body`.
    static func string(capacity: Int, _ body: (inout ReceiptTextWriter) -> Void) -> String {
        String(unsafeUninitializedCapacity: Swift.max(capacity, 1)) { buffer in
            var writer = ReceiptTextWriter(buffer)
            body(&writer)
            return writer.count
        }
    }
}
