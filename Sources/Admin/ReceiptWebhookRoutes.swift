import Foundation
import Hummingbird

/// `POST /api/v1/connectors/{name}/receipts`: where HTTP sinks post delivery receipts.
///
/// The route checks that the body is a JSON object and hands the connector name and the raw body
/// to `receive`, which the composition root wires to the named connector (parse with
/// `HTTPSinkConnector.receipt(fromJSON:)`, then `deliverWebhookReceipt`). Answers 204 when
/// `receive` returns (the receipt is kept), 400 for a body that is not a JSON object or that
/// `receive` rejects with `ReceiptWebhookError.invalidReceipt`, 404 for
/// `ReceiptWebhookError.unknownConnector`, 503 for `ReceiptWebhookError.notKept`.
public struct ReceiptWebhookRoutes: Sendable {
    public typealias Receive = @Sendable (_ connector: String, _ body: [UInt8]) async throws -> Void

    /// A receipt is a few fields; anything much larger is not one.
    public static let maximumBodySize = 64 * 1024
    public static let path: RouterPath = "/api/v1/connectors/{name}/receipts"

    private let receive: Receive

    public init(receive: @escaping Receive) {
        self.receive = receive
    }

    /// Adds the route to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        let receive = self.receive
        router.post(Self.path) { request, context -> Response in
            let name = try context.parameters.require("name")
            var request = request
            let buffer = try await request.collectBody(upTo: Self.maximumBodySize)
            let body = Array(buffer.readableBytesView)
            guard (try? JSONSerialization.jsonObject(with: Data(body))) is [String: Any] else {
                throw HTTPError(.badRequest, message: "the body must be a JSON object such as {\"id\": \"…\", \"status\": \"DELIVRD\", \"err\": 0}")
            }
            do {
                try await receive(name, body)
            } catch let error as ReceiptWebhookError {
                switch error.code {
                case .unknownConnector: throw HTTPError(.notFound, message: error.description)
                case .invalidReceipt: throw HTTPError(.badRequest, message: error.description)
                case .notKept: throw HTTPError(.serviceUnavailable, message: error.description)
                }
            }
            return Response(status: .noContent)
        }
    }
}

/// What the `receive` closure of `ReceiptWebhookRoutes` throws to choose the HTTP answer.
public struct ReceiptWebhookError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// No HTTP connector has that name (404).
        case unknownConnector
        /// The body is JSON but not a receipt (400); the message says which field.
        case invalidReceipt
        /// The gateway could not keep it now (503): the poster should send it again.
        case notKept
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public static func unknownConnector(_ name: String) -> ReceiptWebhookError {
        ReceiptWebhookError(code: .unknownConnector, message: "no HTTP connector is named \"\(name)\"")
    }

    public static func invalidReceipt(_ reason: String) -> ReceiptWebhookError {
        ReceiptWebhookError(code: .invalidReceipt, message: reason)
    }

    public var description: String { message }
}
