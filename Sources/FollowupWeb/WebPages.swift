import FollowupConfig
import FollowupCore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The web pages (§6.9) from logic-less templates embedded in the binary, in the desk's
/// language; every value is HTML-escaped by the templates, and every page is served with a
/// `Content-Security-Policy` that allows no script and no asset from elsewhere.
struct WebPages: Sendable {
    let wording: WebWording
    let zone: TimeZone
    private let templates: [String: MustacheTemplate]

    /// The shipped templates, by name.
    static let shipped: [String: [UInt8]] = [
        "layout": PackageResources.layout_mustache, "sign-in": PackageResources.sign_in_mustache,
        "account": PackageResources.account_mustache, "ack": PackageResources.ack_mustache,
        "message": PackageResources.message_mustache, "board": PackageResources.board_mustache,
    ]

    /// The style sheet at `/static/desk.css`.
    static let styleSheet = PackageResources.desk_css

    init(language: ReportSettings.Language, zone: TimeZone) throws {
        wording = WebWording(language)
        self.zone = zone
        var templates: [String: MustacheTemplate] = [:]
        for (name, bytes) in Self.shipped {
            templates[name] = try MustacheTemplate(string: String(decoding: bytes, as: UTF8.self))
        }
        self.templates = templates
    }

    /// A whole page: `name`'s template with `values` inside the layout.
    func page(
        _ name: String, title: String, values: [String: Any], session: SessionView? = nil,
        status: HTTPResponse.Status = .ok, wide: Bool = false
    ) -> Response {
        var values = values
        values["t"] = wording.texts
        let content = templates[name]?.render(values) ?? ""
        var layout: [String: Any] = [
            "lang": wording.lang, "title": title, "content": content, "t": wording.texts, "wide": wide,
        ]
        if let session { layout["who"] = session.values }
        let html = templates["layout"]?.render(layout) ?? content
        return Self.html(html, status: status)
    }

    /// A page with one message (refusals, expired links, errors).
    func message(
        _ text: String, heading: String, status: HTTPResponse.Status, link: (href: String, label: String)? = nil,
        session: SessionView? = nil
    ) -> Response {
        var values: [String: Any] = ["heading": heading, "message": text, "error": status.code >= 400]
        if let link { values["link"] = ["href": link.href, "label": link.label] }
        return page("message", title: heading, values: values, session: session, status: status)
    }

    /// A time as the desk reads it: `03/12/2026 14:05` in the desk's zone (pt-BR), ISO-like in en.
    func time(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let year = String(c.year ?? 0)
        if wording.lang == "en" {
            return "\(year)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute))"
        }
        return "\(two(c.day))/\(two(c.month))/\(year) \(two(c.hour)):\(two(c.minute))"
    }

    /// How far `date` is from `now`, as a person says it: "em 3 h", "atrasado há 25 min".
    func relative(_ date: Date, now: Date) -> String {
        let seconds = abs(date.timeIntervalSince(now))
        let amount: String
        switch seconds {
        case ..<60: amount = "1 min"
        case ..<3600: amount = "\(Int(seconds / 60)) min"
        case ..<172_800: amount = "\(Int(seconds / 3600)) h"
        default: amount = "\(Int(seconds / 86_400)) d"
        }
        return format(date < now ? "ago" : "in", amount)
    }

    /// `text` with `%@` replaced by `arguments` in order.
    func format(_ key: String, _ arguments: String...) -> String {
        var text = wording[key]
        for argument in arguments {
            guard let range = text.range(of: "%@") else { break }
            text.replaceSubrange(range, with: argument)
        }
        return text
    }

    /// An HTML answer with the security headers every page carries.
    static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// No script, no frame, no asset from elsewhere (the server may be offline from the internet).
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'",
        .init("X-Content-Type-Options")!: "nosniff",
        .init("Referrer-Policy")!: "no-referrer",
        .cacheControl: "no-store",
    ]
}

/// Who is signed in, as the layout shows it.
struct SessionView {
    let values: [String: Any]

    init(_ session: any WebSessionInfo, wording: WebWording) {
        values = ["person": session.person, "roleName": wording.role(session.role)]
    }
}

/// The part of a session the pages show.
protocol WebSessionInfo {
    var person: String { get }
    var role: String { get }
}
