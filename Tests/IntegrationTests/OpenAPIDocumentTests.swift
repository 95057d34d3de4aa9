import FollowupControl
import Foundation
import Testing
import Yams

/// docs/openapi.yaml stays true: every route the server serves is documented, and every
/// documented route is served.
@Suite struct OpenAPIDocumentTests {
    static var documentPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml").path
    }

    @Test func documentedRoutesAreExactlyTheServedOnes() throws {
        let text = try String(contentsOfFile: Self.documentPath, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        let methods = ["get", "post", "put", "patch", "delete"]
        var documented: Set<String> = []
        for (path, item) in paths {
            guard let operations = item as? [String: Any] else { continue }
            for method in methods where operations[method] != nil {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        // Each operation states the role it needs, as the permission table has it.
        for (path, item) in paths {
            guard let operations = item as? [String: Any] else { continue }
            for method in methods {
                guard let operation = operations[method] as? [String: Any] else { continue }
                let route = "\(method.uppercased()) \(path)"
                #expect(
                    (operation["x-role"] as? String) == ControlAPI.role(for: route)?.description,
                    "\(route): x-role \(operation["x-role"] ?? "missing")")
            }
        }
        let served = Set(ControlAPI.routes)
        #expect(
            served.subtracting(documented).isEmpty,
            "served but not documented: \(served.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(served).isEmpty,
            "documented but not served: \(documented.subtracting(served).sorted())")
    }
}
