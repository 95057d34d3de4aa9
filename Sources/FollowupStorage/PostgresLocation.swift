import FollowupCore
import Foundation
import PostgresNIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a shared database is (`storage.url`, §6.2), read from a `postgres://` or
/// `postgresql://` URL, libpq style: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, with
/// the query parameters `sslmode` (`disable`, `allow`, `prefer`, `require`, `verify-ca`,
/// `verify-full`), `sslrootcert` (a file of CA certificates to trust instead of the system's),
/// `host` (a directory holding the server's Unix socket), `password` and `application_name`.
///
/// Without `sslmode`, a server on another machine is reached with `verify-full` (TLS, the
/// certificate checked against the CA and the host name): a password and the desk's cases
/// never cross a network to an unverified server. A Unix socket or loopback address keeps
/// libpq's `prefer`. `require` with `sslrootcert` checks the CA, as libpq does.
///
/// The password never appears in ``description``: it is what logs and errors show.
struct PostgresLocation: Sendable, CustomStringConvertible {
    /// How the connection is made.
    enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        /// A Unix socket: `directory/.s.PGSQL.port`.
        case socket(path: String)
    }

    /// How TLS is used (`sslmode`).
    enum TLSMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    var endpoint: Endpoint
    var username: String
    var database: String
    var tlsMode: TLSMode
    /// CA certificates to trust (`sslrootcert`), else the system's.
    var rootCertificates: String?
    var applicationName: String?
    /// The password given in the URL itself, if any (a password file is preferred).
    var passwordInURL: String?
    /// The URL without its password.
    let description: String

    /// Reads a URL; `FollowupError.invalidConfiguration` (naming no password) when it is not one.
    init(url text: String) throws(FollowupError) {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"),
            let components = URLComponents(string: text)
        else {
            throw FollowupError(
                .invalidConfiguration, "storage.url: not a PostgreSQL URL: write postgres://USER@HOST/DATABASE")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let port = components.port ?? Int(query["port"] ?? "") ?? 5432
        username = components.user.flatMap { $0.isEmpty ? nil : $0 } ?? query["user"] ?? Self.systemUserName()
        var path = components.path
        if path.hasPrefix("/") { path.removeFirst() }
        database = path.isEmpty ? (query["dbname"] ?? username) : path
        passwordInURL = components.password ?? query["password"]
        applicationName = query["application_name"]
        rootCertificates = query["sslrootcert"].flatMap { $0.isEmpty ? nil : $0 }
        var explicitMode: TLSMode?
        if let text = query["sslmode"] {
            guard let mode = TLSMode(rawValue: text) else {
                throw FollowupError(
                    .invalidConfiguration,
                    "storage.url: sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            explicitMode = mode == .require && rootCertificates != nil ? .verifyCA : mode
        }
        tlsMode = .prefer
        var host = components.host ?? ""
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if let directory = query["host"], directory.hasPrefix("/") {
            endpoint = .socket(path: directory + "/.s.PGSQL.\(port)")
        } else if host.hasPrefix("/") {
            endpoint = .socket(path: host + "/.s.PGSQL.\(port)")
        } else {
            endpoint = .tcp(host: host.isEmpty ? (query["host"] ?? "localhost") : host, port: port)
        }
        description = Self.redacted(components)
        tlsMode = explicitMode ?? (endpoint.isLocal ? .prefer : .verifyFull)
        if let file = rootCertificates, !FileManager.default.isReadableFile(atPath: file) {
            throw FollowupError(.invalidConfiguration, "storage.url: sslrootcert \(file) cannot be read")
        }
    }

    /// The URL with its password (in the user part or the query) left out.
    static func redacted(_ components: URLComponents) -> String {
        var copy = components
        copy.password = nil
        if let items = copy.queryItems {
            let kept = items.filter { $0.name != "password" }
            copy.queryItems = kept.isEmpty ? nil : kept
        }
        return copy.string ?? "\(components.scheme ?? "postgres")://\(components.host ?? "")"
    }

    /// The name of the user running the process (libpq's default user).
    static func systemUserName() -> String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "followupd" }
        return String(cString: name)
    }

    /// The pooled client's configuration.
    func clientConfiguration(password: String?) throws(FollowupError) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            configuration = PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: clientTLS())
        case .socket(let path):
            configuration = PostgresClient.Configuration(
                unixSocketPath: path, username: username, password: password, database: database)
        }
        if let applicationName {
            configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        }
        return configuration
    }

    /// A single connection's configuration (migrations run on one before the pool starts).
    func connectionConfiguration(password: String?) throws(FollowupError) -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            configuration = PostgresConnection.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: try connectionTLS())
        case .socket(let path):
            configuration = PostgresConnection.Configuration(
                unixSocketPath: path, username: username, password: password, database: database)
        }
        if let applicationName {
            configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        }
        return configuration
    }

    /// libpq's meaning: `allow`, `prefer` and `require` encrypt without checking the
    /// certificate; `verify-ca` checks it against the trusted roots; `verify-full` checks the
    /// host name too.
    var tlsConfiguration: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch tlsMode {
        case .disable, .allow, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let rootCertificates { tls.trustRoots = .file(rootCertificates) }
        return tls
    }

    func clientTLS() -> PostgresClient.Configuration.TLS {
        switch tlsMode {
        case .disable: .disable
        case .allow, .prefer: .prefer(tlsConfiguration)
        case .require, .verifyCA, .verifyFull: .require(tlsConfiguration)
        }
    }

    func connectionTLS() throws(FollowupError) -> PostgresConnection.Configuration.TLS {
        if tlsMode == .disable { return .disable }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tlsConfiguration)
        } catch {
            throw FollowupError(
                .storageUnavailable, "cannot set up TLS for \(description): \(error)", underlying: error)
        }
        switch tlsMode {
        case .disable, .allow, .prefer: return .prefer(context)
        case .require, .verifyCA, .verifyFull: return .require(context)
        }
    }
}

extension PostgresLocation.Endpoint {
    /// A Unix socket or a loopback address: nothing crosses a network.
    var isLocal: Bool {
        switch self {
        case .socket: true
        case .tcp(let host, _): host == "localhost" || host.hasPrefix("127.") || host == "::1"
        }
    }
}
