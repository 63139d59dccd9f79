/// What a receipt text says, field by field, before anything is required of it.
///
/// The parser behind ``DeliveryReceipt/parse(_:)``: one pass over the UTF-8 bytes, no Foundation,
/// no regular expressions. ``DeliveryReceipt/resolve(text:receiptedMessageID:messageState:networkErrorCode:)``
/// uses it directly so that a text missing `stat:` can still supply the `id:` a TLV lacks.
///
/// Tolerates what real MCs send: keys in any case, `submit_date` / `submitdate` spellings, extra
/// spaces (also around the colon), fields in any order, unknown fields (kept), missing fields,
/// 10- or 12-digit dates, an `err` of any length, trailing NULs. `text:` takes the rest of the
/// input, spaces and colons included, so it must come last — as it does in every receipt seen;
/// anything after it is part of the text.
struct ReceiptFields: Hashable, Sendable {
    var id: String?
    var submitted: Int?
    var delivered: Int?
    var submitDate: ReceiptDate?
    var doneDate: ReceiptDate?
    var stat: MessageState?
    /// The `stat:` value when it is not a known word, for the error message.
    var unreadableStat: String?
    var err: String?
    var text: String?
    var extraFields: [DeliveryReceipt.Field] = []

    /// The fields the parser recognises.
    private enum Key {
        case id, sub, dlvrd, submitDate, doneDate, stat, err, text

        static let table: [(PackedASCIIWord, Key)] = [
            (PackedASCIIWord("ID"), .id),
            (PackedASCIIWord("SUB"), .sub),
            (PackedASCIIWord("DLVRD"), .dlvrd),
            (PackedASCIIWord("SUBMITDATE"), .submitDate),
            (PackedASCIIWord("DONEDATE"), .doneDate),
            (PackedASCIIWord("STAT"), .stat),
            (PackedASCIIWord("ERR"), .err),
            (PackedASCIIWord("TEXT"), .text),
        ]

        /// Recognises `bytes[start..<end]`, ignoring ASCII case, spaces and underscores.
        static func match(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Key? {
            var word = PackedASCIIWord()
            var index = start
            while index < end {
                let byte = bytes[index]
                if byte != UInt8(ascii: "_"), !isSpace(byte) { word.append(byte) }
                index += 1
            }
            guard !word.overflowed else { return nil }
            for (candidate, key) in table where candidate == word {
                return key
            }
            return nil
        }
    }

    init() {}

    /// Parses any bytes; never fails, never traps. Missing fields stay nil.
    init(utf8 bytes: some Collection<UInt8>) {
        let parsed = bytes.withContiguousStorageIfAvailable { ReceiptFields(buffer: $0) }
        self = parsed ?? Array(bytes).withUnsafeBufferPointer { ReceiptFields(buffer: $0) }
    }

    /// Parses a string's UTF-8 without copying it when it is stored contiguously (native strings are).
    init(_ text: String) {
        self.init(utf8: text.utf8)
    }

    private init(buffer bytes: UnsafeBufferPointer<UInt8>) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0 { end -= 1 }
        var position = 0

        while true {
            while position < end, Self.isSpace(bytes[position]) { position += 1 }
            guard position < end else { break }

            // The key runs up to the next colon; without one, what is left is not a field.
            var colon = position
            while colon < end, bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            guard colon < end else { break }

            var keyEnd = colon
            while keyEnd > position, Self.isSpace(bytes[keyEnd - 1]) { keyEnd -= 1 }
            var keyStart = position
            var key = Key.match(bytes, keyStart, keyEnd)
            if key == nil {
                // Junk before a key ("foo stat:…"): try the last two words ("submit date"), then the last one.
                let lastWord = Self.startOfLastWord(bytes, from: keyStart, to: keyEnd)
                if lastWord > keyStart {
                    let lastTwoWords = Self.startOfLastWord(bytes, from: keyStart, to: Self.endBeforeSpaces(bytes, keyStart, lastWord))
                    if lastTwoWords < lastWord, let twoWordKey = Key.match(bytes, lastTwoWords, keyEnd) {
                        key = twoWordKey
                        keyStart = lastTwoWords
                    } else {
                        key = Key.match(bytes, lastWord, keyEnd)
                        keyStart = lastWord
                    }
                }
            }

            var valueStart = colon + 1
            if key == .text {
                // The rest of the input, exactly: spaces and colons are part of the message.
                text = Self.string(bytes, valueStart, end)
                break
            }

            let spaceAfterColon = valueStart < end && Self.isSpace(bytes[valueStart])
            while valueStart < end, Self.isSpace(bytes[valueStart]) { valueStart += 1 }
            var valueEnd = valueStart
            var valueHasColon = false
            while valueEnd < end, !Self.isSpace(bytes[valueEnd]) {
                if bytes[valueEnd] == UInt8(ascii: ":") { valueHasColon = true }
                valueEnd += 1
            }
            if spaceAfterColon, valueHasColon || Self.startsTwoWordKey(bytes, at: valueStart, wordEnd: valueEnd, end: end) {
                // "err: text:…" or "submit date: done date:…": the value is empty and the next
                // word already starts the next key.
                valueEnd = valueStart
            }
            position = valueEnd
            store(key, bytes, keyStart: keyStart, keyEnd: keyEnd, valueStart: valueStart, valueEnd: valueEnd)
        }
    }

    private mutating func store(
        _ key: Key?, _ bytes: UnsafeBufferPointer<UInt8>, keyStart: Int, keyEnd: Int, valueStart: Int, valueEnd: Int
    ) {
        let value = UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd])
        switch key {
        case .id where id == nil:
            id = String(decoding: value, as: UTF8.self)
        case .sub where submitted == nil:
            submitted = Self.decimal(value) ?? 0
        case .dlvrd where delivered == nil:
            delivered = Self.decimal(value) ?? 0
        case .submitDate where submitDate == nil:
            submitDate = ReceiptDate(text: String(decoding: value, as: UTF8.self), components: .init(digits: value))
        case .doneDate where doneDate == nil:
            doneDate = ReceiptDate(text: String(decoding: value, as: UTF8.self), components: .init(digits: value))
        case .stat where stat == nil && unreadableStat == nil:
            if let state = MessageState.parse(value) {
                stat = state
            } else {
                unreadableStat = String(decoding: value, as: UTF8.self)
            }
        case .err where err == nil:
            err = String(decoding: value, as: UTF8.self)
        default:
            // Unknown keys, and repeats of known ones (the first one counts), are kept as sent.
            extraFields.append(.init(key: Self.string(bytes, keyStart, keyEnd), value: String(decoding: value, as: UTF8.self)))
        }
    }

    /// The receipt, when the two fields that make a receipt, `id` and `stat`, are there.
    func receipt() throws(ReceiptParseError) -> DeliveryReceipt {
        guard let id, !id.isEmpty else { throw .missingField("id") }
        guard let stat else {
            if let unreadableStat { throw .invalidValue(field: "stat", value: unreadableStat) }
            throw .missingField("stat")
        }
        return DeliveryReceipt(
            id: id,
            submitted: submitted ?? 0,
            delivered: delivered ?? 0,
            submitDate: submitDate,
            doneDate: doneDate,
            stat: stat,
            err: err ?? "",
            text: text,
            extraFields: extraFields
        )
    }

    // MARK: - Byte helpers

    /// Space, tab, CR and LF separate fields.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }

    /// Whether the word at `start..<wordEnd` and the word after it, up to its colon, spell a
    /// known two-word key (`done date:`).
    private static func startsTwoWordKey(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, wordEnd: Int, end: Int) -> Bool {
        guard start < wordEnd else { return false }
        var index = wordEnd
        while index < end, isSpace(bytes[index]) { index += 1 }
        var colon = index
        while colon < end, bytes[colon] != UInt8(ascii: ":"), !isSpace(bytes[colon]) { colon += 1 }
        guard index < colon, colon < end, bytes[colon] == UInt8(ascii: ":") else { return false }
        let key = Key.match(bytes, start, colon)
        return key == .submitDate || key == .doneDate
    }

    /// The index where the last space-separated word of `bytes[start..<end]` begins.
    private static func startOfLastWord(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = end
        while index > start, !isSpace(bytes[index - 1]) { index -= 1 }
        return index
    }

    /// Moves `end` back over the spaces before it, not past `start`.
    private static func endBeforeSpaces(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var index = end
        while index > start, isSpace(bytes[index - 1]) { index -= 1 }
        return index
    }

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// A decimal number of at most 9 digits; nil for anything else.
    private static func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
