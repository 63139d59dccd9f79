import Gateway
import Testing

@Suite("Route tables")
struct RouteTableTests {
    static let table = RouteTable([
        RouteRule(name: "acme-uk", accounts: ["acme"], destinationPrefixes: ["44"], connectors: ["a", "b"]),
        RouteRule(name: "unicode", dataCodings: [8], connectors: ["ucs2"]),
        RouteRule(name: "info", sources: ["INFO*", "Bank"], connectors: ["senders"]),
        RouteRule(name: "ireland", destinationPrefixes: ["353", "3538"], connectors: ["ie"]),
        RouteRule(name: "beta-or-gamma", accounts: ["beta", "gamma"], destinationPrefixes: ["1"], sources: ["x"], dataCodings: [0, 3], connectors: ["combo"]),
        RouteRule(name: "default", connectors: ["fallback"]),
    ])

    private func route(account: String = "zed", destination: String = "999", source: String = "S", dataCoding: UInt8 = 0) -> String? {
        Self.table.connectors(account: account, destination: destination, source: source, dataCoding: dataCoding)?.route
    }

    @Test("the first matching rule in file order wins, with its connectors in order")
    func firstMatch() throws {
        let match = try #require(Self.table.connectors(account: "acme", destination: "447700900123", source: "INFO1", dataCoding: 8))
        #expect(match.route == "acme-uk")
        #expect(match.connectors == ["a", "b"])
        #expect(route(account: "acme", destination: "337700900123", dataCoding: 8) == "unicode")
    }

    @Test("destination prefixes ignore a leading '+'")
    func destinations() {
        #expect(route(account: "acme", destination: "+447700900123") == "acme-uk")
        #expect(route(account: "acme", destination: "+4") == "default")
        #expect(route(destination: "353861234567") == "ireland")
        #expect(route(destination: "+35") == "default")
        #expect(route(destination: "") == "default")
        #expect(route(destination: "+") == "default")
        #expect(route(destination: "35a") == "default")
    }

    @Test("accounts match exactly")
    func accounts() {
        #expect(route(account: "ACME", destination: "447700900123") == "default")
        #expect(route(account: "acm", destination: "447700900123") == "default")
    }

    @Test("sources match exactly, or by prefix when written with '*'")
    func sources() {
        #expect(route(source: "INFO") == "info")
        #expect(route(source: "INFOLINE") == "info")
        #expect(route(source: "Bank") == "info")
        #expect(route(source: "Banks") == "default")
        #expect(route(source: "INF") == "default")
    }

    @Test("every condition of a rule must hold")
    func allConditions() {
        #expect(route(account: "gamma", destination: "12025550100", source: "x", dataCoding: 3) == "beta-or-gamma")
        #expect(route(account: "gamma", destination: "12025550100", source: "x", dataCoding: 4) == "default")
        #expect(route(account: "gamma", destination: "22025550100", source: "x", dataCoding: 3) == "default")
        #expect(route(account: "gamma", destination: "12025550100", source: "y", dataCoding: 3) == "default")
        #expect(route(account: "delta", destination: "12025550100", source: "x", dataCoding: 3) == "default")
    }

    @Test("data codings across the whole 0–255 range")
    func dataCodings() {
        let table = RouteTable([RouteRule(name: "high", dataCodings: [63, 64, 127, 128, 255], connectors: ["h"])])
        for coding in 0...255 {
            let expected = [63, 64, 127, 128, 255].contains(coding)
            #expect((table.connectors(account: "", destination: "", source: "", dataCoding: UInt8(coding)) != nil) == expected, "\(coding)")
        }
    }

    @Test("no rule matches: nil; a bare '*' source matches every sender")
    func noMatchAndWildcard() {
        let table = RouteTable([RouteRule(name: "uk", destinationPrefixes: ["44"], connectors: ["u"])])
        #expect(table.connectors(account: "a", destination: "33", source: "s", dataCoding: 0) == nil)
        let wildcard = RouteTable([RouteRule(name: "any", sources: ["*"], connectors: ["w"])])
        #expect(wildcard.connectors(account: "a", destination: "33", source: "whatever", dataCoding: 0)?.route == "any")
        #expect(RouteTable([]).connectors(account: "a", destination: "1", source: "s", dataCoding: 0) == nil)
    }

    @Test("a rule built from a parsed config routes like the file says")
    func fromConfig() throws {
        let config = try TernConfig.parse("""
        [[connector]]
        name = "sim"
        type = "simulator"
        [[connector]]
        name = "sim2"
        type = "simulator"
        [[route]]
        name = "uk"
        prefix = "+44"
        connectors = ["sim2", "sim"]
        [[route]]
        name = "default"
        connector = "sim"
        """, file: "t.toml")
        let table = RouteTable(config.routes)
        #expect(table.connectors(account: "a", destination: "+447700900123", source: "s", dataCoding: 0)?.connectors == ["sim2", "sim"])
        #expect(table.connectors(account: "a", destination: "+337700900123", source: "s", dataCoding: 0)?.route == "default")
    }

    // MARK: - MO

    static let mo = MORouteTable([
        MORouteRule(name: "join", destinationPrefixes: ["12345"], keywords: ["JOIN", "start"], account: "acme"),
        MORouteRule(name: "ünïcode", keywords: ["ÉTÉ"], account: "summer"),
        MORouteRule(name: "shortcode", destinationPrefixes: ["12345"], account: "shortcode-owner"),
        MORouteRule(name: "stop", keywords: ["stop"], account: "optout"),
    ])

    @Test("MO keyword is the first word of the text, case-insensitive")
    func moKeywords() {
        #expect(Self.mo.account(destination: "12345", text: "join me") == "acme")
        #expect(Self.mo.account(destination: "+12345", text: "  JoIn\tnow") == "acme")
        #expect(Self.mo.account(destination: "123456", text: "START") == "acme")
        #expect(Self.mo.account(destination: "12345", text: "joiner") == "shortcode-owner")
        #expect(Self.mo.account(destination: "12345", text: "") == "shortcode-owner")
        #expect(Self.mo.account(destination: "999", text: "Stop\n") == "optout")
        #expect(Self.mo.account(destination: "999", text: "été chaud") == "summer")
        #expect(Self.mo.account(destination: "999", text: "hello") == nil)
        #expect(Self.mo.account(destination: "999", text: "   ") == nil)
    }

    @Test("an MO table without rules routes nothing; a rule without conditions routes everything")
    func moEdges() {
        #expect(MORouteTable([]).account(destination: "1", text: "x") == nil)
        #expect(MORouteTable([MORouteRule(name: "all", account: "catch")]).account(destination: "", text: "") == "catch")
    }
}
