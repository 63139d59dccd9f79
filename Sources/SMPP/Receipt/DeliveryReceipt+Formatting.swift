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
        let seconds = dateStyle == .twelveDigits
        let textPrefix = Self.firstTwentyCharacters(of: text ?? "")
        let errPadding = Self.zeroPadding(forErr: err)
        var capacity = 80 + id.utf8.count + err.utf8.count + errPadding + textPrefix.utf8.count
        capacity += Self.formattedLength(of: submitDate, seconds: seconds) + Self.formattedLength(of: doneDate, seconds: seconds)
        if includingExtraFields {
            for field in extraFields { capacity += 2 + field.key.utf8.count + field.value.utf8.count }
        }

        return ReceiptTextWriter.string(capacity: capacity) { out in
            out.append("id:")
            out.append(id)
            out.append(" sub:")
            out.appendDigits(submitted, width: 3)
            out.append(" dlvrd:")
            out.appendDigits(delivered, width: 3)
            out.append(" submit date:")
            Self.write(submitDate, seconds: seconds, to: &out)
            out.append(" done date:")
            Self.write(doneDate, seconds: seconds, to: &out)
            out.append(" stat:")
            out.append(stat.receiptStat)
            out.append(" err:")
            for _ in 0..<errPadding { out.append(UInt8(ascii: "0")) }
            out.append(err)
            if includingExtraFields {
                for field in extraFields {
                    out.append(UInt8(ascii: " "))
                    out.append(field.key)
                    out.append(UInt8(ascii: ":"))
                    out.append(field.value)
                }
            }
            out.append(" text:")
            out.append(textPrefix)
        }
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
