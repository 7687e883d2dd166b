// swift-tools-version:6.2
import PackageDescription

// One strict settings list for every Swift target (house rule 6).
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    .treatAllWarnings(as: .error),
]
// Libraries also make every unsafe construct explicit, so each one is grep-able
// and sits only in the files that own a C resource.
let strictLibrary = strict + [.strictMemorySafety()]

let package = Package(
    name: "Wachter",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wachter", targets: ["wachter"]),
        .library(name: "WachterCore", targets: ["WachterCore"]),
        .library(name: "WachterTLS", targets: ["WachterTLS"]),
        .library(name: "WachterAgent", targets: ["WachterAgent"]),
        // The PAM module, libpam_wachter.so; scripts/install-pam installs it as pam_wachter.so.
        .library(name: "pam_wachter", type: .dynamic, targets: ["pam_wachter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CCrypt",
            pkgConfig: "libxcrypt",
            providers: [.apt(["libcrypt-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "WachterCore",
            dependencies: [
                "CCrypt",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictLibrary,
            plugins: ["WordTables"]
        ),
        // Builds the strength estimator's word table from policies/wordlists at build time.
        .executableTarget(name: "wachter-wordtables", swiftSettings: strict),
        .plugin(name: "WordTables", capability: .buildTool(), dependencies: ["wachter-wordtables"]),
        .target(
            name: "WachterAgent",
            dependencies: [
                "WachterCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictLibrary
        ),
        // The PAM module: C, held to a stricter rule (docs/PAM.md): warnings are errors.
        .target(
            name: "pam_wachter",
            cSettings: [.unsafeFlags(["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-fvisibility=hidden"])],
            linkerSettings: [.linkedLibrary("pam")]
        ),
        .target(
            name: "WachterTLS",
            dependencies: ["COpenSSL", "WachterCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictLibrary
        ),
        .executableTarget(
            name: "wachter",
            dependencies: [
                "WachterCore",
                "WachterTLS",
                "WachterAgent",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "wachter-bench",
            dependencies: ["WachterCore"],
            swiftSettings: strict
        ),
        // What the test targets share: temporary directories, the built binary's runner,
        // the store backends of the contract suite, a cheap hasher.
        .target(
            name: "WachterTestSupport",
            dependencies: ["WachterCore"],
            path: "Tests/WachterTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "WachterCoreTests",
            dependencies: [
                "WachterCore",
                "WachterTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WachterAgentTests",
            dependencies: [
                "WachterAgent", "WachterCore", "WachterTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WachterTLSTests",
            dependencies: ["WachterTLS", "WachterCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WachterCLITests",
            dependencies: ["wachter", "WachterCore", "WachterTLS", "WachterTestSupport"],
            swiftSettings: strict
        ),
    ]
)
