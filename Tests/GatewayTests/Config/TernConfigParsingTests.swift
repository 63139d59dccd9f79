import Gateway
import Testing

@Suite("TernConfig parsing")
struct TernConfigParsingTests {
    /// The smallest valid file: one simulator and a default route to it.
    static let minimal = """
    [[connector]]
    name = "sim"
    type = "simulator"

    [[route]]
    connectors = ["sim"]
    """

    private func errors(_ text: String) -> [ConfigError] { configErrors(text) }

    /// Expects exactly one problem containing `reason`, on `line`.
    private func expectError(_ text: String, line: Int, _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let found = errors(text)
        #expect(found.count == 1, "\(found)", sourceLocation: sourceLocation)
        #expect(found.first?.line == line, "\(found)", sourceLocation: sourceLocation)
        #expect(found.first?.reason.contains(reason) == true, "\(found)", sourceLocation: sourceLocation)
    }

    @Test("missing sections take the model's defaults")
    func defaults() throws {
        let config = try TernConfig.parse(Self.minimal, file: "t.toml")
        #expect(config.server == ServerSettings())
        #expect(config.store == StoreSettings())
        #expect(config.connectors == [ConnectorSettings(name: "sim", kind: .simulator(SimulatorSettings()), line: 1)])
        #expect(config.routes == [RouteRule(name: "route-1", connectors: ["sim"], line: 5)])
        #expect(config.moRoutes.isEmpty)
        #expect(config.sourceFile == "t.toml")
    }

    @Test("every [server] and [store] key")
    func serverAndStore() throws {
        let config = try TernConfig.parse("""
        [server]
        smpp = "[::]:2776"
        smpp_tls = ""
        http = "localhost:9090"
        tls_certificate = "c.pem"
        tls_key = "k.pem"
        window = 50
        enquire_link = 20
        inactivity = 120
        response_timeout = 5
        max_queued_messages = 1_000
        commit_delay_ms = 0
        default_validity = 3600
        log_message_text = true
        data_directory = "/srv/tern"
        bind_failures_before_ban = 3
        bind_ban_seconds = 60

        [store]
        type = "sqlite"
        path = "/srv/tern/db.sqlite"
        durability = "normal"

        """ + Self.minimal, file: "t.toml")
        let expected = ServerSettings(
            smpp: HostPort(host: "::", port: 2776), smppTLS: nil, http: HostPort(host: "localhost", port: 9090),
            tlsCertificate: "c.pem", tlsKey: "k.pem", window: 50, enquireLinkSeconds: 20, inactivitySeconds: 120,
            responseTimeoutSeconds: 5, maxQueuedMessages: 1000, commitDelayMilliseconds: 0, defaultValiditySeconds: 3600,
            logMessageText: true, dataDirectory: "/srv/tern", bindFailuresBeforeBan: 3, bindBanSeconds: 60)
        #expect(config.server == expected)
        #expect(config.store == StoreSettings(kind: .sqlite, path: "/srv/tern/db.sqlite", durability: .normal))
    }

    @Test("each connector type with all its keys")
    func connectors() throws {
        let config = try TernConfig.parse("""
        [[connector]]
        name = "sim"
        type = "simulator"
        delivered = 8
        undeliverable = 1.5
        expired = 0.5
        rejected = 0
        min_delay_ms = 0
        max_delay_ms = 50
        capacity = 5

        [[connector]]
        name = "up"
        type = "smpp"
        host = "smsc.example.com"
        port = 2775
        system_id = "fifteen_chars_x"
        password = "eight_ch"
        system_type = "VMA"
        bind = "transmitter"
        version = "5.0"
        sessions = 3
        window = 20
        rate = 12.5
        tls = true
        tls_insecure = true
        enquire_link = 15
        response_timeout = 7
        reconnect_min_ms = 100
        reconnect_max_ms = 200

        [[connector]]
        name = "web"
        type = "http"
        url = "https://sms.example.com/send"
        timeout_ms = 1000
        retries = 0
        concurrency = 4
        headers = { Authorization = "Bearer x", "X-Tenant" = "t1" }

        [[route]]
        connector = "sim"
        """, file: "t.toml")
        #expect(config.connectors.map(\.line) == [1, 12, 32])
        #expect(config.connectors[0].kind == .simulator(SimulatorSettings(
            delivered: 8, undeliverable: 1.5, expired: 0.5, rejected: 0, minDelayMilliseconds: 0, maxDelayMilliseconds: 50, capacity: 5)))
        #expect(config.connectors[1].kind == .smpp(SMPPUpstreamSettings(
            host: "smsc.example.com", port: 2775, systemID: "fifteen_chars_x", password: "eight_ch", systemType: "VMA",
            bindMode: .transmitter, interfaceVersion: 0x50, sessions: 3, window: 20, rate: 12.5, tls: true, tlsInsecure: true,
            enquireLinkSeconds: 15, responseTimeoutSeconds: 7, reconnectMinMilliseconds: 100, reconnectMaxMilliseconds: 200)))
        #expect(config.connectors[2].kind == .http(HTTPSinkSettings(
            url: "https://sms.example.com/send", timeoutMilliseconds: 1000, retries: 0, concurrency: 4,
            headers: ["Authorization": "Bearer x", "X-Tenant": "t1"])))
        #expect(config.routes.first?.connectors == ["sim"])
    }

    @Test("routes and mo_routes: strings or arrays, '+' stripped from prefixes, lines recorded")
    func routes() throws {
        let config = try TernConfig.parse(Self.minimal.replacingOccurrences(of: "[[route]]", with: """
        [[route]]
        name = "uk"
        account = ["acme", "beta"]
        prefix = ["+44", "353"]
        source = ["INFO*", "Acme"]
        data_coding = [0, 8]
        connectors = ["sim"]

        [[mo_route]]
        name = "join"
        prefix = "12345"
        keyword = ["JOIN", "start"]
        account = "acme"

        [[route]]
        """), file: "t.toml")
        #expect(config.routes.count == 2)
        #expect(config.routes[0] == RouteRule(
            name: "uk", accounts: ["acme", "beta"], destinationPrefixes: ["44", "353"], sources: ["INFO*", "Acme"],
            dataCodings: [0, 8], connectors: ["sim"], line: 5))
        #expect(config.routes[1].line == 19)
        #expect(config.routes[1].matchesEverything)
        #expect(config.moRoutes == [MORouteRule(name: "join", destinationPrefixes: ["12345"], keywords: ["JOIN", "start"], account: "acme", line: 13)])
    }

    @Test("inline arrays of tables work as well as [[ ]] blocks")
    func inlineConnectors() throws {
        let config = try TernConfig.parse("""
        connector = [{ name = "sim", type = "simulator" }]
        route = [{ connectors = ["sim"] }]
        """, file: "t.toml")
        #expect(config.connectors.first?.name == "sim")
    }

    // MARK: - Problems

    @Test("a syntax error is reported with its line and column")
    func syntaxError() {
        expectError("[server]\nwindow = \"100\n", line: 2, "unterminated string: add the closing \" (column 10)")
    }

    @Test("unknown tables and keys, with suggestions")
    func unknownNames() {
        expectError("[sever]\n" + Self.minimal, line: 1, "unknown table [sever] (did you mean [server]?)")
        expectError("[connectors]\n" + Self.minimal, line: 1, "unknown table [connectors] (did you mean [[connector]]?)")
        expectError("[server]\nwindw = 5\n" + Self.minimal, line: 2, "[server]: unknown key windw (did you mean \"window\"?)")
        expectError("[server]\nsmpp_tsl = \"\"\n" + Self.minimal, line: 2, "did you mean \"smpp_tls\"?")
        expectError("[store]\nPath = \"x\"\n" + Self.minimal, line: 2, "did you mean \"path\"?")
        expectError("[server]\nfoo = 1\n" + Self.minimal, line: 2, "[server]: unknown key foo")
        expectError("window = 5\n" + Self.minimal, line: 1, "window is outside any table; put it under [server]")
        expectError("colour = 5\n" + Self.minimal, line: 1, "unknown key colour at the top of the file")
        expectError(Self.minimal + "\n" + Self.upstream + "\nsystemId = \"x\"", line: 14, "unknown key systemId (did you mean \"system_id\"?)")
    }

    @Test("keys of another connector type are named as such")
    func wrongTypeKeys() {
        expectError(Self.minimal.replacingOccurrences(of: "type = \"simulator\"", with: "type = \"simulator\"\nurl = \"http://x\""),
                    line: 4, "[[connector]] \"sim\": url does not apply here; it belongs to http connectors")
    }

    @Test("wrong types say what was expected and what was found")
    func wrongTypes() {
        expectError("[server]\nwindow = \"100\"\n" + Self.minimal, line: 2, "[server] window: expected an integer, found a string (\"100\"); remove the quotes")
        expectError("[server]\nlog_message_text = 1\n" + Self.minimal, line: 2, "expected a boolean (true or false), found an integer")
        expectError("[server]\nsmpp = 2775\n" + Self.minimal, line: 2, "expected a string, found an integer; put the value in quotes")
        expectError("[server]\nwindow = 1.5\n" + Self.minimal, line: 2, "expected an integer, found a float")
        expectError("server = 1\n" + Self.minimal, line: 1, "server must be a table")
        let single = errors("[connector]\nname = \"sim\"\ntype = \"simulator\"\n[[route]]\nconnectors = [\"sim\"]")
        #expect(single.first?.line == 1)
        #expect(single.first?.reason.contains("write [[connector]] with double brackets") == true, "\(single)")
    }

    @Test("listener addresses: ranges, IPv6 brackets, URLs, clashes")
    func listeners() {
        expectError("[server]\nsmpp = \"0.0.0.0:70000\"\n" + Self.minimal, line: 2, "port 70000 is out of range (1–65535)")
        expectError("[server]\nsmpp = \"0.0.0.0:0\"\n" + Self.minimal, line: 2, "out of range")
        expectError("[server]\nsmpp = \"::1:2775\"\n" + Self.minimal, line: 2, "put an IPv6 address in brackets")
        expectError("[server]\nsmpp = \"0.0.0.0\"\n" + Self.minimal, line: 2, "has no port")
        expectError("[server]\nsmpp = \":2775\"\n" + Self.minimal, line: 2, "has no host")
        expectError("[server]\nhttp = \"http://localhost:8080\"\n" + Self.minimal, line: 2, "is a URL")
        expectError("[server]\nsmpp = \"0.0.0.0:abc\"\n" + Self.minimal, line: 2, "the port must be a number")
        expectError("[server]\nsmpp_tls = \"127.0.0.1:2775\"\n" + Self.minimal, line: 2, "smpp_tls (127.0.0.1:2775) uses the same port as smpp (0.0.0.0:2775)")
        expectError("[server]\ntls_key = \"k.pem\"\n" + Self.minimal, line: 2, "tls_key is set without tls_certificate")
    }

    @Test("host:port parsing")
    func hostPort() throws {
        #expect(try HostPort.parse("[::1]:80").get() == HostPort(host: "::1", port: 80))
        #expect(try HostPort.parse("example.com:65535").get() == HostPort(host: "example.com", port: 65535))
        #expect(HostPort(host: "::1", port: 80).description == "[::1]:80")
        for bad in ["[::1]", "[::1]80", "[127.0.0.1]:80", "host:", "host:-1", "ho st:80", "[::1:80"] {
            #expect(throws: HostPortError.self, "\(bad)") { try HostPort.parse(bad).get() }
        }
    }

    @Test("numeric ranges")
    func ranges() {
        expectError("[server]\nwindow = 0\n" + Self.minimal, line: 2, "[server] window must be at least 1 (found 0)")
        expectError(Self.minimal + "\ndata_coding = 256", line: 7, "data_coding must be between 0 and 255 (found 256)")
        expectError("[server]\ncommit_delay_ms = 1001\n" + Self.minimal, line: 2, "commit_delay_ms must be between 0 and 1000")
    }

    @Test("store type, path, durability")
    func store() {
        expectError("[store]\ntype = \"postgres\"\n" + Self.minimal, line: 2, "\"postgres\" is not supported; the only store type is \"sqlite\"")
        expectError("[store]\ndurability = \"ful\"\n" + Self.minimal, line: 2, "must be one of \"full\", \"normal\" (found \"ful\") (did you mean \"full\"?)")
        expectError("[store]\npath = \"\"\n" + Self.minimal, line: 2, "path must not be empty")
    }

    @Test("connector names, types and required keys")
    func connectorRules() {
        expectError(Self.minimal + "\n[[connector]]\nname = \"sim\"\ntype = \"simulator\"", line: 8, "\"sim\" is already used by the connector on line 1")
        expectError(Self.minimal.replacingOccurrences(of: "\"simulator\"", with: "\"smp\""), line: 3, "must be one of \"simulator\", \"smpp\", \"http\" (found \"smp\") (did you mean \"smpp\"?)")
        expectError("[[connector]]\ntype = \"simulator\"\n" + Self.minimal, line: 1, "[[connector]] #1 is missing name")
        let smpp = errors(Self.minimal + "\n[[connector]]\nname = \"up\"\ntype = \"smpp\"")
        #expect(smpp.map(\.line) == [7, 7, 7, 7])
        #expect(smpp.map(\.reason) == [
            "[[connector]] \"up\" is missing host (e.g. host = \"smsc.example.com\")",
            "[[connector]] \"up\" is missing port (e.g. port = 2775)",
            "[[connector]] \"up\" is missing system_id (e.g. system_id = \"tern\")",
            "[[connector]] \"up\" is missing password (e.g. password = \"secret\")",
        ])
        expectError(Self.minimal + "\n[[connector]]\nname = \"web\"\ntype = \"http\"", line: 7, "is missing url")
    }

    static let upstream = """
    [[connector]]
    name = "up"
    type = "smpp"
    host = "smsc"
    port = 2775
    system_id = "tern"
    password = "pw"
    """

    @Test("smpp upstream limits")
    func smppLimits() {
        func with(_ key: String, _ value: String) -> String {
            Self.minimal + "\n" + Self.upstream.replacingOccurrences(of: "\n\(key) = ", with: "\n\(key) = \(value)\n# was ") + "\n"
        }
        expectError(with("system_id", "\"sixteen_chars_xx\""), line: 12, "system_id is 16 characters long; SMPP allows at most 15")
        expectError(with("password", "\"ninechars\""), line: 13, "password is 9 characters long; SMPP allows at most 8")
        expectError(with("port", "0"), line: 11, "port must be between 1 and 65535 (found 0)")
        expectError(with("host", "\"smsc:2775\""), line: 10, "includes a port; put the port in port = 2775")
        expectError(Self.minimal + "\n" + Self.upstream + "\nsessions = 0", line: 14, "sessions must be at least 1")
        expectError(Self.minimal + "\n" + Self.upstream + "\nwindow = 0", line: 14, "window must be at least 1")
        expectError(Self.minimal + "\n" + Self.upstream + "\nbind = \"receiver\"", line: 14, "must be one of \"transceiver\", \"transmitter\"")
        expectError(Self.minimal + "\n" + Self.upstream + "\nversion = \"3.3\"", line: 14, "version must be \"3.4\" or \"5.0\"")
        expectError(Self.minimal + "\n" + Self.upstream + "\nrate = 0", line: 14, "rate must be greater than 0")
        expectError(Self.minimal + "\n" + Self.upstream + "\nreconnect_min_ms = 5000\nreconnect_max_ms = 1000", line: 15, "greater than reconnect_max_ms")
    }

    @Test("http sink url and headers")
    func httpSink() {
        let web = Self.minimal + "\n[[connector]]\nname = \"web\"\ntype = \"http\"\n"
        expectError(web + "url = \"ftp://x\"", line: 10, "\"ftp://x\" must start with http:// or https://")
        expectError(web + "url = \"https://\"", line: 10, "has no host")
        expectError(web + "url = \"http://x\"\nheaders = { \"Bad Name\" = \"v\" }", line: 11, "not a valid HTTP header name")
        expectError(web + "url = \"http://x\"\nheaders = { A = 1 }", line: 11, "the value of A must be a string")
        expectError(web + "url = \"http://x\"\nconcurrency = 0", line: 11, "concurrency must be at least 1")
    }

    @Test("simulator weights and delays")
    func simulator() {
        expectError(Self.minimal.replacingOccurrences(of: "type = \"simulator\"", with: "type = \"simulator\"\ndelivered = 0"), line: 1, "outcome weights delivered, undeliverable, expired and rejected are all 0")
        expectError(Self.minimal.replacingOccurrences(of: "type = \"simulator\"", with: "type = \"simulator\"\nexpired = -1"), line: 4, "expired must be at least 0 (found -1)")
        expectError(Self.minimal.replacingOccurrences(of: "type = \"simulator\"", with: "type = \"simulator\"\nmin_delay_ms = 2000"), line: 4, "min_delay_ms (2000) is greater than max_delay_ms (1000)")
    }

    @Test("routes: connectors must exist, conditions must be well formed")
    func routeRules() {
        expectError(Self.minimal.replacingOccurrences(of: "[\"sim\"]", with: "[\"simm\"]"), line: 6, "names connector \"simm\", which does not exist (did you mean \"sim\"?); defined: \"sim\"")
        expectError(Self.minimal.replacingOccurrences(of: "connectors = [\"sim\"]", with: "name = \"r\""), line: 5, "[[route]] \"r\" names no connector")
        expectError(Self.minimal.replacingOccurrences(of: "[\"sim\"]", with: "[]"), line: 6, "connectors is empty")
        expectError(Self.minimal + "\nconnector = \"sim\"", line: 7, "connector and connectors are both set")
        expectError(Self.minimal.replacingOccurrences(of: "[\"sim\"]", with: "[\"sim\", \"sim\"]"), line: 6, "lists connector \"sim\" twice")
        let prefixed = "[[route]]\nname = \"uk\"\nconnectors = [\"sim\"]\n"
        expectError(Self.minimal + "\n" + prefixed.replacingOccurrences(of: "[[route]]", with: "[[route]]\nprefix = \"44\""), line: 7, "can never match")
        expectError(prefixed + "prefix = \"44a\"\n" + Self.minimal, line: 4, "prefix \"44a\" must be digits only")
        expectError(prefixed + "prefix = \"\"\n" + Self.minimal, line: 4, "prefix must not be empty")
        expectError(prefixed + "source = \"a*b\"\n" + Self.minimal, line: 4, "'*' may only end a source")
        expectError(prefixed + "account = \"\"\n" + Self.minimal, line: 4, "account must not be empty")
        expectError(prefixed + "data_coding = \"8\"\n" + Self.minimal, line: 4, "expected an integer or an array of integers, found a string")
        expectError(prefixed + "prefix = \"44\"\n" + Self.minimal.replacingOccurrences(of: "connectors = [\"sim\"]", with: "connectors = [\"sim\"]\nname = \"uk\""), line: 11, "\"uk\" is already used by the route on line 1")
    }

    @Test("a route after the default route can never match")
    func unreachableRoute() {
        expectError(Self.minimal + "\n[[route]]\nname = \"late\"\nprefix = \"44\"\nconnectors = [\"sim\"]", line: 7, "[[route]] \"late\" can never match: route \"route-1\" on line 5 matches every message first")
    }

    @Test("a default route is required")
    func defaultRoute() {
        let text = "[[connector]]\nname = \"sim\"\ntype = \"simulator\"\n\n[[route]]\nprefix = \"44\"\nconnectors = [\"sim\"]\n"
        expectError(text, line: 7, "no default route: add a [[route]] with no conditions")
        expectError("", line: 1, "no default route")
    }

    @Test("mo_route needs an account and single-word keywords")
    func moRoutes() {
        expectError(Self.minimal + "\n[[mo_route]]\nprefix = \"123\"", line: 7, "[[mo_route]] \"mo-route-1\" is missing account")
        expectError(Self.minimal + "\n[[mo_route]]\naccount = \"a\"\nkeyword = \"two words\"", line: 9, "must be one word")
        expectError(Self.minimal + "\n[[mo_route]]\naccount = \"a\"\nkeywrd = \"x\"", line: 9, "did you mean \"keyword\"?")
    }

    @Test("every problem is reported, in line order, as FILE:LINE: reason")
    func allProblems() throws {
        let text = """
        [server]
        window = 0
        smpp = "0.0.0.0:99999"
        colour = "blue"

        [[connector]]
        name = "up"
        type = "smpp"
        host = "smsc"
        port = 2775
        system_id = "a_system_id_too_long"
        password = "pw"

        [[route]]
        prefix = "44"
        connectors = ["upstream"]
        """
        let found = errors(text)
        #expect(found.map(\.line) == [2, 3, 4, 11, 16, 16])
        #expect(found.last?.description == "t.toml:16: no default route: add a [[route]] with no conditions")
        #expect(found.allSatisfy { $0.description.hasPrefix("t.toml:\($0.line): ") })
        let all = ConfigErrors(found)
        #expect(all.description.split(separator: "\n").count == 6)
    }

    @Test("load reports a missing file as FILE: reason")
    func missingFile() {
        #expect(throws: ConfigErrors.self) { try TernConfig.load(path: "/nonexistent/tern.toml") }
        do {
            _ = try TernConfig.load(path: "/nonexistent/tern.toml")
        } catch {
            #expect(error.description == "/nonexistent/tern.toml: no such file (create it, or give the path of your config)")
        }
    }
}
