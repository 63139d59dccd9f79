/// The message as hooks see it (`msg`). Built by the gateway from a validated submission; also
/// read from JSON by `tern script test` (snake_case keys, as the Lua table has them).
public struct ScriptMessage: Sendable, Hashable, Codable {
    public var id: String
    public var account: String
    public var reseller: String?
    public var source: String
    public var sourceTON: Int
    public var sourceNPI: Int
    public var destination: String
    public var destinationTON: Int
    public var destinationNPI: Int
    /// Decoded text; nil for binary data.
    public var text: String?
    public var dataCoding: Int
    public var esmClass: Int
    public var registeredDelivery: Int
    public var serviceType: String
    public var parts: Int
    public var tlvs: [String: ScriptValue]
    public var clientIP: String?
    /// Messages the account sent this calendar month (UTC) before this one.
    public var volume: Int
    /// For `bill`: set by the chain; a test may give them to call `bill` alone.
    public var route: [String]?
    public var price: Int?
    /// For one part of a long message sent as several PDUs: which part of which message.
    public var concat: ScriptConcatenation?

    public init(id: String, account: String, reseller: String? = nil, source: String, sourceTON: Int = 0, sourceNPI: Int = 0,
                destination: String, destinationTON: Int = 1, destinationNPI: Int = 1, text: String?, dataCoding: Int = 0,
                esmClass: Int = 0, registeredDelivery: Int = 0, serviceType: String = "", parts: Int = 1,
                tlvs: [String: ScriptValue] = [:], clientIP: String? = nil, volume: Int = 0,
                route: [String]? = nil, price: Int? = nil) {
        self.id = id
        self.account = account
        self.reseller = reseller
        self.source = source
        self.sourceTON = sourceTON
        self.sourceNPI = sourceNPI
        self.destination = destination
        self.destinationTON = destinationTON
        self.destinationNPI = destinationNPI
        self.text = text
        self.dataCoding = dataCoding
        self.esmClass = esmClass
        self.registeredDelivery = registeredDelivery
        self.serviceType = serviceType
        self.parts = parts
        self.tlvs = tlvs
        self.clientIP = clientIP
        self.volume = volume
        self.route = route
        self.price = price
    }

    enum CodingKeys: String, CodingKey {
        case id, account, reseller, source, destination, text, parts, tlvs, volume, route, price, concat
        case sourceTON = "source_ton", sourceNPI = "source_npi", destinationTON = "destination_ton"
        case destinationNPI = "destination_npi", dataCoding = "data_coding", esmClass = "esm_class"
        case registeredDelivery = "registered_delivery", serviceType = "service_type", clientIP = "client_ip"
    }

    /// Every field but id, account, source and destination may be left out.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decodeIfPresent(String.self, forKey: .id) ?? "1",
            account: try c.decode(String.self, forKey: .account),
            reseller: try c.decodeIfPresent(String.self, forKey: .reseller),
            source: try c.decode(String.self, forKey: .source),
            sourceTON: try c.decodeIfPresent(Int.self, forKey: .sourceTON) ?? 0,
            sourceNPI: try c.decodeIfPresent(Int.self, forKey: .sourceNPI) ?? 0,
            destination: try c.decode(String.self, forKey: .destination),
            destinationTON: try c.decodeIfPresent(Int.self, forKey: .destinationTON) ?? 1,
            destinationNPI: try c.decodeIfPresent(Int.self, forKey: .destinationNPI) ?? 1,
            text: try c.decodeIfPresent(String.self, forKey: .text),
            dataCoding: try c.decodeIfPresent(Int.self, forKey: .dataCoding) ?? 0,
            esmClass: try c.decodeIfPresent(Int.self, forKey: .esmClass) ?? 0,
            registeredDelivery: try c.decodeIfPresent(Int.self, forKey: .registeredDelivery) ?? 0,
            serviceType: try c.decodeIfPresent(String.self, forKey: .serviceType) ?? "",
            parts: try c.decodeIfPresent(Int.self, forKey: .parts) ?? 1,
            tlvs: try c.decodeIfPresent([String: ScriptValue].self, forKey: .tlvs) ?? [:],
            clientIP: try c.decodeIfPresent(String.self, forKey: .clientIP),
            volume: try c.decodeIfPresent(Int.self, forKey: .volume) ?? 0,
            route: try c.decodeIfPresent([String].self, forKey: .route),
            price: try c.decodeIfPresent(Int.self, forKey: .price))
        concat = try c.decodeIfPresent(ScriptConcatenation.self, forKey: .concat)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(account, forKey: .account)
        try c.encodeIfPresent(reseller, forKey: .reseller)
        try c.encode(source, forKey: .source)
        try c.encode(destination, forKey: .destination)
        try c.encodeIfPresent(text, forKey: .text)
        try c.encode(dataCoding, forKey: .dataCoding)
        try c.encode(parts, forKey: .parts)
        try c.encode(volume, forKey: .volume)
        try c.encodeIfPresent(route, forKey: .route)
        try c.encodeIfPresent(price, forKey: .price)
        try c.encodeIfPresent(concat, forKey: .concat)
    }
}

/// `msg.concat`: the part's place in its long message (from the UDH or the SAR TLVs).
public struct ScriptConcatenation: Sendable, Hashable, Codable {
    public var reference: Int
    public var total: Int
    public var sequence: Int

    public init(reference: Int, total: Int, sequence: Int) {
        self.reference = reference
        self.total = total
        self.sequence = sequence
    }
}

/// A bind as `authenticate(bind)` sees it.
public struct ScriptBind: Sendable, Hashable {
    public var systemID: String
    public var password: String
    public var bindType: String
    public var remote: String
    public var tls: Bool
    public var interfaceVersion: Int

    public init(systemID: String, password: String, bindType: String, remote: String, tls: Bool, interfaceVersion: Int) {
        self.systemID = systemID
        self.password = password
        self.bindType = bindType
        self.remote = remote
        self.tls = tls
        self.interfaceVersion = interfaceVersion
    }
}

/// A mobile-originated message as `route_mo(mo)` sees it.
public struct ScriptMO: Sendable, Hashable {
    public var source: String
    public var destination: String
    public var text: String?
    public var dataCoding: Int
    public var connector: String

    public init(source: String, destination: String, text: String?, dataCoding: Int, connector: String) {
        self.source = source
        self.destination = destination
        self.text = text
        self.dataCoding = dataCoding
        self.connector = connector
    }
}

/// The account as hooks see it: the second argument of a hook declared with two parameters
/// (`filter = function(msg, account) … end`).
public struct ScriptAccount: Sendable, Hashable {
    public var systemID: String
    public var reseller: String?
    public var enabled: Bool
    public var maxBinds: Int
    public var throughput: Int?
    public var policy: String?

    public init(systemID: String, reseller: String? = nil, enabled: Bool = true, maxBinds: Int = 0, throughput: Int? = nil, policy: String? = nil) {
        self.systemID = systemID
        self.reseller = reseller
        self.enabled = enabled
        self.maxBinds = maxBinds
        self.throughput = throughput
        self.policy = policy
    }
}
