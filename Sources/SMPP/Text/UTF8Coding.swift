/// Hand-rolled UTF-8 stepping and writing shared by the text codecs.
///
/// The codecs read a `String`'s own UTF-8 storage and build results with
/// `String(unsafeUninitializedCapacity:initializingUTF8With:)`; doing the UTF-8 arithmetic inline keeps the
/// hot loops free of `Character` / grapheme work and of per-character allocations.
enum UTF8Coding {
    /// U+FFFD, what every decoder emits for input it cannot map.
    static let replacement: UInt32 = 0xFFFD

    /// Reads the scalar starting at `index` of well-formed UTF-8 (a Swift `String`'s storage always is) and
    /// advances `index` past it. A truncated sequence (impossible for a `String`) yields U+FFFD.
    @inline(__always)
    static func nextScalar(_ utf8: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> UInt32 {
        let b0 = utf8[index]
        if b0 < 0x80 {
            index += 1
            return UInt32(b0)
        }
        let length = b0 < 0xE0 ? 2 : (b0 < 0xF0 ? 3 : 4)
        guard index + length <= utf8.count else {
            index = utf8.count
            return replacement
        }
        var scalar: UInt32
        switch length {
        case 2: scalar = UInt32(b0 & 0x1F)
        case 3: scalar = UInt32(b0 & 0x0F)
        default: scalar = UInt32(b0 & 0x07)
        }
        for k in 1..<length {
            scalar = scalar << 6 | UInt32(utf8[index + k] & 0x3F)
        }
        index += length
        return scalar
    }

    /// Writes `scalar` as UTF-8 at `index` of `out` (which must have room for 4 more octets) and advances
    /// `index`. Surrogate code points are not scalars and are written as U+FFFD.
    @inline(__always)
    static func write(_ scalar: UInt32, into out: UnsafeMutableBufferPointer<UInt8>, at index: inout Int) {
        switch scalar {
        case 0..<0x80:
            out[index] = UInt8(truncatingIfNeeded: scalar)
            index += 1
        case 0x80..<0x800:
            out[index] = UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6)
            out[index + 1] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            index += 2
        case 0xD800...0xDFFF:
            write(replacement, into: out, at: &index)
        case 0x800..<0x10000:
            out[index] = UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12)
            out[index + 1] = UInt8(truncatingIfNeeded: 0x80 | (scalar >> 6) & 0x3F)
            out[index + 2] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            index += 3
        case 0x10000...0x10FFFF:
            out[index] = UInt8(truncatingIfNeeded: 0xF0 | scalar >> 18)
            out[index + 1] = UInt8(truncatingIfNeeded: 0x80 | (scalar >> 12) & 0x3F)
            out[index + 2] = UInt8(truncatingIfNeeded: 0x80 | (scalar >> 6) & 0x3F)
            out[index + 3] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            index += 4
        default:
            write(replacement, into: out, at: &index)
        }
    }

    /// Runs `body` over the UTF-8 storage of `text` without copying the characters.
    @inline(__always)
    static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        // `withUTF8` is mutating only so it can make a bridged string contiguous; a native string is not copied.
        var text = text
        return text.withUTF8(body)
    }

    /// Runs `body` over `octets` as one contiguous buffer, copying only when the collection is not contiguous.
    @inline(__always)
    static func withContiguous<C: Collection<UInt8>, R>(_ octets: C, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = octets.withContiguousStorageIfAvailable(body) { return result }
        return Array(octets).withUnsafeBufferPointer(body)
    }
}
