import FollowupAPI
import FollowupConfig
import FollowupCore
import FollowupEngine
import Foundation
import NIOCore
import NIOHTTP1

extension ControlAPI {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        try APICoding.encoder().encode(value)
    }

    static func json<T: Encodable>(_ status: HTTPResponseStatus, _ value: T) throws -> HTTPResponse {
        HTTPResponse(status: status, body: ByteBuffer(bytes: try encode(value)))
    }

    /// Decodes a JSON body; every failure names the field at fault and what it should be.
    static func decode<T: Decodable>(_ type: T.Type, from request: HTTPRequest, emptyAllowed: Bool = false) throws -> T
    {
        var data = Data(request.body.readableBytesView)
        if data.isEmpty {
            guard emptyAllowed else { throw FollowupError.invalid("body", "a JSON object is required") }
            data = Data("{}".utf8)
        }
        do {
            return try APICoding.decoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw invalid(error)
        }
    }

    static func invalid(_ error: DecodingError) -> FollowupError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .invalid(path(context.codingPath + [key]), "is required")
        case .valueNotFound(_, let context):
            return .invalid(path(context.codingPath), "must not be null")
        case .typeMismatch(let type, let context):
            let expected =
                switch type {
                case is String.Type: "a string"
                case is Bool.Type: "true or false"
                case is Int.Type, is Int64.Type: "a whole number"
                case is [Any].Type: "an array"
                default: "an object"
                }
            let field = path(context.codingPath)
            return .invalid(field.isEmpty ? "body" : field, "must be \(expected)")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field.isEmpty { return .invalid("body", "is not valid JSON (UTF-8 text with one object)") }
            let detail = context.debugDescription
            if detail.contains("Cannot initialize") {
                return .invalid(field, "has a value that is not one of the allowed ones")
            }
            return .invalid(field, detail)
        @unknown default:
            return .invalid("body", "could not be read")
        }
    }

    /// The error answer of §6.3, with the status the error's code maps to.
    static func errorResponse(_ error: any Error) -> HTTPResponse {
        let failure =
            (error as? FollowupError)
            ?? FollowupError(.internalError, "the request failed: \(String(describing: error))", underlying: error)
        let status: HTTPResponseStatus =
            switch failure.code {
            case .invalidInput: .badRequest
            case .notFound: .notFound
            case .conflict, reloadRefused, .duplicateRequest: .conflict
            case .forbidden: .forbidden
            case .storageUnavailable: .serviceUnavailable
            case methodNotAllowed: .methodNotAllowed
            default: .internalServerError
            }
        let body = ErrorBody(code: failure.code.rawValue, message: failure.message, field: failure.field)
        let data = (try? encode(body)) ?? Data(#"{"error":{"code":"internal","message":"error"}}"#.utf8)
        return HTTPResponse(status: status, body: ByteBuffer(bytes: data))
    }
}
