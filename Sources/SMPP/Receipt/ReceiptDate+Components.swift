extension ReceiptDate {
    /// The numeric parts of a receipt date. `year` is the two digits as sent (25 for 2025).
    public struct Components: Hashable, Sendable {
        /// Two-digit year, 0–99.
        public var year: Int
        /// 1–12.
        public var month: Int
        /// 1–31.
        public var day: Int
        /// 0–23.
        public var hour: Int
        /// 0–59.
        public var minute: Int
        /// 0–59 (60 for a leap second), or nil for the 10-digit form.
        public var second: Int?

        public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int? = nil) {
            self.year = year
            self.month = month
            self.day = day
            self.hour = hour
            self.minute = minute
            self.second = second
        }

        /// Parses exactly 10 or 12 ASCII digits with plausible values; nil for anything else.
        init?(digits: some Collection<UInt8>) {
            let count = digits.count
            guard count == 10 || count == 12 else { return nil }
            var pairs: (Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0)
            var index = 0
            var pair = 0
            for byte in digits {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                pair = pair * 10 + Int(byte - UInt8(ascii: "0"))
                index += 1
                if index % 2 == 0 {
                    switch index / 2 {
                    case 1: pairs.0 = pair
                    case 2: pairs.1 = pair
                    case 3: pairs.2 = pair
                    case 4: pairs.3 = pair
                    case 5: pairs.4 = pair
                    default: pairs.5 = pair
                    }
                    pair = 0
                }
            }
            guard (1...12).contains(pairs.1), (1...31).contains(pairs.2),
                  pairs.3 <= 23, pairs.4 <= 59, count == 10 || pairs.5 <= 60
            else { return nil }
            self.init(
                year: pairs.0, month: pairs.1, day: pairs.2, hour: pairs.3, minute: pairs.4,
                second: count == 12 ? pairs.5 : nil
            )
        }

        /// `YYMMDDhhmm`, or `YYMMDDhhmmss` (seconds 00 when unknown). Each part is clamped to two digits.
        public func digits(includingSeconds: Bool) -> String {
            ReceiptTextWriter.string(capacity: 12) { write(includingSeconds: includingSeconds, to: &$0) }
        }

        func write(includingSeconds: Bool, to out: inout ReceiptTextWriter) {
            out.appendDigits(year, width: 2)
            out.appendDigits(month, width: 2)
            out.appendDigits(day, width: 2)
            out.appendDigits(hour, width: 2)
            out.appendDigits(minute, width: 2)
            if includingSeconds { out.appendDigits(second ?? 0, width: 2) }
        }
    }
}
