import NIOCore

extension DeliveryReceipt {
    /// The classic receipt text, byte for byte:
    /// `id:<id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:<first 20 chars>`.
    ///
    /// This exact shape is what third-party clients parse (clients.md): sub and dlvrd are three
    /// digits (clamped to 0…999), err is left-padded with zeros to three characters when it is
    /// a shorter number, dates are 10 digits unless `dateStyle` says otherwise, `text:` is always
    /// present and last, with at most 20 characters. Extra fields are left out unless asked for;
    /// then they go between `err:` and `text:`. A missing date is written empty.
    public func format(dateStyle: DateStyle = .tenDigits, includingExtraFields: Bool = false) -> String {
        let layout = Layout(self, dateStyle: dateStyle, includingExtraFields: includingExtraFields)
        return ReceiptTextWriter.string(capacity: layout.capacity) { write(layout, to: &$0) }
    }

    /// The same text appended to `buffer` as bytes, as a deliver_sm carries it: a String in
    /// between cost an allocation, a UTF-8 check and a copy for every receipt. Returns how many
    /// bytes it wrote.
    @discardableResult
    public func format(into buffer: inout ByteBuffer, dateStyle: DateStyle = .tenDigits,
                       includingExtraFields: Bool = false) -> Int {
        let layout = Layout(self, dateStyle: dateStyle, includingExtraFields: includingExtraFields)
        return buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: layout.capacity) { raw in
            var out = ReceiptTextWriter(raw.bindMemory(to: UInt8.self))
            write(layout, to: &out)
            return out.count
        }
    }

    /// What the text's shape depends on, worked out once, and the room it needs at most.
    private struct Layout {
        let seconds: Bool
        let textPrefix: Substring
        let errPadding: Int
        let includingExtraFields: Bool
        let capacity: Int

        init(_ receipt: DeliveryReceipt, dateStyle: DateStyle, includingExtraFields: Bool) {
            seconds = dateStyle == .twelveDigits
            textPrefix = DeliveryReceipt.firstTwentyCharacters(of: receipt.text ?? "")
            errPadding = DeliveryReceipt.zeroPadding(forErr: receipt.err)
            self.includingExtraFields = includingExtraFields
            var capacity = 80 + receipt.id.utf8.count + receipt.err.utf8.count + errPadding + textPrefix.utf8.count
            capacity += DeliveryReceipt.formattedLength(of: receipt.submitDate, seconds: seconds)
                + DeliveryReceipt.formattedLength(of: receipt.doneDate, seconds: seconds)
            if includingExtraFields {
                for field in receipt.extraFields { capacity += 2 + field.key.utf8.count + field.value.utf8.count }
            }
            self.capacity = capacity
        }
    }

    private func write(_ layout: Layout, to out: inout ReceiptTextWriter) {
        out.append("id:")
        out.append(id)
        out.append(" sub:")
        out.appendDigits(submitted, width: 3)
        out.append(" dlvrd:")
        out.appendDigits(delivered, width: 3)
        out.append(" submit date:")
        Self.write(submitDate, seconds: layout.seconds, to: &out)
        out.append(" done date:")
        Self.write(doneDate, seconds: layout.seconds, to: &out)
        out.append(" stat:")
        out.append(stat.receiptStat)
        out.append(" err:")
        for _ in 0..<layout.errPadding { out.append(UInt8(ascii: "0")) }
        out.append(err)
        if layout.includingExtraFields {
            for field in extraFields {
                out.append(UInt8(ascii: " "))
                out.append(field.key)
                out.append(UInt8(ascii: ":"))
                out.append(field.value)
            }
        }
        out.append(" text:")
        out.append(layout.textPrefix)
    }

    /// The first 20 characters; short texts (the usual case) skip the grapheme walk.
    private static func firstTwentyCharacters(of text: String) -> Substring {
        text.utf8.count <= 20 ? text[...] : text.prefix(20)
    }

    /// How many zeros make a short numeric err three characters long.
    private static func zeroPadding(forErr err: String) -> Int {
        let utf8 = err.utf8
        guard utf8.count < 3, utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return 0 }
        return 3 - utf8.count
    }

    private static func formattedLength(of date: ReceiptDate?, seconds: Bool) -> Int {
        guard let date else { return 0 }
        return date.components == nil ? date.text.utf8.count : (seconds ? 12 : 10)
    }

    private static func write(_ date: ReceiptDate?, seconds: Bool, to out: inout ReceiptTextWriter) {
        guard let date else { return }
        guard let components = date.components else {
            out.append(date.text)
            return
        }
        components.write(includingSeconds: seconds, to: &out)
    }
}
