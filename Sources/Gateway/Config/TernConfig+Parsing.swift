import Foundation

extension TernConfig {
    /// Reads and validates a config. Every problem found is reported, not only the first; a
    /// TOML syntax error stops the reading, since what follows it cannot be trusted.
    public static func parse(_ text: String, file: String) throws(ConfigErrors) -> TernConfig {
        let document: TOMLTable
        do {
            document = try TOML.parse(text)
        } catch {
            throw ConfigErrors([ConfigError(file: file, line: error.line, reason: "\(error.reason) (column \(error.column))")])
        }
        let problems = ConfigProblems(file: file)
        var reader = TernConfigReader(problems: problems, lastLine: lastLine(of: text))
        let config = reader.read(document, file: file)
        if !problems.isEmpty { throw problems.sorted }
        return config
    }

    /// Reads the file at `path` (UTF-8) and parses it.
    public static func load(path: String) throws(ConfigErrors) -> TernConfig {
        func fail(_ reason: String) -> ConfigErrors { ConfigErrors([ConfigError(file: path, line: 0, reason: reason)]) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fail("no such file (create it, or give the path of your config)")
        }
        guard !isDirectory.boolValue else { throw fail("is a directory, not a config file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail("cannot be read (check its permissions)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw fail("is not valid UTF-8 text")
        }
        return try parse(text, file: path)
    }

    private static func lastLine(of text: String) -> Int {
        var lines = 1
        for byte in text.utf8 where byte == UInt8(ascii: "\n") { lines += 1 }
        if text.utf8.last == UInt8(ascii: "\n") { lines -= 1 }
        return max(lines, 1)
    }
}

extension RouteRule {
    /// Whether the rule has no condition that could fail: a default route.
    public var matchesEverything: Bool {
        accounts.isEmpty && destinationPrefixes.isEmpty && dataCodings.isEmpty
            && (sources.isEmpty || sources.contains("*"))
    }
}

extension MORouteRule {
    public var matchesEverything: Bool { destinationPrefixes.isEmpty && keywords.isEmpty }
}

/// The keys each block accepts, in the order `etc/README.md` documents them.
enum ConfigKeys {
    static let sections = ["server", "store", "scripting", "accounts", "connector", "route", "mo_route", "plugin"]
    static let server = [
        "smpp", "smpp_tls", "http", "tls_certificate", "tls_key", "window", "enquire_link", "inactivity",
        "response_timeout", "max_queued_messages", "commit_delay_ms", "default_validity", "log_message_text",
        "data_directory", "bind_failures_before_ban", "bind_ban_seconds",
    ]
    static let store = ["type", "path", "durability"]
    static let connectorCommon = ["name", "type"]
    static let simulator = ["delivered", "undeliverable", "expired", "rejected", "min_delay_ms", "max_delay_ms", "capacity"]
    static let smpp = [
        "host", "port", "system_id", "password", "system_type", "bind", "version", "sessions", "window", "rate",
        "tls", "tls_insecure", "enquire_link", "response_timeout", "reconnect_min_ms", "reconnect_max_ms",
    ]
    static let http = ["url", "timeout_ms", "retries", "concurrency", "headers"]
    static let connectorTypes = ["simulator", "smpp", "http"]
    static let route = ["name", "account", "prefix", "source", "data_coding", "connectors", "connector"]
    static let moRoute = ["name", "prefix", "keyword", "account"]

    static func keys(forConnectorType type: String?) -> [String] {
        switch type {
        case "simulator": return connectorCommon + simulator
        case "smpp": return connectorCommon + smpp
        case "http": return connectorCommon + http
        default: return connectorCommon + simulator + smpp + http
        }
    }

    /// For a key that is valid in some connector type but not the one at hand.
    static func owners(excluding type: String?) -> [String: String] {
        var owners: [String: String] = [:]
        let own = keys(forConnectorType: type)
        for (name, typeKeys) in [("simulator", simulator), ("smpp", smpp), ("http", http)] where name != type {
            for key in typeKeys where !own.contains(key) {
                owners[key] = owners[key].map { "\($0) or \(name) connectors" } ?? "\(name) connectors"
            }
        }
        return owners
    }
}

/// One pass over the document; problems go to `problems`, the model keeps defaults where a
/// value was wrong so that later checks still run.
struct TernConfigReader {
    let problems: ConfigProblems
    let lastLine: Int

    mutating func read(_ document: TOMLTable, file: String) -> TernConfig {
        var config = TernConfig(sourceFile: file)
        var connectorBlocks: [TOMLValue] = []
        var routeBlocks: [TOMLValue] = []
        var moRouteBlocks: [TOMLValue] = []
        var pluginBlocks: [TOMLValue] = []
        for entry in document.entries {
            switch entry.key {
            case "scripting":
                guard let table = entry.value.table else {
                    problems.add(line: entry.line, "scripting must be a table: write [scripting] on a line of its own, with its keys below it")
                    continue
                }
                config.scripting = readScripting(ConfigSectionReader(table: table, context: "[scripting]", problems: problems))
            case "accounts":
                guard let table = entry.value.table else {
                    problems.add(line: entry.line, "accounts must be a table: write [accounts] on a line of its own, with its keys below it")
                    continue
                }
                config.accounts = readAccounts(ConfigSectionReader(table: table, context: "[accounts]", problems: problems))
            case "plugin":
                guard let blocks = arrayOfTables(entry) else { continue }
                pluginBlocks = blocks
            case "server", "store":
                guard let table = entry.value.table else {
                    problems.add(line: entry.line, "\(entry.key) must be a table: write [\(entry.key)] on a line of its own, with its keys below it")
                    continue
                }
                let reader = ConfigSectionReader(table: table, context: "[\(entry.key)]", problems: problems)
                if entry.key == "server" {
                    config.server = readServer(reader)
                } else {
                    config.store = readStore(reader)
                }
            case "connector", "route", "mo_route":
                guard let blocks = arrayOfTables(entry) else { continue }
                switch entry.key {
                case "connector": connectorBlocks = blocks
                case "route": routeBlocks = blocks
                default: moRouteBlocks = blocks
                }
            default:
                if entry.value.table != nil {
                    let hint = Suggestion.hint(for: entry.key, among: ConfigKeys.sections) { name in
                        ["connector", "route", "mo_route", "plugin"].contains(name) ? "[[\(name)]]" : "[\(name)]"
                    }
                    problems.add(line: entry.line, "unknown table [\(entry.key)]\(hint)")
                } else if let section = ["server": ConfigKeys.server, "store": ConfigKeys.store].first(where: { $0.value.contains(entry.key) })?.key {
                    problems.add(line: entry.line, "\(entry.key) is outside any table; put it under [\(section)]")
                } else {
                    problems.add(line: entry.line, "unknown key \(entry.key) at the top of the file\(Suggestion.hint(for: entry.key, among: ConfigKeys.sections))")
                }
            }
        }
        config.connectors = readConnectors(connectorBlocks)
        // Names of connectors with other problems still count, so a route naming one is not
        // reported as naming a connector that does not exist.
        let declared = connectorBlocks.compactMap { $0.table?["name"]?.string }
        config.routes = readRoutes(routeBlocks, connectorNames: declared)
        config.moRoutes = readMORoutes(moRouteBlocks)
        config.plugins = readPlugins(pluginBlocks)
        return config
    }

    /// `[[connector]]` blocks (or an array of inline tables); a single `[connector]` is the
    /// usual slip and gets its own message.
    private func arrayOfTables(_ entry: TOMLTable.Entry) -> [TOMLValue]? {
        if entry.value.table != nil {
            problems.add(line: entry.line, "write [[\(entry.key)]] with double brackets: each \(entry.key.replacingOccurrences(of: "_", with: " ")) is its own block and there may be several")
            return nil
        }
        guard let elements = entry.value.array else {
            problems.add(line: entry.line, "\(entry.key) must be written as [[\(entry.key)]] blocks, found \(entry.value.typeName)")
            return nil
        }
        return elements.filter { element in
            if element.table == nil {
                problems.add(line: element.line, "each \(entry.key) must be a table, found \(element.typeName)")
                return false
            }
            return true
        }
    }

    // MARK: - [server]

    private func readServer(_ reader: ConfigSectionReader) -> ServerSettings {
        reader.rejectUnknownKeys(known: ConfigKeys.server)
        var server = ServerSettings()
        if let listener = listener(reader, "smpp") { server.smpp = listener }
        if let listener = listener(reader, "smpp_tls") { server.smppTLS = listener }
        if let listener = listener(reader, "http") { server.http = listener }
        let listeners = [("smpp", server.smpp), ("smpp_tls", server.smppTLS), ("http", server.http)]
        for (index, (key, address)) in listeners.enumerated() {
            guard let address else { continue }
            for (earlierKey, earlier) in listeners[..<index] {
                guard let earlier, earlier.port == address.port else { continue }
                let wildcard = ["0.0.0.0", "::", ""]
                if earlier.host == address.host || wildcard.contains(earlier.host) || wildcard.contains(address.host) {
                    reader.report(key, "(\(address)) uses the same port as \(earlierKey) (\(earlier)); give each listener its own port")
                }
            }
        }
        let certificate = reader.string("tls_certificate")
        let key = reader.string("tls_key")
        server.tlsCertificate = certificate.flatMap { $0.isEmpty ? nil : $0 }
        server.tlsKey = key.flatMap { $0.isEmpty ? nil : $0 }
        if (server.tlsCertificate == nil) != (server.tlsKey == nil) {
            let given = server.tlsCertificate == nil ? "tls_key" : "tls_certificate"
            reader.report(given, "is set without \(given == "tls_key" ? "tls_certificate" : "tls_key"); give both PEM files, or neither for a generated self-signed certificate")
        }
        if let value = reader.integer("window", atLeast: 1) { server.window = value }
        if let value = reader.integer("enquire_link", atLeast: 1, unit: "seconds") { server.enquireLinkSeconds = value }
        if let value = reader.integer("inactivity", atLeast: 1, unit: "seconds") { server.inactivitySeconds = value }
        if let value = reader.integer("response_timeout", atLeast: 1, unit: "seconds") { server.responseTimeoutSeconds = value }
        if let value = reader.integer("max_queued_messages", atLeast: 1) { server.maxQueuedMessages = value }
        if let value = reader.integer("commit_delay_ms", atLeast: ServerSettings.commitDelayMillisecondsRange.lowerBound,
                                      atMost: ServerSettings.commitDelayMillisecondsRange.upperBound, unit: "milliseconds") { server.commitDelayMilliseconds = value }
        if let value = reader.integer("default_validity", atLeast: 1, unit: "seconds") { server.defaultValiditySeconds = value }
        if let value = reader.bool("log_message_text") { server.logMessageText = value }
        if let value = reader.nonEmptyString("data_directory") { server.dataDirectory = value }
        if let value = reader.integer("bind_failures_before_ban", atLeast: 1) { server.bindFailuresBeforeBan = value }
        if let value = reader.integer("bind_ban_seconds", atLeast: 1, unit: "seconds") { server.bindBanSeconds = value }
        return server
    }

    /// `.some(nil)` switches a listener off (an empty string); nil leaves the default.
    private func listener(_ reader: ConfigSectionReader, _ key: String) -> HostPort?? {
        guard let text = reader.string(key) else { return nil }
        if text.isEmpty { return .some(nil) }
        switch HostPort.parse(text) {
        case .success(let address):
            return .some(address)
        case .failure(let error):
            reader.report(key, "= \(error.reason)")
            return nil
        }
    }

    // MARK: - [store]

    private func readStore(_ reader: ConfigSectionReader) -> StoreSettings {
        reader.rejectUnknownKeys(known: ConfigKeys.store)
        var store = StoreSettings()
        if let type = reader.string("type") {
            if let kind = StoreSettings.Kind(rawValue: type) {
                store.kind = kind
            } else {
                reader.report("type", "\"\(type)\" is not supported; the only store type is \"sqlite\"")
            }
        }
        if let path = reader.nonEmptyString("path") { store.path = path }
        if let durability = reader.choice("durability", ["full", "normal"]).flatMap(StoreSettings.Durability.init(rawValue:)) {
            store.durability = durability
        }
        return store
    }

    // MARK: - [[connector]]

    private func readConnectors(_ blocks: [TOMLValue]) -> [ConnectorSettings] {
        var connectors: [ConnectorSettings] = []
        var firstLine: [String: Int] = [:]
        for (index, block) in blocks.enumerated() {
            guard let table = block.table else { continue }
            let name = table["name"]?.string
            let context = name.map { "[[connector]] \"\($0)\"" } ?? "[[connector]] #\(index + 1)"
            let reader = ConfigSectionReader(table: table, context: context, problems: problems)
            if let name {
                if let first = firstLine[name] {
                    reader.report("name", "\"\(name)\" is already used by the connector on line \(first); connector names must be unique")
                } else {
                    firstLine[name] = block.line
                }
            }
            if let connector = readConnector(reader, line: block.line) {
                connectors.append(connector)
            }
        }
        return connectors
    }

    private func readConnector(_ reader: ConfigSectionReader, line: Int) -> ConnectorSettings? {
        let name = reader.nonEmptyString("name")
        if !reader.has("name") { reader.missing("name", example: "\"upstream\"") }
        if let name, let bad = name.unicodeScalars.first(where: { !Self.isNameScalar($0) }) {
            reader.report("name", "\"\(name)\" contains '\(bad)'; use letters, digits, '-', '_' and '.'")
        }
        let type = reader.choice("type", ConfigKeys.connectorTypes)
        if !reader.has("type") { reader.missing("type", example: "\"smpp\" (or \"http\", \"simulator\")") }
        let validType = type.flatMap { ConfigKeys.connectorTypes.contains($0) ? $0 : nil }
        reader.rejectUnknownKeys(known: ConfigKeys.keys(forConnectorType: validType), elsewhere: validType == nil ? [:] : ConfigKeys.owners(excluding: validType))
        let kind: ConnectorSettings.Kind?
        switch validType {
        case "simulator": kind = readSimulator(reader).map { .simulator($0) }
        case "smpp": kind = readSMPP(reader).map { .smpp($0) }
        case "http": kind = readHTTP(reader).map { .http($0) }
        default: kind = nil
        }
        guard let name, let kind else { return nil }
        return ConnectorSettings(name: name, kind: kind, line: line)
    }

    static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": return true
        default: return false
        }
    }

    private func readSimulator(_ reader: ConfigSectionReader) -> SimulatorSettings? {
        var settings = SimulatorSettings()
        if let value = reader.number("delivered", atLeast: 0) { settings.delivered = value }
        if let value = reader.number("undeliverable", atLeast: 0) { settings.undeliverable = value }
        if let value = reader.number("expired", atLeast: 0) { settings.expired = value }
        if let value = reader.number("rejected", atLeast: 0) { settings.rejected = value }
        if settings.delivered + settings.undeliverable + settings.expired + settings.rejected == 0 {
            reader.report(at: reader.line, "outcome weights delivered, undeliverable, expired and rejected are all 0; set at least one above 0")
        }
        if let value = reader.integer("min_delay_ms", atLeast: 0, unit: "milliseconds") { settings.minDelayMilliseconds = value }
        if let value = reader.integer("max_delay_ms", atLeast: 0, unit: "milliseconds") { settings.maxDelayMilliseconds = value }
        if settings.minDelayMilliseconds > settings.maxDelayMilliseconds {
            let key = reader.has("min_delay_ms") ? "min_delay_ms" : "max_delay_ms"
            reader.report(at: reader.line(of: key), "min_delay_ms (\(settings.minDelayMilliseconds)) is greater than max_delay_ms (\(settings.maxDelayMilliseconds)); the receipt delay is drawn between the two")
        }
        if let value = reader.integer("capacity", atLeast: 1) { settings.capacity = value }
        return settings
    }

    private func readSMPP(_ reader: ConfigSectionReader) -> SMPPUpstreamSettings? {
        var host = reader.nonEmptyString("host")
        if !reader.has("host") { reader.missing("host", example: "\"smsc.example.com\"") }
        if let text = host {
            if text.hasPrefix("["), text.hasSuffix("]") { host = String(text.dropFirst().dropLast()) }
            if text.contains("://") {
                reader.report("host", "\"\(text)\" is a URL; give only the host name or address")
                host = nil
            } else if text.filter({ $0 == ":" }).count == 1 {
                reader.report("host", "\"\(text)\" includes a port; put the port in port = \(text.split(separator: ":").last ?? "2775")")
                host = nil
            } else if text.contains(where: { $0.isWhitespace }) {
                reader.report("host", "\"\(text)\" contains a space")
                host = nil
            }
        }
        let port = reader.integer("port", atLeast: 1, atMost: 65535)
        if !reader.has("port") { reader.missing("port", example: "2775") }
        var systemID = reader.nonEmptyString("system_id")
        if !reader.has("system_id") { reader.missing("system_id", example: "\"tern\"") }
        if let text = systemID, text.utf8.count > 15 {
            reader.report("system_id", "is \(text.utf8.count) characters long; SMPP allows at most 15")
            systemID = nil
        }
        var password = reader.string("password")
        if !reader.has("password") { reader.missing("password", example: "\"secret\"") }
        if let text = password, text.utf8.count > 8 {
            reader.report("password", "is \(text.utf8.count) characters long; SMPP allows at most 8")
            password = nil
        }
        guard let host, let port, let systemID, let password else {
            // Still check the rest, so one run shows every problem.
            _ = readSMPPOptions(reader, into: SMPPUpstreamSettings(host: "", port: 1, systemID: "", password: ""))
            return nil
        }
        return readSMPPOptions(reader, into: SMPPUpstreamSettings(host: host, port: port, systemID: systemID, password: password))
    }

    private func readSMPPOptions(_ reader: ConfigSectionReader, into base: SMPPUpstreamSettings) -> SMPPUpstreamSettings {
        var settings = base
        if let text = reader.string("system_type") {
            if text.utf8.count > 12 {
                reader.report("system_type", "is \(text.utf8.count) characters long; SMPP allows at most 12")
            } else {
                settings.systemType = text
            }
        }
        if let mode = reader.choice("bind", ["transceiver", "transmitter"]).flatMap(SMPPUpstreamSettings.BindMode.init(rawValue:)) {
            settings.bindMode = mode
        }
        if let value = reader.table["version"] {
            // Spelled out rather than `string ?? float.map(String.init)`: the release compiler
            // (6.3) crashes in its ownership verifier on that form.
            var text: String?
            if let string = value.string {
                text = string
            } else if let number = value.float {
                text = String(number)
            }
            switch text {
            case "3.4": settings.interfaceVersion = 0x34
            case "5.0": settings.interfaceVersion = 0x50
            default: reader.report("version", "must be \"3.4\" or \"5.0\"")
            }
        }
        if let value = reader.integer("sessions", atLeast: 1) { settings.sessions = value }
        if let value = reader.integer("window", atLeast: 1) { settings.window = value }
        if let value = reader.number("rate", atLeast: 0, exclusive: true) { settings.rate = value }
        if let value = reader.bool("tls") { settings.tls = value }
        if let value = reader.bool("tls_insecure") { settings.tlsInsecure = value }
        if let value = reader.integer("enquire_link", atLeast: 1, unit: "seconds") { settings.enquireLinkSeconds = value }
        if let value = reader.integer("response_timeout", atLeast: 1, unit: "seconds") { settings.responseTimeoutSeconds = value }
        if let value = reader.integer("reconnect_min_ms", atLeast: 1, unit: "milliseconds") { settings.reconnectMinMilliseconds = value }
        if let value = reader.integer("reconnect_max_ms", atLeast: 1, unit: "milliseconds") { settings.reconnectMaxMilliseconds = value }
        if settings.reconnectMinMilliseconds > settings.reconnectMaxMilliseconds {
            let key = reader.has("reconnect_max_ms") ? "reconnect_max_ms" : "reconnect_min_ms"
            reader.report(key, "makes reconnect_min_ms (\(settings.reconnectMinMilliseconds)) greater than reconnect_max_ms (\(settings.reconnectMaxMilliseconds))")
        }
        return settings
    }

    private func readHTTP(_ reader: ConfigSectionReader) -> HTTPSinkSettings? {
        var url = reader.nonEmptyString("url")
        if !reader.has("url") { reader.missing("url", example: "\"https://sms.example.com/send\"") }
        if let text = url {
            let lower = text.lowercased()
            let scheme = ["http://", "https://"].first(where: { lower.hasPrefix($0) })
            if scheme == nil {
                reader.report("url", "\"\(text)\" must start with http:// or https://")
                url = nil
            } else if let scheme, text.dropFirst(scheme.count).prefix(while: { $0 != "/" }).isEmpty {
                reader.report("url", "\"\(text)\" has no host after \(scheme)")
                url = nil
            } else if text.contains(where: { $0.isWhitespace }) {
                reader.report("url", "\"\(text)\" contains a space; encode it as %20")
                url = nil
            }
        }
        var settings = HTTPSinkSettings(url: url ?? "")
        if let value = reader.integer("timeout_ms", atLeast: 1, unit: "milliseconds") { settings.timeoutMilliseconds = value }
        if let value = reader.integer("retries", atLeast: 0) { settings.retries = value }
        if let value = reader.integer("concurrency", atLeast: 1) { settings.concurrency = value }
        if let value = reader.table["headers"] {
            if let headers = value.table {
                for entry in headers.entries {
                    if entry.key.isEmpty || !entry.key.unicodeScalars.allSatisfy(Self.isHeaderNameScalar) {
                        reader.report(at: entry.line, "headers: \"\(entry.key)\" is not a valid HTTP header name")
                    } else if let text = entry.value.string {
                        if text.contains(where: { $0 == "\r" || $0 == "\n" }) {
                            reader.report(at: entry.line, "headers: the value of \(entry.key) must not contain a line break")
                        } else {
                            settings.headers[entry.key] = text
                        }
                    } else {
                        reader.report(at: entry.value.line, "headers: the value of \(entry.key) must be a string, found \(entry.value.typeName)")
                    }
                }
            } else {
                reader.report("headers", "must be a table, e.g. headers = { Authorization = \"Bearer …\" }")
            }
        }
        return url == nil ? nil : settings
    }

    /// RFC 9110 token characters.
    private static func isHeaderNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~": return true
        default: return false
        }
    }

    // MARK: - [[route]]

    private func readRoutes(_ blocks: [TOMLValue], connectorNames: [String]) -> [RouteRule] {
        var routes: [RouteRule] = []
        var firstLine: [String: Int] = [:]
        var defaultRoute: RouteRule?
        for (index, block) in blocks.enumerated() {
            guard let table = block.table else { continue }
            let explicitName = table["name"]?.string
            let name = explicitName ?? "route-\(index + 1)"
            let reader = ConfigSectionReader(table: table, context: "[[route]] \"\(name)\"", problems: problems)
            reader.rejectUnknownKeys(known: ConfigKeys.route)
            if explicitName != nil, let text = reader.nonEmptyString("name") {
                if let first = firstLine[text] {
                    reader.report("name", "\"\(text)\" is already used by the route on line \(first); route names must be unique")
                } else {
                    firstLine[text] = block.line
                }
            } else if table["name"] != nil {
                _ = reader.string("name")
            }
            var rule = RouteRule(name: name, connectors: [], line: block.line)
            var complete = true
            if let accounts = reader.strings("account") {
                for (text, line) in accounts where text.isEmpty {
                    reader.report(at: line, "account must not be empty; leave account out to match every account")
                    complete = false
                }
                rule.accounts = accounts.map(\.text)
            }
            if let prefixes = destinationPrefixes(reader) { rule.destinationPrefixes = prefixes } else if reader.has("prefix") { complete = false }
            if let sources = reader.strings("source") {
                for (text, line) in sources {
                    let body = text.hasSuffix("*") ? text.dropLast() : Substring(text)
                    if text.isEmpty {
                        reader.report(at: line, "source must not be empty; leave source out to match every sender")
                        complete = false
                    } else if body.contains("*") {
                        reader.report(at: line, "source \"\(text)\": '*' may only end a source, as in \"INFO*\"")
                        complete = false
                    }
                }
                rule.sources = sources.map(\.text)
            }
            if let codings = reader.integers("data_coding", in: 0...255) {
                rule.dataCodings = codings.map { UInt8($0) }
            } else if reader.has("data_coding") {
                complete = false
            }
            rule.connectors = routeConnectors(reader, known: connectorNames)
            if rule.connectors.isEmpty { complete = false }
            if let earlier = defaultRoute {
                reader.report(at: block.line, "can never match: route \"\(earlier.name)\" on line \(earlier.line) matches every message first; move the default route to the end")
            }
            if complete, rule.matchesEverything, defaultRoute == nil { defaultRoute = rule }
            routes.append(rule)
        }
        if defaultRoute == nil, !routes.contains(where: \.matchesEverything) {
            problems.add(line: lastLine, "no default route: add a [[route]] with no conditions")
        }
        return routes
    }

    private func destinationPrefixes(_ reader: ConfigSectionReader) -> [String]? {
        guard let prefixes = reader.strings("prefix") else { return nil }
        var out: [String] = []
        var ok = true
        for (text, line) in prefixes {
            // Destinations are matched without their '+', so "+44" and "44" mean the same.
            let digits = text.hasPrefix("+") ? String(text.dropFirst()) : text
            if digits.isEmpty {
                reader.report(at: line, "prefix must not be empty; leave prefix out to match every number")
                ok = false
            } else if !digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                reader.report(at: line, "prefix \"\(text)\" must be digits only (an optional leading '+' is ignored)")
                ok = false
            } else if digits.utf8.count > 20 {
                reader.report(at: line, "prefix \"\(text)\" is longer than any SMPP destination (20 digits)")
                ok = false
            } else {
                out.append(digits)
            }
        }
        return ok ? out : nil
    }

    private func routeConnectors(_ reader: ConfigSectionReader, known: [String]) -> [String] {
        let list: [(text: String, line: Int)]
        switch (reader.has("connectors"), reader.has("connector")) {
        case (true, true):
            reader.report("connector", "and connectors are both set; use connectors = [\"a\", \"b\"] alone")
            return []
        case (false, false):
            reader.report(at: reader.line, "names no connector; add connectors = [\"name\"] (in failover order)")
            return []
        case (true, false):
            guard let value = reader.table["connectors"], value.array != nil || value.string != nil else {
                if let value = reader.table["connectors"] {
                    reader.report("connectors", "must be an array of connector names, found \(value.typeName)")
                }
                return []
            }
            guard let names = reader.strings("connectors") else { return [] }
            list = names
        case (false, true):
            guard let name = reader.string("connector") else { return [] }
            list = [(name, reader.line(of: "connector"))]
        }
        if list.isEmpty {
            reader.report("connectors", "is empty; name at least one connector")
            return []
        }
        var out: [String] = []
        var ok = true
        for (name, line) in list {
            if !known.contains(name) {
                let hint = Suggestion.hint(for: name, among: known)
                let defined = known.isEmpty ? "no [[connector]] is defined" : "defined: \(known.map { "\"\($0)\"" }.joined(separator: ", "))"
                reader.report(at: line, "names connector \"\(name)\", which does not exist\(hint); \(defined)")
                ok = false
            } else if out.contains(name) {
                reader.report(at: line, "lists connector \"\(name)\" twice")
                ok = false
            } else {
                out.append(name)
            }
        }
        return ok ? out : []
    }

    // MARK: - [[mo_route]]

    private func readMORoutes(_ blocks: [TOMLValue]) -> [MORouteRule] {
        var rules: [MORouteRule] = []
        var firstLine: [String: Int] = [:]
        var catchAll: MORouteRule?
        for (index, block) in blocks.enumerated() {
            guard let table = block.table else { continue }
            let explicitName = table["name"]?.string
            let name = explicitName ?? "mo-route-\(index + 1)"
            let reader = ConfigSectionReader(table: table, context: "[[mo_route]] \"\(name)\"", problems: problems)
            reader.rejectUnknownKeys(known: ConfigKeys.moRoute)
            if explicitName != nil, let text = reader.nonEmptyString("name") {
                if let first = firstLine[text] {
                    reader.report("name", "\"\(text)\" is already used by the mo_route on line \(first); names must be unique")
                } else {
                    firstLine[text] = block.line
                }
            } else if table["name"] != nil {
                _ = reader.string("name")
            }
            let account = reader.nonEmptyString("account")
            if !reader.has("account") { reader.missing("account", example: "\"acme\" (the account that receives these messages)") }
            var rule = MORouteRule(name: name, account: account ?? "", line: block.line)
            var complete = account != nil
            if let prefixes = destinationPrefixes(reader) { rule.destinationPrefixes = prefixes } else if reader.has("prefix") { complete = false }
            if let keywords = reader.strings("keyword") {
                for (text, line) in keywords where text.isEmpty || text.contains(where: { $0.isWhitespace }) {
                    reader.report(at: line, "keyword \"\(text)\" must be one word (it is compared with the first word of the message)")
                    complete = false
                }
                rule.keywords = keywords.map(\.text)
            }
            if let earlier = catchAll {
                reader.report(at: block.line, "can never match: mo_route \"\(earlier.name)\" on line \(earlier.line) matches every message first; move it to the end")
            }
            if complete, rule.matchesEverything, catchAll == nil { catchAll = rule }
            rules.append(rule)
        }
        return rules
    }
}
