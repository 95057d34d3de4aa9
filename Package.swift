// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "followupd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "followupd", targets: ["followupd"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // The desk's rules: cases, cycles, calendars, the state machine. Foundation only, no I/O.
        .target(name: "FollowupCore", swiftSettings: swiftSettings),
        // The typed, validated configuration and its YAML loader.
        .target(
            name: "FollowupConfig",
            dependencies: ["FollowupCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // One storage protocol; the embedded SQLite engine behind it.
        .target(
            name: "FollowupStorage",
            dependencies: [
                "FollowupCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The desk (commands applied through storage) and the durable scheduler.
        .target(
            name: "FollowupEngine",
            dependencies: [
                "FollowupCore", "FollowupStorage", "FollowupConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "followupd",
            dependencies: [
                "FollowupCore", "FollowupConfig", "FollowupStorage", "FollowupEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks of §8 against the real binary (kept out of the test command).
        .executableTarget(
            name: "followupd-bench",
            dependencies: [
                "FollowupCore", "FollowupStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/followupd-bench",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "FollowupCoreTests", dependencies: ["FollowupCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FollowupConfigTests", dependencies: ["FollowupConfig", "FollowupCore"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "FollowupStorageTests", dependencies: ["FollowupStorage", "FollowupCore"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "FollowupEngineTests",
            dependencies: [
                "FollowupEngine", "FollowupStorage", "FollowupCore", "FollowupConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["FollowupCore", "FollowupStorage"],
            swiftSettings: swiftSettings),
    ]
)
