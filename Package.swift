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
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
    ],
    targets: [
        // The desk's rules: cases, cycles, calendars, the state machine. Foundation only, no I/O.
        .target(name: "FollowupCore", swiftSettings: swiftSettings),
        // The control API's JSON shapes, shared by the daemon and followupctl.
        .target(name: "FollowupAPI", dependencies: ["FollowupCore"], swiftSettings: swiftSettings),
        // RFC 5322 + MIME mail writer and Maildir delivery (SPEC §6.7). Foundation and the core's
        // address grammar only.
        .target(name: "FollowupMail", dependencies: ["FollowupCore", "CSpawn"], swiftSettings: swiftSettings),
        // posix_spawn's "close every descriptor from N" (a glibc call the Swift overlay hides).
        .target(name: "CSpawn"),
        // Partners' replies read from the inbound Maildir (§4.5): RFC 5322 + MIME parsing, classification,
        // matching to cases. Foundation only, no I/O.
        .target(name: "FollowupInbound", dependencies: ["FollowupCore"], swiftSettings: swiftSettings),
        // The typed, validated configuration and its YAML loader.
        .target(
            name: "FollowupConfig",
            dependencies: ["FollowupCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // One storage protocol; the embedded SQLite engine and the shared PostgreSQL engine behind it.
        .target(
            name: "FollowupStorage",
            dependencies: [
                "FollowupCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The desk (commands applied through storage) and the durable scheduler.
        .target(
            name: "FollowupEngine",
            dependencies: [
                "FollowupCore", "FollowupStorage", "FollowupConfig",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Delivery of the outbox (§4.1, §6.6, §6.7): webhooks signed per Standard Webhooks, mail
        // composed and handed to a Maildir or sendmail, retries, digests, acknowledgement reminders.
        .target(
            name: "FollowupDelivery",
            dependencies: [
                "FollowupCore", "FollowupConfig", "FollowupStorage", "FollowupEngine", "FollowupMail",
                "FollowupReports",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The attempts report (§4.4) as text, Markdown and HTML from logic-less templates, and as JSON.
        // The shipped templates are embedded in the binary, so followupd runs without a resource bundle.
        .target(
            name: "FollowupReports",
            dependencies: ["FollowupCore", .product(name: "Mustache", package: "swift-mustache")],
            resources: [.embedInCode("Templates")],
            swiftSettings: swiftSettings
        ),
        // The inbox reader (§4.5): a Service watching the inbound Maildir and recording replies on cases.
        .target(
            name: "FollowupInbox",
            dependencies: [
                "FollowupCore", "FollowupConfig", "FollowupStorage", "FollowupEngine", "FollowupInbound",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // libsystemd (sd_notify, sd_journal_sendv), found through pkg-config.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // systemd integration: readiness, status, watchdog, reload notices, the journal.
        .target(
            name: "FollowupSystemd",
            dependencies: [
                "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The control socket: HTTP/1.1 + JSON over a Unix socket, peer credentials, metrics.
        .target(
            name: "FollowupControl",
            dependencies: [
                "FollowupCore", "FollowupAPI", "FollowupConfig", "FollowupStorage", "FollowupEngine", "FollowupReports",
                "FollowupInbox",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The web application (§6.9): sign-in, sessions, one-click acknowledgement and the desk's
        // pages, served by Hummingbird; every change goes through the control API's routes.
        .target(
            name: "FollowupWeb",
            dependencies: [
                "FollowupCore", "FollowupAPI", "FollowupConfig", "FollowupStorage", "FollowupEngine", "FollowupControl",
                "FollowupDelivery",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.embedInCode("Templates")],
            swiftSettings: swiftSettings
        ),
        // The running daemon: storage, scheduler, control socket and signals in one service group.
        .target(
            name: "FollowupDaemon",
            dependencies: [
                "FollowupCore", "FollowupConfig", "FollowupStorage", "FollowupEngine", "FollowupControl", "FollowupAPI",
                "FollowupSystemd", "FollowupDelivery", "FollowupReports", "FollowupInbox", "FollowupWeb",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "followupd",
            dependencies: [
                "FollowupDaemon", "FollowupSystemd",
                "FollowupCore", "FollowupConfig", "FollowupStorage", "FollowupEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The client for technicians, leaders and ops staff.
        .executableTarget(
            name: "followupctl",
            dependencies: [
                "FollowupCore", "FollowupAPI", "FollowupMail",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks of §8 against the real binary (kept out of the test command).
        .executableTarget(
            name: "followupd-bench",
            dependencies: [
                "FollowupCore", "FollowupStorage", "FollowupTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/followupd-bench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FollowupctlTests",
            dependencies: ["followupctl", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "FollowupMailTests", dependencies: ["FollowupMail", "FollowupTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "FollowupInboundTests", dependencies: ["FollowupInbound", "FollowupCore", "FollowupTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "FollowupDeliveryTests",
            dependencies: [
                "FollowupDelivery", "FollowupCore", "FollowupConfig", "FollowupStorage", "FollowupMail",
                "FollowupTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "FollowupCoreTests", dependencies: ["FollowupCore"], exclude: ["Fixtures"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "FollowupReportsTests", dependencies: ["FollowupReports", "FollowupCore", "FollowupTestSupport"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "FollowupConfigTests", dependencies: ["FollowupConfig", "FollowupCore"],
            swiftSettings: swiftSettings),
        // A throw-away PostgreSQL cluster the test suites share (never part of a product).
        .target(
            name: "FollowupTestSupport",
            dependencies: ["CSpawn", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "FollowupStorageTests", dependencies: ["FollowupStorage", "FollowupCore", "FollowupTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "FollowupEngineTests",
            dependencies: [
                "FollowupEngine", "FollowupStorage", "FollowupCore", "FollowupConfig", "FollowupTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // OpenID Connect sign-in against a real provider on loopback (Tests/Support/oidc_provider.py).
        .testTarget(
            name: "FollowupOIDCTests",
            dependencies: [
                "FollowupWeb", "FollowupConfig", "FollowupStorage", "FollowupCore", "FollowupControl",
                "FollowupTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "FollowupCore", "FollowupStorage", "FollowupAPI", "FollowupControl", "FollowupSystemd",
                "FollowupTestSupport", "CSpawn", "FollowupDelivery",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
    ]
)
