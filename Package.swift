// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tern",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SMPP", targets: ["SMPP"]),
        .executable(name: "tern", targets: ["tern"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(
            name: "SMPP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Debian's liblua5.4 (apt: liblua5.4-dev), with a header shim for what Swift cannot import.
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        // Lua hooks: the sandboxed VM, plugins, the hook chain. Knows nothing of SMPP or NIO.
        // The instruction budget's watchdog: a CPU-time timer per thread and a signal handler, in C.
        .target(
            name: "CLuaWatchdog",
            dependencies: ["CLua"]
        ),
        .target(
            name: "Scripting",
            dependencies: ["CLua", "CLuaWatchdog"]
        ),
        // The domain: accounts, messages, config, pipeline, dispatcher, sessions. Knows no
        // concrete database and no concrete upstream.
        .target(
            name: "Gateway",
            dependencies: [
                "SMPP",
                "Scripting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // sqlite3_config, which is variadic and so out of Swift's reach.
        .target(
            name: "CSQLiteTuning",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        // MessageStore implementations.
        .target(
            name: "Store",
            dependencies: [
                "Gateway",
                "CSQLiteTuning",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Connector implementations: upstream SMPP, HTTP sink, simulator.
        .target(
            name: "Connectors",
            dependencies: [
                "Gateway",
                "SMPP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Tern's HTTP port: receipt webhooks of HTTP connectors now; the admin API later.
        .target(
            name: "Admin",
            dependencies: [
                "Gateway",
                "SMPP",
                "Scripting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "tern",
            dependencies: [
                "SMPP",
                "Scripting",
                "Gateway",
                "Store",
                "Connectors",
                "Admin",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // jemalloc instead of glibc's malloc for the whole process (Swift runtime, NIO,
            // SQLite): a message is allocated on one thread and freed on another, which glibc's
            // arenas pay for in locking and consolidation. Measured +11 % end to end
            // (BENCHMARKS.md). `--no-as-needed` keeps the library even though no symbol of the
            // executable names it: its malloc replaces libc's by link order.
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "--no-as-needed"]),
                .linkedLibrary("jemalloc"),
            ]
        ),
        .testTarget(
            name: "TernTests",
            dependencies: [
                "tern", "SMPP", "Gateway", "Store", "Connectors", "Scripting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "SMPPTests",
            dependencies: [
                "SMPP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "SMPP", "Store", "Connectors", "Scripting", "Admin",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ScriptingTests",
            dependencies: ["Scripting"]
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "Gateway", "SMPP", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "ConnectorsTests",
            dependencies: [
                "Connectors", "Gateway", "SMPP", "Admin",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
