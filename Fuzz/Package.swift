// swift-tools-version:6.1
// libFuzzer target for the SMPP decoder. Kept out of the main package so that a normal build
// never needs -sanitize=fuzzer. Run it with scripts/fuzz.
import PackageDescription

let package = Package(
    name: "TernFuzz",
    dependencies: [
        .package(name: "Tern", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "SMPPFuzz",
            dependencies: [
                .product(name: "SMPP", package: "Tern"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
