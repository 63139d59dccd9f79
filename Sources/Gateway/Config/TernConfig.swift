import Foundation

/// The whole of `etc/tern.toml`, validated. Built by `TernConfig.parse` (see
/// `TernConfig+Parsing.swift`); everything here has already been checked, so the gateway can use
/// it without further validation.
public struct TernConfig: Sendable, Hashable {
    public var server: ServerSettings
    public var store: StoreSettings
    public var connectors: [ConnectorSettings]
    public var routes: [RouteRule]
    public var moRoutes: [MORouteRule]
    public var scripting: ScriptingSettings
    /// Global plugins, in the order they run.
    public var plugins: [PluginSettings]
    /// The file the config was read from, for messages and for relative paths.
    public var sourceFile: String
    public var accounts = AccountSettings()

    public init(server: ServerSettings = ServerSettings(), store: StoreSettings = StoreSettings(),
                connectors: [ConnectorSettings] = [], routes: [RouteRule] = [], moRoutes: [MORouteRule] = [],
                scripting: ScriptingSettings = ScriptingSettings(), plugins: [PluginSettings] = [], sourceFile: String = "") {
        self.scripting = scripting
        self.plugins = plugins
        self.server = server
        self.store = store
        self.connectors = connectors
        self.routes = routes
        self.moRoutes = moRoutes
        self.sourceFile = sourceFile
    }
}

/// `[server]`: listeners and session behaviour.
public struct ServerSettings: Sendable, Hashable {
    /// `smpp = "0.0.0.0:2775"`; nil (empty string in the file) switches the plain listener off.
    public var smpp: HostPort?
    /// `smpp_tls = "0.0.0.0:3550"`.
    public var smppTLS: HostPort?
    /// `http = "127.0.0.1:8080"`: receipts webhook for HTTP connectors (and later the admin API).
    public var http: HostPort?
    /// PEM files; when both are nil a self-signed certificate is made under `var/` on first start.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Outstanding PDUs per client session, each way.
    public var window: Int
    public var enquireLinkSeconds: Int
    public var inactivitySeconds: Int
    public var responseTimeoutSeconds: Int
    /// Messages accepted but not yet handed to a connector, over all accounts; beyond it submits
    /// get ESME_RMSGQFUL.
    public var maxQueuedMessages: Int
    /// Milliseconds a group commit may wait to gather more writes.
    public var commitDelayMilliseconds: Int
    public static let defaultCommitDelayMilliseconds = 2
    /// What `commit_delay_ms` may be set to.
    public static let commitDelayMillisecondsRange = 0...1000
    /// Validity when the client gives none, in seconds.
    public var defaultValiditySeconds: Int
    /// Whether message text may appear in logs (off by default).
    public var logMessageText: Bool
    /// Directory for the database, generated certificates and other state.
    public var dataDirectory: String
    /// Bind failures from one address before binds from it are refused for `bindBanSeconds`.
    public var bindFailuresBeforeBan: Int
    public var bindBanSeconds: Int

    public init(
        smpp: HostPort? = HostPort(host: "0.0.0.0", port: 2775),
        smppTLS: HostPort? = HostPort(host: "0.0.0.0", port: 3550),
        http: HostPort? = HostPort(host: "127.0.0.1", port: 8080),
        tlsCertificate: String? = nil, tlsKey: String? = nil, window: Int = 100,
        enquireLinkSeconds: Int = 30, inactivitySeconds: Int = 300, responseTimeoutSeconds: Int = 10,
        maxQueuedMessages: Int = 200_000, commitDelayMilliseconds: Int = defaultCommitDelayMilliseconds, defaultValiditySeconds: Int = 48 * 3600,
        logMessageText: Bool = false, dataDirectory: String = "var", bindFailuresBeforeBan: Int = 10,
        bindBanSeconds: Int = 300
    ) {
        self.smpp = smpp
        self.smppTLS = smppTLS
        self.http = http
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.window = window
        self.enquireLinkSeconds = enquireLinkSeconds
        self.inactivitySeconds = inactivitySeconds
        self.responseTimeoutSeconds = responseTimeoutSeconds
        self.maxQueuedMessages = maxQueuedMessages
        self.commitDelayMilliseconds = commitDelayMilliseconds
        self.defaultValiditySeconds = defaultValiditySeconds
        self.logMessageText = logMessageText
        self.dataDirectory = dataDirectory
        self.bindFailuresBeforeBan = bindFailuresBeforeBan
        self.bindBanSeconds = bindBanSeconds
    }
}

public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// `[store]`.
public struct StoreSettings: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case sqlite }
    public var kind: Kind
    /// The SQLite file; relative paths are relative to the working directory.
    public var path: String
    /// `full` syncs every group commit to disk (survives power loss); `normal` survives a
    /// crash of the process but may lose the last commits on power loss.
    public var durability: Durability

    public enum Durability: String, Sendable, Hashable { case full, normal }

    public init(kind: Kind = .sqlite, path: String = "var/tern.sqlite", durability: Durability = .full) {
        self.kind = kind
        self.path = path
        self.durability = durability
    }
}

/// One `[[connector]]`.
public struct ConnectorSettings: Sendable, Hashable {
    public var name: String
    public var kind: Kind
    /// The line of `[[connector]]` in the file, for messages.
    public var line: Int

    public enum Kind: Sendable, Hashable {
        case simulator(SimulatorSettings)
        case smpp(SMPPUpstreamSettings)
        case http(HTTPSinkSettings)

        public var typeName: String {
            switch self {
            case .simulator: return "simulator"
            case .smpp: return "smpp"
            case .http: return "http"
            }
        }
    }

    public init(name: String, kind: Kind, line: Int = 0) {
        self.name = name
        self.kind = kind
        self.line = line
    }
}

/// `type = "simulator"`: acknowledges at once and sends a receipt after a delay.
public struct SimulatorSettings: Sendable, Hashable {
    /// Share of outcomes; they need not add up to 1 (they are weights). Default: all delivered.
    public var delivered: Double
    public var undeliverable: Double
    public var expired: Double
    public var rejected: Double
    /// Receipt delay, uniformly between the two, in milliseconds.
    public var minDelayMilliseconds: Int
    public var maxDelayMilliseconds: Int
    /// How many submits may be outstanding.
    public var capacity: Int

    public init(delivered: Double = 1, undeliverable: Double = 0, expired: Double = 0, rejected: Double = 0,
                minDelayMilliseconds: Int = 100, maxDelayMilliseconds: Int = 1000, capacity: Int = 10_000) {
        self.delivered = delivered
        self.undeliverable = undeliverable
        self.expired = expired
        self.rejected = rejected
        self.minDelayMilliseconds = minDelayMilliseconds
        self.maxDelayMilliseconds = maxDelayMilliseconds
        self.capacity = capacity
    }
}

/// `type = "smpp"`: Tern binds to an upstream SMSC as an ESME.
public struct SMPPUpstreamSettings: Sendable, Hashable {
    public enum BindMode: String, Sendable, Hashable { case transceiver, transmitter }
    public var host: String
    public var port: Int
    public var systemID: String
    public var password: String
    public var systemType: String
    public var bindMode: BindMode
    /// 0x34 or 0x50.
    public var interfaceVersion: UInt8
    public var sessions: Int
    public var window: Int
    /// Starting (and highest) submit rate per connector in messages per second; nil is unlimited.
    public var rate: Double?
    public var tls: Bool
    /// Accept any certificate from the upstream (test links only).
    public var tlsInsecure: Bool
    public var enquireLinkSeconds: Int
    public var responseTimeoutSeconds: Int
    public var reconnectMinMilliseconds: Int
    public var reconnectMaxMilliseconds: Int

    public init(host: String, port: Int, systemID: String, password: String, systemType: String = "",
                bindMode: BindMode = .transceiver, interfaceVersion: UInt8 = 0x34, sessions: Int = 1,
                window: Int = 10, rate: Double? = nil, tls: Bool = false, tlsInsecure: Bool = false,
                enquireLinkSeconds: Int = 30, responseTimeoutSeconds: Int = 10,
                reconnectMinMilliseconds: Int = 500, reconnectMaxMilliseconds: Int = 30_000) {
        self.host = host
        self.port = port
        self.systemID = systemID
        self.password = password
        self.systemType = systemType
        self.bindMode = bindMode
        self.interfaceVersion = interfaceVersion
        self.sessions = sessions
        self.window = window
        self.rate = rate
        self.tls = tls
        self.tlsInsecure = tlsInsecure
        self.enquireLinkSeconds = enquireLinkSeconds
        self.responseTimeoutSeconds = responseTimeoutSeconds
        self.reconnectMinMilliseconds = reconnectMinMilliseconds
        self.reconnectMaxMilliseconds = reconnectMaxMilliseconds
    }
}

/// `type = "http"`: POST each message as JSON.
public struct HTTPSinkSettings: Sendable, Hashable {
    /// `http://host:port/path` (https when `tls` is wanted: the scheme decides).
    public var url: String
    public var timeoutMilliseconds: Int
    /// Attempts inside the connector before it reports a temporary failure to the dispatcher.
    public var retries: Int
    public var concurrency: Int
    /// Extra request headers (e.g. an API key).
    public var headers: [String: String]

    public init(url: String, timeoutMilliseconds: Int = 5000, retries: Int = 2, concurrency: Int = 16, headers: [String: String] = [:]) {
        self.url = url
        self.timeoutMilliseconds = timeoutMilliseconds
        self.retries = retries
        self.concurrency = concurrency
        self.headers = headers
    }
}

/// One `[[route]]`: which connectors (in failover order) take the messages it matches. An empty
/// condition matches everything; routes are tried in file order; the first match wins.
public struct RouteRule: Sendable, Hashable {
    public var name: String
    public var accounts: [String]
    /// Destination prefixes (digits, no '+').
    public var destinationPrefixes: [String]
    /// Source addresses matched exactly, or as prefixes when they end in '*'.
    public var sources: [String]
    public var dataCodings: [UInt8]
    public var connectors: [String]
    public var line: Int

    public init(name: String, accounts: [String] = [], destinationPrefixes: [String] = [], sources: [String] = [],
                dataCodings: [UInt8] = [], connectors: [String], line: Int = 0) {
        self.name = name
        self.accounts = accounts
        self.destinationPrefixes = destinationPrefixes
        self.sources = sources
        self.dataCodings = dataCodings
        self.connectors = connectors
        self.line = line
    }
}

/// One `[[mo_route]]`: which account receives an MO message.
public struct MORouteRule: Sendable, Hashable {
    public var name: String
    /// Destination (short code or long number) prefixes; empty matches all.
    public var destinationPrefixes: [String]
    /// First word of the text, case-insensitive; empty matches all.
    public var keywords: [String]
    public var account: String
    public var line: Int

    public init(name: String, destinationPrefixes: [String] = [], keywords: [String] = [], account: String, line: Int = 0) {
        self.name = name
        self.destinationPrefixes = destinationPrefixes
        self.keywords = keywords
        self.account = account
        self.line = line
    }
}
