/// What a message part costs an account, in integer minor units of its currency, when the
/// `bill` hook gives no price: a default and prices by destination prefix (longest wins).
public struct PricePlan: Sendable, Hashable, Codable {
    /// The price of a part to a destination no prefix matches; nil: such messages cost nothing.
    public var defaultPrice: Int?
    /// Destination prefix (digits, without '+') → price.
    public var prefixes: [String: Int]

    public init(defaultPrice: Int? = nil, prefixes: [String: Int] = [:]) {
        self.defaultPrice = defaultPrice
        self.prefixes = prefixes
    }

    enum CodingKeys: String, CodingKey {
        case defaultPrice = "default"
        case prefixes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        defaultPrice = try container.decodeIfPresent(Int.self, forKey: .defaultPrice)
        prefixes = try container.decodeIfPresent([String: Int].self, forKey: .prefixes) ?? [:]
    }

    /// The price of one part to `destination`.
    public func price(destination: String) -> Int? {
        let digits = destination.hasPrefix("+") ? Substring(destination.dropFirst()) : Substring(destination)
        var length = digits.count
        while length > 0 {
            if let price = prefixes[String(digits.prefix(length))] { return price }
            length -= 1
        }
        return defaultPrice
    }

    /// Why the plan cannot be used, in words; nil when it is fine.
    public var problem: String? {
        if let defaultPrice, defaultPrice < 0 { return "the default price is negative" }
        for (prefix, price) in prefixes.sorted(by: { $0.key < $1.key }) {
            if prefix.isEmpty || !prefix.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                return "prefix \"\(prefix)\" is not digits"
            }
            if price < 0 { return "the price for prefix \(prefix) is negative" }
        }
        return nil
    }
}
